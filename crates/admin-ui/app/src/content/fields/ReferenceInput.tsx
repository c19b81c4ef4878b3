// A reference field: the chosen entries by title, and a dialog to search the target
// type (`q`, drafts included) and pick one.

import { useState } from "preact/hooks";

import { content, type Entry, type FieldDef } from "../../api/content";
import { useRequest } from "../../api/use-request";
import { useType } from "../../app-state";
import { Alert } from "../../ui/Alert";
import { Dialog } from "../../ui/Dialog";
import type { ControlProps } from "../../ui/FormField";
import { entryTitle } from "../entry-text";
import { rememberTitle, useEntryTitles } from "../entry-titles";
import type { FormValue } from "../values";

interface Props {
  ids: ControlProps;
  field: FieldDef;
  value: FormValue;
  onChange: (value: FormValue) => void;
}

export function ReferenceInput({ ids, field, value, onChange }: Props) {
  const target = useType(field.to ?? "");
  const chosen = Array.isArray(value) ? (value as string[]) : typeof value === "string" && value ? [value] : [];
  const titles = useEntryTitles(target, chosen);
  const [picking, setPicking] = useState(false);
  const label = field.label ?? field.name;
  const remove = (id: string) => onChange(field.many ? chosen.filter((other) => other !== id) : null);
  const full = field.many && field.max_items !== undefined && chosen.length >= field.max_items;
  return (
    <div>
      {chosen.length > 0 && (
        <ul class="chips">
          {chosen.map((id) => (
            <li key={id} class="chip">
              <span>{titles.get(id) ?? id}</span>
              <button type="button" aria-label={`Remove ${titles.get(id) ?? id} from ${label}`} onClick={() => remove(id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" id={ids.id} aria-describedby={ids["aria-describedby"]} disabled={full} onClick={() => setPicking(true)}>
        {field.many ? `Add to ${label}` : `Choose ${label}`}
      </button>
      {picking && (
        <ReferencePicker
          field={field}
          onClose={() => setPicking(false)}
          onPick={(entry) => {
            rememberTitle(target, entry);
            onChange(field.many ? [...chosen.filter((id) => id !== entry.id), entry.id] : entry.id);
            setPicking(false);
          }}
        />
      )}
    </div>
  );
}

function ReferencePicker({ field, onPick, onClose }: { field: FieldDef; onPick: (entry: Entry) => void; onClose: () => void }) {
  const target = useType(field.to ?? "");
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const plural = target?.plural_label ?? field.to ?? "entries";

  useRequest(
    () =>
      field.to
        ? content.GET("/api/v1/admin/content/{type}", {
            params: { path: { type: field.to }, query: { q: search || undefined, "page[size]": 20 } },
          })
        : null,
    setEntries,
    setError,
    [search],
  );

  return (
    <Dialog title={`Choose from ${plural}`} onClose={onClose}>
      <form role="search" class="search" onSubmit={(event) => { event.preventDefault(); setSearch(q.trim()); }}>
        <label for="reference-search">Search {plural.toLowerCase()}</label>
        <input id="reference-search" type="search" value={q} onInput={(event) => setQ(event.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      {error && <Alert>{error}</Alert>}
      {entries === null ? (
        <p class="loading">Loading…</p>
      ) : entries.length === 0 ? (
        <p class="empty">Nothing found.</p>
      ) : (
        <ul class="picker-results">
          {entries.map((entry) => (
            <li key={entry.id}>
              <button type="button" onClick={() => onPick(entry)}>
                <span>{entryTitle(target, entry)}</span>
                <span class="slug">{entry.status}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
