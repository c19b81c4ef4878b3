// An entry's status as a badge, with unpublished changes and schedules noted.

import type { Entry } from "../api/content";
import { formatTime } from "../ui/format";

const LABELS = { draft: "Draft", published: "Published", scheduled: "Scheduled", archived: "Archived" };

export function StatusBadge({ entry }: { entry: Entry }) {
  return (
    <span class="status-line">
      <span class={`badge status-${entry.status}`}>{LABELS[entry.status]}</span>
      {entry.unpublished_changes && <span class="badge changes">Unpublished changes</span>}
      {entry.scheduled_publish_at && <span class="badge schedule">Publishes {formatTime(entry.scheduled_publish_at)}</span>}
      {entry.scheduled_unpublish_at && (
        <span class="badge schedule">Unpublishes {formatTime(entry.scheduled_unpublish_at)}</span>
      )}
    </span>
  );
}
