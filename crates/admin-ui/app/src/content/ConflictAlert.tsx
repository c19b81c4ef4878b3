// Shown when a save answers 412: someone saved the entry after it was opened here. It
// says who and when, and offers to compare the two versions field by field, to take
// theirs (losing the changes made here) or to save these changes over theirs.

import { useState } from "preact/hooks";

import type { ContentType } from "../api/content";
import { Alert } from "../ui/Alert";
import { Dialog } from "../ui/Dialog";
import { formatActor, formatTime } from "../ui/format";
import { useActorNames } from "./actor-names";
import { draftFromEntry, type Draft } from "./editor-state";
import type { Loaded } from "./entry-api";
import { sameValue, type FormValue } from "./values";
import { DiffValue } from "./DiffValue";

interface Props {
  type: ContentType;
  draft: Draft;
  theirs: Loaded;
  onReload: () => void;
  onOverwrite: () => void;
}

export function ConflictAlert({ type, draft, theirs, onReload, onOverwrite }: Props) {
  const names = useActorNames();
  const [comparing, setComparing] = useState(false);
  const other = draftFromEntry(type, theirs.entry);
  const rows = type.fields
    .filter((field) => !sameValue(draft.values[field.name], other.values[field.name]))
    .map((field) => ({ label: field.label ?? field.name, mine: draft.values[field.name], theirs: other.values[field.name] }));
  for (const [locale, values] of Object.entries({ ...other.translations, ...draft.translations })) {
    for (const field of type.fields.filter((candidate) => candidate.localized)) {
      const mine = draft.translations[locale]?.[field.name];
      const their = other.translations[locale]?.[field.name];
      if (field.name in values && !sameValue(mine ?? "", their ?? "")) {
        rows.push({ label: `${field.label ?? field.name} (${locale})`, mine: mine ?? "", theirs: their ?? "" });
      }
    }
  }
  return (
    <Alert kind="warning" title="Someone else changed this entry">
      <p>
        {formatActor(theirs.entry.updated_by, names)} saved it at {formatTime(theirs.entry.updated_at)} (revision{" "}
        {theirs.entry.revision}), after you opened it. Your changes are not saved yet.
      </p>
      <div class="actions">
        <button type="button" onClick={() => setComparing(true)}>
          Compare
        </button>
        <button type="button" onClick={onReload}>
          Reload their version
        </button>
        <button type="button" onClick={onOverwrite}>
          Save mine over theirs
        </button>
      </div>
      {comparing && (
        <Dialog title="Your changes and theirs" onClose={() => setComparing(false)} wide>
          {rows.length === 0 ? (
            <p>The fields are the same in both versions.</p>
          ) : (
            <CompareTable rows={rows} />
          )}
        </Dialog>
      )}
    </Alert>
  );
}

function CompareTable({ rows }: { rows: { label: string; mine: FormValue | undefined; theirs: FormValue | undefined }[] }) {
  return (
    <div class="table-wrap" role="region" aria-label="Differences" tabIndex={0}>
      <table class="diff">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Yours</th>
            <th scope="col">Theirs (saved)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td class="after">
                <DiffValue value={row.mine ?? null} />
              </td>
              <td class="before">
                <DiffValue value={row.theirs ?? null} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
