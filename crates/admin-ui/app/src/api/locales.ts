// The site's locales (`api.locales`) and its default one. No small route lists them, so
// they are read from the OpenAPI document, which states them as the `locale` parameter's
// values (every locale on the public reads, the others on translations), once per tab:
// the answer is kept in sessionStorage.

export interface Locales {
  all: string[];
  default: string;
}

interface Parameter {
  name: string;
  schema?: { enum?: string[] };
}
type Document = { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };

const KEY = "civitas.locales";
let cached: Promise<Locales> | null = null;

function localeEnum(document: Document, pattern: RegExp, method: string): string[] {
  const path = Object.keys(document.paths).find((candidate) => pattern.test(candidate));
  const parameters = path ? (document.paths[path]?.[method]?.parameters ?? []) : [];
  return parameters.find((parameter) => parameter.name === "locale")?.schema?.enum ?? [];
}

async function fetchLocales(): Promise<Locales> {
  const response = await fetch("/api/v1/openapi.json");
  if (!response.ok) {
    throw new Error(`The API description answered ${response.status}.`);
  }
  const document = (await response.json()) as Document;
  const all = localeEnum(document, /^\/api\/v1\/content\/[^/{]+$/, "get");
  const others = localeEnum(document, /^\/api\/v1\/admin\/content\/[^/]+\/\{id\}\/translations\/\{locale\}$/, "put");
  const fallback = all.find((locale) => !others.includes(locale)) ?? all[0] ?? "en";
  return { all: all.length > 0 ? all : [fallback], default: fallback };
}

function stored(): Locales | null {
  const text = sessionStorage.getItem(KEY);
  return text ? (JSON.parse(text) as Locales) : null;
}

export function loadLocales(): Promise<Locales> {
  const known = stored();
  if (known) {
    return Promise.resolve(known);
  }
  cached ??= fetchLocales().then(
    (locales) => {
      sessionStorage.setItem(KEY, JSON.stringify(locales));
      return locales;
    },
    (error: unknown) => {
      cached = null;
      throw error;
    },
  );
  return cached;
}
