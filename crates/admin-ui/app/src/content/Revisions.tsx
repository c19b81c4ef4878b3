// An entry's history: every revision with when, who and which fields it changed; the
// chosen one compared field by field with the one before it (or any other), and restored
// as a new revision.

import { useEffect, useState } from "preact/hooks";

import { errorMessage } from "../api/client";
import { content, type RevisionSummary } from "../api/content";
import { useApp, useType } from "../app-state";
import { canEdit } from "../auth/permissions";
import { navigate, useLocation } from "../router";
import { Alert } from "../ui/Alert";
import { formatActor, formatTime } from "../ui/format";
import { Link } from "../ui/Link";
import { notify } from "../ui/notices";
import { useActorNames } from "./actor-names";
import { RevisionDiffView } from "./RevisionDiff";
import { readEntry, type Loaded } from "./entry-api";
import { entryTitle } from "./entry-text";

interface Props {
  typeId: string;
  entryId: string;
}

export function Revisions({ typeId, entryId }: Props) {
  const type = useType(typeId);
  const { me } = useApp();
  const names = useActorNames();
  const { query } = useLocation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [revisions, setRevisions] = useState<RevisionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    const path = { type: typeId, id: entryId };
    Promise.all([
      readEntry(typeId, entryId),
      content.GET("/api/v1/admin/content/{type}/{id}/revisions", { params: { path, query: { "page[size]": 100 } } }),
    ]).then(
      ([entry, list]) => {
        if (!live) return;
        setLoaded(entry);
        if (list.data) setRevisions(list.data.data);
        else setError(errorMessage(list.error));
      },
      (thrown: unknown) => live && setError(errorMessage(thrown)),
    );
    return () => {
      live = false;
    };
  }, [typeId, entryId, version]);

  if (error) return <Alert title="The history could not be read">{error}</Alert>;
  if (!loaded || !revisions || !type) return <p class="loading">Loading…</p>;

  const fieldLabel = (name: string) => type.fields.find((field) => field.name === name)?.label ?? name;
  const selected = Number(query.get("revision") ?? revisions[0]?.number ?? 0);
  const choose = (number: number) => navigate(`/content/${typeId}/${entryId}/revisions?revision=${number}`, { replace: true });

  return (
    <section class="screen" aria-labelledby="revisions-title">
      <p class="meta-line">
        <Link to={`/content/${typeId}`}>{type.plural_label}</Link> ›{" "}
        <Link to={`/content/${typeId}/${entryId}`}>{entryTitle(type, loaded.entry)}</Link>
      </p>
      <h1 id="revisions-title">Revisions</h1>
      <div class="revisions-layout">
        <ol class="revisions" aria-label="Revisions, newest first">
          {revisions.map((revision) => (
            <li key={revision.number} class="revision" aria-current={revision.number === selected ? "true" : undefined}>
              <div>
                <button type="button" onClick={() => choose(revision.number)} aria-pressed={revision.number === selected}>
                  Revision {revision.number}
                </button>
                <div>
                  {formatTime(revision.at)} by {formatActor(revision.actor, names)}
                </div>
                <div class="changed">Changed: {revision.changed.map(fieldLabel).join(", ") || "nothing"}</div>
              </div>
            </li>
          ))}
        </ol>
        {selected > 0 && (
          <RevisionDiffView
            key={selected}
            typeId={typeId}
            loaded={loaded}
            number={selected}
            others={revisions.map((revision) => revision.number).filter((number) => number !== selected)}
            mayRestore={canEdit(me, loaded.entry) && selected !== loaded.entry.revision}
            onStale={() => setVersion(version + 1)}
            onRestored={() => {
              notify(`Revision ${selected} was restored as a new revision.`);
              setVersion(version + 1);
              navigate(`/content/${typeId}/${entryId}/revisions`, { replace: true });
            }}
          />
        )}
      </div>
    </section>
  );
}
