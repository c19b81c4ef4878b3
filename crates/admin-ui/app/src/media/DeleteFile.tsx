// Deleting a file, after a second press; when entries still use it (409
// `media_in_use`) the refusal names them, in view.

import { useEffect, useRef, useState } from "preact/hooks";

import { describe } from "../admin/failure";
import { Alert } from "../ui/Alert";
import { InUse } from "./InUse";
import { type Media, deleteMedia, entriesUsing } from "./api";

export function DeleteFile({ media, onDeleted }: { media: Media; onDeleted: (id: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problem = useRef<HTMLDivElement>(null);
  useEffect(() => problem.current?.scrollIntoView({ block: "nearest" }), [error]);

  const remove = async () => {
    setError(null);
    setConfirming(false);
    try {
      await deleteMedia(media.id);
      onDeleted(media.id);
    } catch (failure) {
      setError(failure);
    }
  };

  const inUse = entriesUsing(error);
  return (
    <div class="danger-zone">
      {confirming ? (
        <div class="inline-actions">
          <span>Delete {media.filename} for good?</span>
          <button type="button" class="danger" onClick={() => void remove()}>
            Delete for good
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      <div ref={problem}>
        {inUse.length > 0 ? <InUse entries={inUse} /> : error !== null && <Alert>{describe(error)}</Alert>}
      </div>
    </div>
  );
}
