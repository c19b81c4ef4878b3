// Between the API's entries and the editor's form: each field kind has a form shape
// (text inputs hold strings, references ids, media fields the embedded media objects)
// and a write shape (what the admin API takes). JSON and numbers are parsed on the way
// out, and a value that does not parse is reported at its field before anything is sent.

import type { ContentType, Entry, FieldDef, MediaEmbed } from "../api/content";

export type FormValue = string | boolean | null | string[] | MediaEmbed | MediaEmbed[];
export type FormValues = Record<string, FormValue>;

function isMedia(value: unknown): value is MediaEmbed {
  return typeof value === "object" && value !== null && "id" in value && "url" in value;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && "markdown" in value) return String((value as { markdown: unknown }).markdown ?? "");
  return String(value);
}

/** A reference as its id: written as an id or slug, read as an id or an embedded entry. */
function referenceId(value: unknown): string {
  return typeof value === "object" && value !== null && "id" in value ? scalarText((value as { id: unknown }).id) : scalarText(value);
}

/** datetime-local wants `YYYY-MM-DDTHH:MM` in local time. */
export function toLocalInput(value: string | null | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (value === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** One field's value as the form holds it, from an entry's (or translation's) value. */
function toForm(field: FieldDef, value: unknown): FormValue {
  switch (field.kind) {
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "datetime":
      return toLocalInput(typeof value === "string" ? value : null);
    case "json":
      return value === null || value === undefined ? "" : JSON.stringify(value, null, 2);
    case "reference":
      if (field.many) return Array.isArray(value) ? value.map(referenceId) : [];
      return value === null || value === undefined ? null : referenceId(value);
    case "media":
      if (field.many) return Array.isArray(value) ? value.filter(isMedia) : [];
      return isMedia(value) ? value : null;
    case "list":
      return Array.isArray(value) ? value.map(scalarText) : [];
    default:
      return scalarText(value);
  }
}

export function emptyForm(field: FieldDef): FormValue {
  return toForm(field, field.default ?? null);
}

export function formFromEntry(type: ContentType, entry: Entry | Record<string, unknown>): FormValues {
  return Object.fromEntries(type.fields.map((field) => [field.name, toForm(field, entry[field.name])]));
}

export function formTranslations(type: ContentType, entry: Entry): Record<string, FormValues> {
  const localized = type.fields.filter((field) => field.localized);
  return Object.fromEntries(
    Object.entries(entry.translations ?? {}).map(([locale, values]) => [
      locale,
      Object.fromEntries(
        localized.filter((field) => field.name in values).map((field) => [field.name, toForm(field, values[field.name])]),
      ),
    ]),
  );
}

function parseNumber(field: FieldDef, text: string): number | null {
  if (text.trim() === "") return null;
  const number = Number(text);
  if (!Number.isFinite(number) || (field.kind === "integer" && !Number.isInteger(number))) {
    throw new Error(field.kind === "integer" ? "Enter a whole number." : "Enter a number.");
  }
  return number;
}

function listItem(kind: string | undefined, text: string): unknown {
  if (kind === "integer" || kind === "number") {
    const number = Number(text);
    if (text.trim() === "" || !Number.isFinite(number)) throw new Error("Each item must be a number.");
    return number;
  }
  if (kind === "boolean") return text === "true";
  return text;
}

/** One field's value as the API takes it; throws an Error with a message for the field. */
function toWrite(field: FieldDef, value: FormValue): unknown {
  switch (field.kind) {
    case "integer":
    case "number":
      return parseNumber(field, typeof value === "string" ? value : "");
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "datetime":
      return fromLocalInput(typeof value === "string" ? value : "");
    case "json": {
      const text = typeof value === "string" ? value.trim() : "";
      if (text === "") return null;
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new Error(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    case "reference":
      return field.many ? (Array.isArray(value) ? value : []) : value || null;
    case "media":
      if (field.many) return Array.isArray(value) ? value.map((item) => (isMedia(item) ? item.id : item)) : [];
      return isMedia(value) ? value.id : null;
    case "list":
      return Array.isArray(value) ? value.filter((item) => typeof item === "string" && item.trim() !== "").map((item) => listItem(field.of, String(item))) : [];
    default:
      return typeof value === "string" && value !== "" ? value : null;
  }
}

/** The write body for some fields, and the messages of those that do not parse. */
export function writeValues(fields: FieldDef[], values: FormValues): { body: Record<string, unknown>; errors: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    if (!(field.name in values)) continue;
    try {
      body[field.name] = toWrite(field, values[field.name] ?? null);
    } catch (error) {
      errors[field.name] = error instanceof Error ? error.message : String(error);
    }
  }
  return { body, errors };
}

export function sameValue(a: FormValue | undefined, b: FormValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
