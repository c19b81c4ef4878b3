// Who made an entry and who changed it last, when, and its revision, publication time
// and languages.

import type { Entry } from "../api/content";
import { formatActor, formatTime } from "../ui/format";
import { useActorNames } from "./actor-names";

export function EntryDetails({ entry }: { entry: Entry }) {
  const names = useActorNames();
  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <dl class="facts">
        <dt>Revision</dt>
        <dd>{entry.revision}</dd>
        <dt>Created</dt>
        <dd>
          {formatTime(entry.created_at)} by {formatActor(entry.created_by, names)}
        </dd>
        <dt>Changed</dt>
        <dd>
          {formatTime(entry.updated_at)} by {formatActor(entry.updated_by, names)}
        </dd>
        <dt>Published at</dt>
        <dd>{formatTime(entry.published_at)}</dd>
        <dt>Languages</dt>
        <dd>{entry.locales.join(", ")}</dd>
      </dl>
    </section>
  );
}
