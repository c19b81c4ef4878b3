// A field value in a diff or comparison: text as it is, Markdown as its source, media by
// file name, anything else as JSON.

function diffText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (typeof value === "string") return value;
  if (typeof value === "object" && !Array.isArray(value)) {
    if ("markdown" in value) return String((value as { markdown: unknown }).markdown);
    if ("filename" in value) return String((value as { filename: unknown }).filename);
  }
  return JSON.stringify(value, null, 2);
}

export function DiffValue({ value }: { value: unknown }) {
  return <pre>{diffText(value)}</pre>;
}
