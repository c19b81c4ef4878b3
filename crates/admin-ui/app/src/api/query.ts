// The query string the Civitas API reads: nested objects as brackets
// (`filter[tags][contains]=mobility`, the OpenAPI deepObject style, at any depth) and
// lists comma-separated (`sort=-published_at,title`). openapi-fetch's own serializer
// stops at one level of brackets, so the clients are given this one.

type Scalar = string | number | boolean | null;
type QueryValue = Scalar | QueryValue[] | { [key: string]: QueryValue | undefined };

function pairs(name: string, value: QueryValue | undefined): [string, string][] {
  if (value === undefined || value === "") {
    return [];
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : [[name, value.map(String).join(",")]];
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => pairs(`${name}[${key}]`, inner));
  }
  return [[name, String(value)]];
}

export function civitasQuery(query: Record<string, unknown>): string {
  return Object.entries(query)
    .flatMap(([name, value]) => pairs(name, value as QueryValue | undefined))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join("&");
}
