// The control for one field of an entry, chosen by the field's kind, with its label,
// description and error (FormField). Values are in the form shape of values.ts.

import type { ComponentChildren } from "preact";

import type { FieldDef, MediaEmbed } from "../../api/content";
import { FormField, type ControlProps } from "../../ui/FormField";
import type { FormValue } from "../values";
import { ListInput } from "./ListInput";
import { MarkdownInput } from "./MarkdownInput";
import { MediaInput } from "./MediaInput";
import { ReferenceInput } from "./ReferenceInput";

interface FieldInputProps {
  field: FieldDef;
  id: string;
  value: FormValue;
  error?: string;
  badge?: ComponentChildren;
  onChange: (value: FormValue) => void;
}

const TEXT_TYPES: Partial<Record<FieldDef["kind"], string>> = {
  text: "text",
  slug: "text",
  email: "email",
  url: "url",
  date: "date",
  datetime: "datetime-local",
};

function hintFor(field: FieldDef): string | undefined {
  const rules: string[] = [];
  if (field.kind === "slug") rules.push("Lowercase words joined by hyphens.");
  if (field.kind === "json") rules.push("JSON.");
  if (field.max_length && field.kind !== "list") rules.push(`At most ${field.max_length} characters.`);
  if (field.min !== undefined && field.max !== undefined) rules.push(`From ${field.min} to ${field.max}.`);
  else if (field.min !== undefined) rules.push(`At least ${field.min}.`);
  else if (field.max !== undefined) rules.push(`At most ${field.max}.`);
  return [field.description, ...rules].filter(Boolean).join(" ") || undefined;
}

function text(value: FormValue): string {
  return typeof value === "string" ? value : "";
}

function control(props: FieldInputProps, ids: ControlProps) {
  const { field, value, onChange } = props;
  const inputType = TEXT_TYPES[field.kind];
  if (inputType) {
    return (
      <input {...ids} type={inputType} value={text(value)} required={field.required}
        onInput={(event) => onChange(event.currentTarget.value)} />
    );
  }
  switch (field.kind) {
    case "integer":
    case "number":
      return (
        <input {...ids} type="number" inputMode={field.kind === "integer" ? "numeric" : "decimal"}
          step={field.kind === "integer" ? 1 : "any"} min={field.min} max={field.max} value={text(value)}
          onInput={(event) => onChange(event.currentTarget.value)} />
      );
    case "boolean":
      return (
        <span class="checkbox-line">
          <input {...ids} type="checkbox" checked={value === true} onChange={(event) => onChange(event.currentTarget.checked)} />
          <span>{value === true ? "Yes" : "No"}</span>
        </span>
      );
    case "enum":
      return (
        <select {...ids} value={text(value)} onChange={(event) => onChange(event.currentTarget.value)}>
          <option value="">{field.required ? "Choose…" : "None"}</option>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    case "json":
      return <JsonInput ids={ids} value={text(value)} onChange={onChange} />;
    case "rich_text":
      return <MarkdownInput ids={ids} label={field.label ?? field.name} value={text(value)} onChange={onChange} />;
    case "reference":
      return <ReferenceInput ids={ids} field={field} value={value} onChange={onChange} />;
    case "media":
      return <MediaInput ids={ids} field={field} value={value as MediaEmbed | MediaEmbed[] | null} onChange={onChange} />;
    case "list":
      return <ListInput ids={ids} field={field} value={Array.isArray(value) ? (value as string[]) : []} onChange={onChange} />;
    default:
      return <input {...ids} value={text(value)} onInput={(event) => onChange(event.currentTarget.value)} />;
  }
}

const GROUPED: FieldDef["kind"][] = ["reference", "media", "list"];

export function FieldInput(props: FieldInputProps) {
  const { field, id, error, badge } = props;
  return (
    <FormField
      id={id}
      label={field.label ?? field.name}
      hint={hintFor(field)}
      error={error}
      required={field.required}
      badge={badge}
      group={GROUPED.includes(field.kind)}
      control={(ids) => control(props, ids)}
    />
  );
}

function JsonInput({ ids, value, onChange }: { ids: ControlProps; value: string; onChange: (value: string) => void }) {
  let problem: string | null = null;
  if (value.trim() !== "") {
    try {
      JSON.parse(value);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  }
  return (
    <>
      <textarea {...ids} class="code" rows={8} spellcheck={false} value={value} aria-invalid={ids["aria-invalid"] || problem !== null || undefined}
        onInput={(event) => onChange(event.currentTarget.value)} />
      {problem && <p class="field-error">Not valid JSON: {problem}</p>}
    </>
  );
}
