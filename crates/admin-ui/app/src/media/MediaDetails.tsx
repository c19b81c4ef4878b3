// One file of the library, in a dialog: its alt text, title and focal point to change,
// its file to replace, and deleting it; when the API refuses because entries use it
// (409 `media_in_use`), those entries are named. People who may not change files see
// the file and its texts only.

import { useState } from "preact/hooks";

import { Dialog } from "../ui/Dialog";
import { formatTime } from "../ui/format";
import { notify } from "../ui/notices";
import { DeleteFile } from "./DeleteFile";
import { FocalPicker } from "./FocalPicker";
import { ReplaceFile } from "./ReplaceFile";
import { TextsForm } from "./TextsForm";
import { type Focal, type Media, formatBytes, isRaster } from "./api";

interface Props {
  media: Media;
  /** Whether the user may change files (the server still refuses authors others' files). */
  writable: boolean;
  onChanged: (media: Media) => void;
  onDeleted: (id: string) => void;
  onClose: () => void;
}

export function MediaDetails({ media, writable, onChanged, onDeleted, onClose }: Props) {
  const [focal, setFocal] = useState(media.focal);
  const picking = writable && isRaster(media);
  return (
    <Dialog title={media.title ?? media.filename} onClose={onClose} wide>
      <div class="library-details">
        <div class="library-preview">
          {picking ? <FocalPicker src={media.url} focal={focal} onChange={setFocal} /> : <Preview media={media} />}
          <Facts media={media} />
        </div>
        {writable ? (
          <MediaForms media={media} focal={focal} onChanged={onChanged} onDeleted={onDeleted} />
        ) : (
          <dl class="facts">
            <dt>Alt text</dt>
            <dd>{media.alt ?? "—"}</dd>
            <dt>Title</dt>
            <dd>{media.title ?? "—"}</dd>
          </dl>
        )}
      </div>
    </Dialog>
  );
}

function Preview({ media }: { media: Media }) {
  if (media.mime.startsWith("image/")) {
    return <img class="library-image" src={media.url} alt={media.alt ?? ""} />;
  }
  return (
    <p>
      <a href={media.url} target="_blank" rel="noopener">
        Open {media.filename}
      </a>
    </p>
  );
}

function Facts({ media }: { media: Media }) {
  return (
    <dl class="facts">
      <dt>File</dt>
      <dd>{media.filename}</dd>
      <dt>Type</dt>
      <dd>{media.mime}</dd>
      <dt>Size</dt>
      <dd>
        {formatBytes(media.size)}
        {media.width && media.height ? `, ${media.width} × ${media.height} px` : ""}
      </dd>
      <dt>Uploaded</dt>
      <dd>{formatTime(media.created_at)}</dd>
      <dt>Changed</dt>
      <dd>{formatTime(media.updated_at)}</dd>
    </dl>
  );
}

interface FormsProps {
  media: Media;
  focal: Focal;
  onChanged: (media: Media) => void;
  onDeleted: (id: string) => void;
}

function MediaForms({ media, focal, onChanged, onDeleted }: FormsProps) {
  return (
    <div class="library-forms">
      <TextsForm media={media} focal={focal} onChanged={onChanged} />
      <ReplaceFile
        media={media}
        onReplaced={(changed) => {
          onChanged(changed);
          notify("File replaced.");
        }}
      />
      <DeleteFile media={media} onDeleted={onDeleted} />
    </div>
  );
}
