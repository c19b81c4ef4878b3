// Filters on a type's indexed fields, kept in the address as `f.<field>.<operator>`:
// a choice for enums and booleans, a range for numbers and dates, "contains" for text
// and lists, an id or slug for references. They become the API's
// `filter[field][operator]=value`.

import { useState } from "preact/hooks";

import type { ContentType, FieldDef } from "../api/content";

const PREFIX = "f.";

/** The API filter the address holds. */
export function filterFromQuery(query: URLSearchParams): Record<string, Record<string, string>> | undefined {
  const filter: Record<string, Record<string, string>> = {};
  for (const [key, value] of query) {
    if (!key.startsWith(PREFIX) || value === "") continue;
    const [field, operator] = key.slice(PREFIX.length).split(".");
    if (!field || !operator) continue;
    filter[field] = { ...filter[field], [operator]: value };
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}

function operatorsFor(field: FieldDef): { op: string; label: string }[] {
  switch (field.kind) {
    case "integer":
    case "number":
    case "date":
    case "datetime":
      return [
        { op: "gte", label: "from" },
        { op: "lte", label: "to" },
      ];
    case "enum":
    case "boolean":
    case "reference":
      return [{ op: "eq", label: "is" }];
    case "list":
    case "text":
    case "slug":
    case "email":
    case "url":
      return [{ op: "contains", label: "contains" }];
    default:
      return [];
  }
}

function inputType(field: FieldDef): string {
  switch (field.kind) {
    case "integer":
    case "number":
      return "number";
    case "date":
      return "date";
    default:
      return "text";
  }
}

interface Props {
  type: ContentType;
  query: URLSearchParams;
  onChange: (changes: Record<string, string | null>) => void;
}

export function Filters({ type, query, onChange }: Props) {
  const fields = type.fields.filter((field) => field.indexed && operatorsFor(field).length > 0);
  const active = [...query.keys()].some((key) => key.startsWith(PREFIX));
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries([...query].filter(([key]) => key.startsWith(PREFIX))),
  );
  if (fields.length === 0) {
    return null;
  }
  const apply = (event: Event) => {
    event.preventDefault();
    const changes: Record<string, string | null> = {};
    for (const field of fields) {
      for (const { op } of operatorsFor(field)) {
        const key = `${PREFIX}${field.name}.${op}`;
        changes[key] = draft[key]?.trim() || null;
      }
    }
    onChange(changes);
  };
  const clear = () => {
    setDraft({});
    onChange(Object.fromEntries([...query.keys()].filter((key) => key.startsWith(PREFIX)).map((key) => [key, null])));
  };
  return (
    <details class="filters" open={active}>
      <summary>Filters{active ? " (active)" : ""}</summary>
      <form onSubmit={apply} class="filter-grid">
        {fields.flatMap((field) =>
          operatorsFor(field).map(({ op, label }) => {
            const key = `${PREFIX}${field.name}.${op}`;
            const id = `filter-${field.name}-${op}`;
            const caption = `${field.label ?? field.name} ${label}`;
            const value = draft[key] ?? "";
            const set = (next: string) => setDraft({ ...draft, [key]: next });
            return (
              <div class="filter" key={key}>
                <label for={id}>{caption}</label>
                {field.kind === "enum" || field.kind === "boolean" ? (
                  <select id={id} value={value} onChange={(event) => set(event.currentTarget.value)}>
                    <option value="">Any</option>
                    {(field.kind === "boolean" ? ["true", "false"] : (field.options ?? [])).map((option) => (
                      <option key={option} value={option}>
                        {field.kind === "boolean" ? (option === "true" ? "Yes" : "No") : option}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={id} type={inputType(field)} value={value} onInput={(event) => set(event.currentTarget.value)} />
                )}
              </div>
            );
          }),
        )}
        <div class="filter-actions">
          <button type="submit">Apply filters</button>
          <button type="button" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>
    </details>
  );
}
