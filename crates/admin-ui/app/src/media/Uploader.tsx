// Adding files to the library: dropped on the zone or chosen with the file input, each
// waits in a list for its alt text and title, then uploads with a progress bar. Files
// that uploaded leave the list; a refused one stays, saying why.

import { useState } from "preact/hooks";

import { describe } from "../admin/failure";
import { type Media, formatBytes, uploadWithProgress } from "./api";

interface Pending {
  key: number;
  file: File;
  alt: string;
  title: string;
  progress: number | null;
  error: string | null;
}

const ACCEPT = "image/jpeg,image/png,image/webp,image/gif,image/svg+xml,application/pdf";

let nextKey = 1;

function pending(file: File): Pending {
  return { key: nextKey++, file, alt: "", title: "", progress: null, error: null };
}

export function Uploader({ onUploaded }: { onUploaded: (media: Media) => void }) {
  const [queue, setQueue] = useState<Pending[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);

  const change = (key: number, changes: Partial<Pending>) =>
    setQueue((items) => items.map((item) => (item.key === key ? { ...item, ...changes } : item)));
  const remove = (key: number) => setQueue((items) => items.filter((item) => item.key !== key));

  const add = (files: FileList | null | undefined) => {
    if (files && files.length > 0) {
      setQueue((items) => [...items, ...Array.from(files, pending)]);
    }
  };

  const uploadOne = async (item: Pending) => {
    change(item.key, { progress: 0, error: null });
    try {
      const media = await uploadWithProgress(item, (fraction) => change(item.key, { progress: fraction }));
      remove(item.key);
      onUploaded(media);
    } catch (error) {
      change(item.key, { progress: null, error: describe(error) });
    }
  };

  const uploadAll = async () => {
    setBusy(true);
    for (const item of queue.filter((candidate) => candidate.progress === null)) {
      await uploadOne(item);
    }
    setBusy(false);
  };

  return (
    <section class="uploader" aria-labelledby="uploader-title">
      <h2 id="uploader-title">Upload files</h2>
      <div
        class={dragging ? "dropzone is-dragging" : "dropzone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          add(event.dataTransfer?.files);
        }}
      >
        <p>Drop images or PDFs here, or</p>
        <input
          id="library-file-input"
          class="visually-hidden file-picker"
          type="file"
          multiple
          accept={ACCEPT}
          onChange={(event) => {
            add(event.currentTarget.files);
            event.currentTarget.value = "";
          }}
        />
        <label class="button" for="library-file-input">
          Choose files
        </label>
      </div>
      {queue.length > 0 && (
        <form
          class="upload-queue"
          onSubmit={(event) => {
            event.preventDefault();
            void uploadAll();
          }}
        >
          <ul>
            {queue.map((item) => (
              <UploadRow
                key={item.key}
                item={item}
                onChange={(changes) => change(item.key, changes)}
                onRemove={() => remove(item.key)}
              />
            ))}
          </ul>
          <button type="submit" class="primary" disabled={busy}>
            {queue.length === 1 ? "Upload 1 file" : `Upload ${queue.length} files`}
          </button>
        </form>
      )}
    </section>
  );
}

interface RowProps {
  item: Pending;
  onChange: (changes: Partial<Pending>) => void;
  onRemove: () => void;
}

function UploadRow({ item, onChange, onRemove }: RowProps) {
  const sending = item.progress !== null;
  const forFile = <span class="visually-hidden"> for {item.file.name}</span>;
  return (
    <li class="upload-row">
      <p class="upload-name">
        {item.file.name} <span class="muted">({formatBytes(item.file.size)})</span>
      </p>
      <label class="upload-field">
        <span>Alt text{forFile}</span>
        <input
          value={item.alt}
          maxLength={1000}
          disabled={sending}
          onInput={(event) => onChange({ alt: event.currentTarget.value })}
        />
      </label>
      <label class="upload-field">
        <span>Title{forFile}</span>
        <input
          value={item.title}
          maxLength={300}
          disabled={sending}
          onInput={(event) => onChange({ title: event.currentTarget.value })}
        />
      </label>
      {sending ? (
        <progress value={item.progress ?? 0} max={1} aria-label={`Uploading ${item.file.name}`}>
          {Math.round((item.progress ?? 0) * 100)} %
        </progress>
      ) : (
        <button type="button" onClick={onRemove}>
          Remove<span class="visually-hidden"> {item.file.name}</span>
        </button>
      )}
      {item.error && (
        <p class="field-error" role="alert">
          {item.file.name}: {item.error}
        </p>
      )}
    </li>
  );
}
