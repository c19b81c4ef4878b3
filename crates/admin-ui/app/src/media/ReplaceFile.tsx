// Replacing a file's bytes while it keeps its id, texts and focal point, so the entries
// that use it show the new file; the upload shows its progress.

import { useState } from "preact/hooks";

import { describe } from "../admin/failure";
import { type Media, replaceMediaFile } from "./api";

export function ReplaceFile({ media, onReplaced }: { media: Media; onReplaced: (media: Media) => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const replace = async (file: File) => {
    setError(null);
    setProgress(0);
    try {
      onReplaced(await replaceMediaFile(media.id, file, setProgress));
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setProgress(null);
    }
  };

  return (
    <div class="replace-file">
      <input
        id="library-replace-input"
        class="visually-hidden file-picker"
        type="file"
        disabled={progress !== null}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = "";
          if (file) {
            void replace(file);
          }
        }}
      />
      <label class="button" for="library-replace-input">
        Replace the file…
      </label>
      <p class="hint">The new file must be of the same kind; entries using this one show it at once.</p>
      {progress !== null && (
        <progress value={progress} max={1} aria-label="Replacing the file">
          {Math.round(progress * 100)} %
        </progress>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
