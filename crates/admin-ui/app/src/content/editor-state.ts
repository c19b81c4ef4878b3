// The entry editor's data: the entry as last read (with its ETag for If-Match), the form
// values for the default locale and for each translation, and what a save sends.

import type { ContentType, Entry, FieldDef } from "../api/content";
import {
  emptyForm,
  formFromEntry,
  formTranslations,
  writeValues,
  type FormValues,
} from "./values";

export interface Draft {
  slug: string;
  values: FormValues;
  translations: Record<string, FormValues>;
}

export function draftFromEntry(type: ContentType, entry: Entry | null): Draft {
  if (!entry) {
    return {
      slug: "",
      values: Object.fromEntries(type.fields.map((field) => [field.name, emptyForm(field)])),
      translations: {},
    };
  }
  return { slug: entry.slug, values: formFromEntry(type, entry), translations: formTranslations(type, entry) };
}

export function localizedFields(type: ContentType): FieldDef[] {
  return type.fields.filter((field) => field.localized);
}

function hasContent(values: FormValues): boolean {
  return Object.values(values).some((value) => value !== null && value !== "" && !(Array.isArray(value) && value.length === 0));
}

/** The body of a create or replace, or the messages of fields whose values do not parse. */
export function draftBody(type: ContentType, draft: Draft): { body: Record<string, unknown>; errors: Record<string, string> } {
  const { body, errors } = writeValues(type.fields, draft.values);
  const translations: Record<string, Record<string, unknown>> = {};
  for (const [locale, values] of Object.entries(draft.translations)) {
    if (!hasContent(values)) continue;
    const written = writeValues(localizedFields(type), values);
    translations[locale] = written.body;
    for (const [field, message] of Object.entries(written.errors)) {
      errors[fieldKey(field, locale)] = message;
    }
  }
  if (localizedFields(type).length > 0) {
    body.translations = translations;
  }
  if (draft.slug.trim() !== "") {
    body.slug = draft.slug.trim();
  }
  return { body, errors };
}

/** Where an error shows: `title` for the default locale, `fr:title` for a translation. */
export function fieldKey(field: string, locale?: string): string {
  return locale ? `${locale}:${field}` : field;
}

/** An API error detail's field (`title`, `authors[0]`, `translations.fr.title`) as a fieldKey. */
export function detailKey(path: string): string {
  const parts = path.split(/[.[\]]/).filter(Boolean);
  if (parts[0] === "translations" && parts.length >= 3) {
    return fieldKey(parts[2] ?? "", parts[1]);
  }
  return parts[0] ?? path;
}
