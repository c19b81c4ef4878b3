// The media library screen: the upload zone, search and kind filter, the grid of files
// (newest first, a page at a time) and the chosen file's details in a dialog.

import { useEffect, useRef, useState } from "preact/hooks";

import { describe } from "../admin/failure";
import { useApp } from "../app-state";
import { can } from "../auth/permissions";
import { Alert } from "../ui/Alert";
import { notify } from "../ui/notices";
import { MediaDetails } from "./MediaDetails";
import { MediaThumb } from "./MediaThumb";
import { Uploader } from "./Uploader";
import { type Media, type MediaQuery, listMedia } from "./api";
import "./media.css";

const KINDS = [
  { value: "", label: "All files" },
  { value: "image/*", label: "Images" },
  { value: "application/pdf", label: "PDFs" },
];

export default function MediaLibrary() {
  const writable = can(useApp().me, "write");
  const [query, setQuery] = useState<MediaQuery>({});
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<Media[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Media | null>(null);

  // Answers to an earlier search that arrive after a later one's are dropped.
  const latest = useRef(0);

  const load = async (after?: string) => {
    const request = ++latest.current;
    setLoading(true);
    setError(null);
    try {
      const page = await listMedia(query, after);
      if (request === latest.current) {
        setItems((old) => (after ? [...old, ...page.items] : page.items));
        setNext(page.next);
      }
    } catch (failure) {
      if (request === latest.current) {
        setError(describe(failure));
      }
    } finally {
      if (request === latest.current) {
        setLoading(false);
      }
    }
  };

  useEffect(() => {
    void load();
  }, [query]);

  const changed = (media: Media) => {
    setItems((old) => old.map((item) => (item.id === media.id ? media : item)));
    setSelected(media);
  };

  return (
    <section class="screen library" aria-labelledby="library-title">
      <div class="screen-header">
        <h1 id="library-title">Media library</h1>
      </div>
      {writable && (
        <Uploader
          onUploaded={(media) => {
            setItems((old) => [media, ...old.filter((item) => item.id !== media.id)]);
            notify(`Uploaded ${media.filename}.`);
          }}
        />
      )}
      <h2 id="library-files-title">Files</h2>
      <form
        class="list-controls"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery((old) => ({ ...old, q: search.trim() || undefined }));
        }}
      >
        <div class="search">
          <label for="library-search">Search by name, title or alt text</label>
          <input
            id="library-search"
            type="search"
            value={search}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
          <button type="submit">Search</button>
        </div>
        <div class="sort">
          <label for="library-kind">Kind</label>
          <select
            id="library-kind"
            value={query.mime ?? ""}
            onChange={(event) => setQuery((old) => ({ ...old, mime: event.currentTarget.value || undefined }))}
          >
            {KINDS.map((kind) => (
              <option key={kind.value} value={kind.value}>
                {kind.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {error && <Alert title="The files could not be loaded">{error}</Alert>}
      {!loading && !error && items.length === 0 && <p class="empty">No files match.</p>}
      <ul class="library-grid" aria-labelledby="library-files-title" aria-busy={loading}>
        {items.map((media) => (
          <li key={media.id}>
            <button type="button" class="library-card" onClick={() => setSelected(media)}>
              <MediaThumb media={media} />
              <span class="library-card-name">{media.title ?? media.filename}</span>
              {!media.alt && media.mime.startsWith("image/") && <span class="badge">No alt text</span>}
            </button>
          </li>
        ))}
      </ul>
      {loading && <p class="loading">Loading…</p>}
      {next && !loading && (
        <div class="pager">
          <button type="button" onClick={() => void load(next)}>
            Load more files
          </button>
        </div>
      )}
      {selected && (
        <MediaDetails
          key={selected.id}
          media={selected}
          writable={writable}
          onChanged={changed}
          onDeleted={(id) => {
            setItems((old) => old.filter((item) => item.id !== id));
            setSelected(null);
            notify("File deleted.");
          }}
          onClose={() => setSelected(null)}
        />
      )}
    </section>
  );
}
