// An entry as the public will see it: the public read with `preview=true` (drafts and
// unpublished changes included, shaped exactly as published entries are), in any locale.
// Rich text is the server's sanitised HTML, sanitised again here before it is shown.

import { useEffect, useState } from "preact/hooks";

import { content, type FieldDef, type MediaEmbed } from "../api/content";
import { loadLocales, type Locales } from "../api/locales";
import { useRequest } from "../api/use-request";
import { useType } from "../app-state";
import { Alert } from "../ui/Alert";
import { Link } from "../ui/Link";
import { sanitizeHtml } from "./markdown";

interface Props {
  typeId: string;
  entryId: string;
}

type PublicEntry = Record<string, unknown>;

export function Preview({ typeId, entryId }: Props) {
  const type = useType(typeId);
  const [locales, setLocales] = useState<Locales | null>(null);
  const [locale, setLocale] = useState<string | null>(null);
  const [entry, setEntry] = useState<PublicEntry | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadLocales().then(setLocales, () => setLocales(null));
  }, []);

  useRequest(
    () =>
      content.GET("/api/v1/content/{type}/{id}", {
        params: { path: { type: typeId, id: entryId }, query: { preview: true, locale: locale ?? undefined } },
      }),
    setEntry,
    setError,
    [typeId, entryId, locale],
  );

  if (!type) return <Alert title="Unknown content type">There is no type “{typeId}”.</Alert>;
  const title = entry ? String(entry[type.title_field] ?? entry.slug ?? "") : "";
  return (
    <section class="screen" aria-labelledby="preview-heading">
      <p class="meta-line">
        <Link to={`/content/${typeId}`}>{type.plural_label}</Link> › <Link to={`/content/${typeId}/${entryId}`}>Back to the editor</Link>
      </p>
      <div class="screen-header">
        <h1 id="preview-heading">Preview</h1>
        {locales && locales.all.length > 1 && (
          <div class="inline-actions">
            <label for="preview-locale">Language</label>
            <select id="preview-locale" class="auto-width" value={locale ?? locales.default} onChange={(event) => setLocale(event.currentTarget.value)}>
              {locales.all.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <p class="hint">As the public API will serve it once published, unpublished changes included.</p>
      {error && <Alert>{error}</Alert>}
      {entry && (
        <article class="preview-frame" aria-label={`Preview of ${title}`}>
          <h2 class="preview-title">{title}</h2>
          {type.fields
            .filter((field) => field.name !== type.title_field && !isEmpty(entry[field.name]))
            .map((field) => (
              <PreviewField key={field.name} field={field} value={entry[field.name]} />
            ))}
        </article>
      )}
    </section>
  );
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

function PreviewField({ field, value }: { field: FieldDef; value: unknown }) {
  return (
    <section class="preview-field">
      <h3 class="preview-label">{field.label ?? field.name}</h3>
      <FieldValue field={field} value={value} />
    </section>
  );
}

function FieldValue({ field, value }: { field: FieldDef; value: unknown }) {
  if (field.kind === "rich_text" && typeof value === "object" && value !== null && "html" in value) {
    const html = sanitizeHtml(String((value as { html: unknown }).html));
    return <div dangerouslySetInnerHTML={{ __html: html }} />;
  }
  if (field.kind === "media") {
    const items = (Array.isArray(value) ? value : [value]) as MediaEmbed[];
    return (
      <div>
        {items.map((media) => (
          <img key={media.id} src={media.url} alt={media.alt ?? ""} width={media.width ?? undefined} height={media.height ?? undefined} />
        ))}
      </div>
    );
  }
  if (Array.isArray(value)) {
    return (
      <ul>
        {value.map((item, index) => (
          <li key={index}>{typeof item === "object" ? JSON.stringify(item) : String(item)}</li>
        ))}
      </ul>
    );
  }
  if (typeof value === "object") return <pre>{JSON.stringify(value, null, 2)}</pre>;
  if (typeof value === "boolean") return <p>{value ? "Yes" : "No"}</p>;
  return <p>{String(value)}</p>;
}

