// One revision compared field by field with the one before it (or another chosen one),
// and restoring it as a new revision (with If-Match, so a change made meanwhile is not
// overwritten unseen).

import { useState } from "preact/hooks";

import { errorMessage } from "../api/client";
import { content, type RevisionDiff } from "../api/content";
import { useRequest } from "../api/use-request";
import { useType } from "../app-state";
import { Alert } from "../ui/Alert";
import { Dialog } from "../ui/Dialog";
import { notify } from "../ui/notices";
import { DiffValue } from "./DiffValue";
import type { Loaded } from "./entry-api";

interface DiffProps {
  typeId: string;
  loaded: Loaded;
  number: number;
  others: number[];
  mayRestore: boolean;
  onRestored: () => void;
  /** The entry changed since it was read: read it (and its history) again. */
  onStale: () => void;
}

export function RevisionDiffView({ typeId, loaded, number, others, mayRestore, onRestored, onStale }: DiffProps) {
  const type = useType(typeId);
  const [against, setAgainst] = useState<number | null>(null);
  const [diff, setDiff] = useState<RevisionDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const path = { type: typeId, id: loaded.entry.id, number };

  useRequest(
    () => {
      setDiff(null);
      return content.GET("/api/v1/admin/content/{type}/{id}/revisions/{number}/diff", {
        params: { path, query: against === null ? {} : { against } },
      });
    },
    setDiff,
    setError,
    [number, against],
  );

  const restore = async () => {
    setConfirming(false);
    const { error: failure, response } = await content.POST("/api/v1/admin/content/{type}/{id}/revisions/{number}/restore", {
      params: { path, header: loaded.etag ? { "If-Match": loaded.etag } : undefined },
    });
    if (response.ok) {
      onRestored();
    } else if (response.status === 412) {
      notify("Someone changed the entry meanwhile. Its history was read again; check it and restore again.", "error");
      onStale();
    } else {
      notify(errorMessage(failure), "error");
    }
  };

  const label = (field: string) => type?.fields.find((candidate) => candidate.name === field)?.label ?? field;
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">
        Revision {number}
        {diff && diff.from > 0 ? ` compared with revision ${diff.from}` : ""}
      </h2>
      <div class="inline-actions">
        <label for="diff-against">Compare with</label>
        <select
          id="diff-against"
          class="auto-width"
          value={against === null ? "" : String(against)}
          onChange={(event) => setAgainst(event.currentTarget.value === "" ? null : Number(event.currentTarget.value))}
        >
          <option value="">The revision before</option>
          {others.map((other) => (
            <option key={other} value={other}>
              Revision {other}
            </option>
          ))}
        </select>
        {mayRestore && (
          <button type="button" onClick={() => setConfirming(true)}>
            Restore revision {number}
          </button>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      {diff &&
        (diff.changes.length === 0 ? (
          <p class="empty">No field differs.</p>
        ) : (
          <div class="table-wrap" role="region" aria-label="Changes" tabIndex={0}>
            <table class="diff">
              <caption class="visually-hidden">Changes in revision {diff.to}</caption>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">{diff.from > 0 ? `Revision ${diff.from}` : "Before"}</th>
                  <th scope="col">Revision {diff.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.map((change) => (
                  <tr key={change.field}>
                    <th scope="row">{label(change.field)}</th>
                    <td class="before">
                      <DiffValue value={change.before} />
                    </td>
                    <td class="after">
                      <DiffValue value={change.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {confirming && (
        <Dialog title={`Restore revision ${number}?`} onClose={() => setConfirming(false)}>
          <p>Its fields become the entry's working copy, saved as a new revision. The status does not change.</p>
          <div class="dialog-actions">
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" class="primary" onClick={() => void restore()}>
              Restore
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
