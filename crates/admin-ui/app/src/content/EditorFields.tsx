// The entry form's fields: all of them in the default locale; in another locale only the
// localized ones, each beside the default locale's value, which a translation falls back
// to where it is left empty.

import type { ContentType, FieldDef, MediaEmbed } from "../api/content";
import { FieldInput } from "./fields/FieldInput";
import { fieldKey, localizedFields, type Draft } from "./editor-state";
import type { FormValue } from "./values";

interface Props {
  type: ContentType;
  draft: Draft;
  errors: Record<string, string>;
  /** The translation being edited; null for the default locale. */
  locale: string | null;
  defaultLocale: string;
  onChange: (draft: Draft) => void;
}

function describe(value: FormValue | undefined): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? item : item.filename)).join(", ") || "(empty)";
  if (typeof value === "object") return (value as MediaEmbed).filename;
  return value;
}

export function EditorFields({ type, draft, errors, locale, defaultLocale, onChange }: Props) {
  const badge = (field: FieldDef, code: string) =>
    field.localized ? <span class="locale-badge">{code}</span> : undefined;

  if (locale === null) {
    return (
      <>
        {type.fields.map((field) => (
          <FieldInput
            key={field.name}
            field={field}
            id={`field-${field.name}`}
            value={draft.values[field.name] ?? null}
            error={errors[field.name]}
            badge={locales(type) ? badge(field, defaultLocale) : undefined}
            onChange={(value) => onChange({ ...draft, values: { ...draft.values, [field.name]: value } })}
          />
        ))}
      </>
    );
  }

  const translation = draft.translations[locale] ?? {};
  const setTranslated = (field: FieldDef, value: FormValue) =>
    onChange({ ...draft, translations: { ...draft.translations, [locale]: { ...translation, [field.name]: value } } });
  return (
    <>
      <p class="hint">
        Translating into <strong>{locale}</strong>. Fields left empty show the {defaultLocale} text. Fields that are
        not translated are edited in {defaultLocale}.
      </p>
      {localizedFields(type).map((field) => (
        <div class="side-by-side" key={field.name}>
          <div>
            <p class="default-value-label" id={`default-${field.name}`}>
              {field.label ?? field.name} ({defaultLocale})
            </p>
            <div class="default-value" aria-labelledby={`default-${field.name}`} role="group">
              {describe(draft.values[field.name])}
            </div>
          </div>
          <FieldInput
            field={{ ...field, required: false }}
            id={`field-${locale}-${field.name}`}
            value={translation[field.name] ?? (field.kind === "list" ? [] : "")}
            error={errors[fieldKey(field.name, locale)]}
            badge={badge(field, locale)}
            onChange={(value) => setTranslated(field, value)}
          />
        </div>
      ))}
    </>
  );
}

function locales(type: ContentType): boolean {
  return localizedFields(type).length > 0;
}
