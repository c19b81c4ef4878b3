// Choosing a file from the media library, or uploading a new one, in a dialog. The
// library is searched by `q` and limited to the MIME types the field accepts.

import { useState } from "preact/hooks";

import { api, errorMessage } from "../api/client";
import type { MediaEmbed } from "../api/content";
import { useRequest } from "../api/use-request";
import { thumbnailUrl, uploadMedia, type Media } from "../api/media";
import { Alert } from "../ui/Alert";
import { Dialog } from "../ui/Dialog";

interface Props {
  title: string;
  /** MIME patterns the field takes, e.g. `image/*`; the library lists the first. */
  accept: string[];
  onPick: (media: MediaEmbed) => void;
  onClose: () => void;
}

export function asEmbed(media: Media): MediaEmbed {
  const { id, url, filename, mime, size, width, height, alt, title, focal, thumbhash } = media;
  return {
    id, url, filename, mime, size,
    width: width ?? null,
    height: height ?? null,
    alt: alt ?? null,
    title: title ?? null,
    focal,
    thumbhash: thumbhash ?? null,
  };
}

/** Uploads a file and hands it on as an embed: `uploading` meanwhile, a failure to `onError`. */
export function useUpload(onUploaded: (media: MediaEmbed) => void, onError: (message: string | null) => void) {
  const [uploading, setUploading] = useState(false);
  const upload = async (file: File) => {
    setUploading(true);
    onError(null);
    try {
      onUploaded(asEmbed(await uploadMedia(file)));
    } catch (thrown) {
      onError(errorMessage(thrown));
    } finally {
      setUploading(false);
    }
  };
  return { uploading, upload };
}

export function MediaPicker({ title, accept, onPick, onClose }: Props) {
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<Media[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useRequest(
    () =>
      api.GET("/api/v1/admin/media", {
        params: { query: { q: search || undefined, mime: accept[0], "page[size]": 48 } },
      }),
    setItems,
    setError,
    [search],
  );

  const { uploading, upload } = useUpload(onPick, setError);

  return (
    <Dialog title={title} onClose={onClose} wide>
      {error && <Alert>{error}</Alert>}
      <div class="inline-actions">
        <form role="search" class="search" onSubmit={(event) => { event.preventDefault(); setSearch(q.trim()); }}>
          <label for="media-picker-search">Search the media library</label>
          <input id="media-picker-search" type="search" value={q} onInput={(event) => setQ(event.currentTarget.value)} />
          <button type="submit">Search</button>
        </form>
        <div>
          <label for="media-picker-upload">Upload a new file</label>
          <input id="media-picker-upload" type="file" accept={accept.join(",") || undefined} disabled={uploading}
            onChange={(event) => { const file = event.currentTarget.files?.[0]; if (file) void upload(file); }} />
        </div>
      </div>
      {uploading && <p role="status">Uploading…</p>}
      {items === null ? (
        <p class="loading">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">No files found.</p>
      ) : (
        <ul class="media-grid">
          {items.map((media) => (
            <li key={media.id}>
              <button type="button" onClick={() => onPick(asEmbed(media))}>
                <img class="media-thumb" src={thumbnailUrl(media)} alt="" loading="lazy" />
                <span>Choose {media.title || media.alt || media.filename}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
