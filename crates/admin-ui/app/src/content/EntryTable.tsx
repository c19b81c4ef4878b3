// A page of entries as a table (title and slug, status, last change) and the pager
// below it.

import type { ContentType, Entry } from "../api/content";
import { formatTime } from "../ui/format";
import { Link } from "../ui/Link";
import { StatusBadge } from "./StatusBadge";
import { entryTitle } from "./entry-text";

export function EntryTable({ type, entries }: { type: ContentType; entries: Entry[] }) {
  if (entries.length === 0) {
    return <p class="empty">No entries here.</p>;
  }
  return (
    <div class="table-wrap">
      <table class="entries">
        <caption class="visually-hidden">{type.plural_label}</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Last changed</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <th scope="row">
                <Link to={`/content/${type.id}/${entry.id}`}>{entryTitle(type, entry)}</Link>
                <span class="slug">{entry.slug}</span>
              </th>
              <td>
                <StatusBadge entry={entry} />
              </td>
              <td>{formatTime(entry.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface PagerProps {
  page: number;
  pages: number;
  total: number;
  onPage: (page: number) => void;
}

export function Pager({ page, pages, total, onPage }: PagerProps) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span>
        Page {Math.min(page, Math.max(pages, 1))} of {Math.max(pages, 1)} · {total} {total === 1 ? "entry" : "entries"}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}
