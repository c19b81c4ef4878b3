// Beside the entry form: the workflow (save, publish, unpublish, archive, schedule and
// cancel it, delete), links to the preview and the revisions, and who changed the entry
// and when. Buttons appear only where the user's grants allow the action.

import { useState } from "preact/hooks";

import { errorMessage } from "../api/client";
import { content, type ContentType, type Entry } from "../api/content";
import { useApp } from "../app-state";
import { can } from "../auth/permissions";
import { navigate } from "../router";
import { Dialog } from "../ui/Dialog";
import { Link } from "../ui/Link";
import { notify } from "../ui/notices";
import { EntryDetails } from "./EntryDetails";
import { ScheduleDialog } from "./ScheduleDialog";
import { StatusBadge } from "./StatusBadge";
import { readEntry, type Loaded } from "./entry-api";

interface Props {
  type: ContentType;
  entry: Entry | null;
  dirty: boolean;
  busy: boolean;
  editable: boolean;
  onSave: () => Promise<Loaded | null>;
  onChanged: (loaded: Loaded) => void;
  onBusy: (busy: boolean) => void;
}

type Action = "publish" | "unpublish" | "archive";
const DONE: Record<Action, string> = { publish: "Published.", unpublish: "Unpublished.", archive: "Archived." };

export function EntrySide({ type, entry, dirty, busy, editable, onSave, onChanged, onBusy }: Props) {
  const { me } = useApp();
  const [scheduling, setScheduling] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const mayPublish = can(me, "publish", type.id);

  const run = async (work: () => Promise<{ error?: unknown; response: Response }>, done: string) => {
    if (!entry) return;
    onBusy(true);
    try {
      const { error, response } = await work();
      if (!response.ok) {
        notify(errorMessage(error), "error");
        return;
      }
      onChanged(await readEntry(type.id, entry.id));
      notify(done);
    } catch (thrown) {
      notify(errorMessage(thrown), "error");
    } finally {
      onBusy(false);
    }
  };

  const act = async (action: Action) => {
    if (!entry) return;
    if (dirty && action === "publish" && !(await onSave())) return;
    const path = { type: type.id, id: entry.id };
    const routes = {
      publish: () => content.POST("/api/v1/admin/content/{type}/{id}/publish", { params: { path } }),
      unpublish: () => content.POST("/api/v1/admin/content/{type}/{id}/unpublish", { params: { path } }),
      archive: () => content.POST("/api/v1/admin/content/{type}/{id}/archive", { params: { path } }),
    };
    await run(routes[action], DONE[action]);
  };

  const cancelSchedule = () =>
    entry &&
    run(
      () => content.DELETE("/api/v1/admin/content/{type}/{id}/schedule", { params: { path: { type: type.id, id: entry.id } } }),
      "The schedule was cancelled.",
    );

  const remove = async () => {
    if (!entry) return;
    const { error, response } = await content.DELETE("/api/v1/admin/content/{type}/{id}", {
      params: { path: { type: type.id, id: entry.id } },
    });
    setDeleting(false);
    if (!response.ok) {
      notify(errorMessage(error), "error");
      return;
    }
    notify("Deleted.");
    navigate(`/content/${type.id}`, { force: true });
  };

  const scheduled = entry?.scheduled_publish_at || entry?.scheduled_unpublish_at;
  const published = entry?.status === "published";
  return (
    <aside class="editor-side" aria-label="Entry actions and details">
      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        {entry && (
          <p>
            <StatusBadge entry={entry} />
          </p>
        )}
        <div class="actions-list">
          {editable && (
            <button type="submit" form="entry-form" class="primary" disabled={busy} aria-keyshortcuts="Control+S">
              Save draft
            </button>
          )}
          {dirty && <p class="hint" role="status">Unsaved changes</p>}
          {entry && mayPublish && (!published || entry.unpublished_changes || dirty) && entry.status !== "archived" && (
            <button type="button" disabled={busy} onClick={() => void act("publish")}>
              {published ? "Publish changes" : "Publish"}
            </button>
          )}
          {entry && mayPublish && published && (
            <button type="button" disabled={busy} onClick={() => void act("unpublish")}>
              Unpublish
            </button>
          )}
          {entry && mayPublish && entry.status !== "archived" && (
            <button type="button" disabled={busy} onClick={() => setScheduling(true)}>
              Schedule…
            </button>
          )}
          {entry && mayPublish && scheduled && (
            <button type="button" disabled={busy} onClick={() => void cancelSchedule()}>
              Cancel schedule
            </button>
          )}
          {entry && mayPublish && entry.status !== "archived" && (
            <button type="button" disabled={busy} onClick={() => void act("archive")}>
              Archive
            </button>
          )}
          {entry && (
            <>
              <Link to={`/content/${type.id}/${entry.id}/preview`} class="button">
                Preview
              </Link>
              <Link to={`/content/${type.id}/${entry.id}/revisions`} class="button">
                Revisions
              </Link>
            </>
          )}
          {entry && editable && (
            <button type="button" class="danger" disabled={busy} onClick={() => setDeleting(true)}>
              Delete
            </button>
          )}
        </div>
      </section>
      {entry && <EntryDetails entry={entry} />}
      {scheduling && entry && (
        <ScheduleDialog
          type={type}
          entry={entry}
          onClose={() => setScheduling(false)}
          onScheduled={(loaded) => {
            setScheduling(false);
            onChanged(loaded);
            notify("Scheduled.");
          }}
        />
      )}
      {deleting && entry && (
        <Dialog title="Delete this entry?" onClose={() => setDeleting(false)}>
          <p>The entry and its revisions will be gone for good.</p>
          <div class="dialog-actions">
            <button type="button" onClick={() => setDeleting(false)}>
              Keep it
            </button>
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete
            </button>
          </div>
        </Dialog>
      )}
    </aside>
  );
}
