// Setting when an entry is published and/or taken down again (`POST .../schedule`).

import { useState } from "preact/hooks";

import { errorMessage, isErrorBody } from "../api/client";
import { content, type ContentType, type Entry } from "../api/content";
import { Alert } from "../ui/Alert";
import { Dialog } from "../ui/Dialog";
import { TextField } from "../ui/TextField";
import { readEntry, type Loaded } from "./entry-api";
import { fromLocalInput, toLocalInput } from "./values";

interface Props {
  type: ContentType;
  entry: Entry;
  onClose: () => void;
  onScheduled: (loaded: Loaded) => void;
}

export function ScheduleDialog({ type, entry, onClose, onScheduled }: Props) {
  const [publishAt, setPublishAt] = useState(toLocalInput(entry.scheduled_publish_at));
  const [unpublishAt, setUnpublishAt] = useState(toLocalInput(entry.scheduled_unpublish_at));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const publish = fromLocalInput(publishAt);
    const unpublish = fromLocalInput(unpublishAt);
    const body = { ...(publish && { publish_at: publish }), ...(unpublish && { unpublish_at: unpublish }) };
    if (!publish && !unpublish) {
      setFailure("Give a time to publish, to unpublish, or both.");
      return;
    }
    const { error, response } = await content.POST("/api/v1/admin/content/{type}/{id}/schedule", {
      params: { path: { type: type.id, id: entry.id } },
      body,
    });
    if (response.ok) {
      onScheduled(await readEntry(type.id, entry.id));
      return;
    }
    if (isErrorBody(error)) {
      setErrors(Object.fromEntries(error.error.details.map((detail) => [detail.field, detail.message])));
    }
    setFailure(errorMessage(error));
  };

  return (
    <Dialog title="Schedule" onClose={onClose}>
      <form onSubmit={submit}>
        {failure && <Alert>{failure}</Alert>}
        <TextField
          id="schedule-publish"
          label="Publish at"
          hint="Your local time."
          error={errors.publish_at}
          type="datetime-local"
          value={publishAt}
          onChange={setPublishAt}
        />
        <TextField
          id="schedule-unpublish"
          label="Unpublish at"
          hint="Optional: when to take it off the site again."
          error={errors.unpublish_at}
          type="datetime-local"
          value={unpublishAt}
          onChange={setUnpublishAt}
        />
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary">
            Set schedule
          </button>
        </div>
      </form>
    </Dialog>
  );
}
