// The audit log, for admins: every write, newest first (who, with which credential,
// what, on what, when, in which request), filtered (kept in the address, so a view can
// be bookmarked) and paged with the API's cursors, older and back to newer.

import { useEffect, useState } from "preact/hooks";

import { describe } from "../failure";
import { navigate, useLocation } from "../../router";
import { Alert } from "../../ui/Alert";
import { formatTime } from "../../ui/format";
import { AuditFilters } from "./AuditFilters";
import { type AuditFilters as Filters, type AuditPage, type AuditRecord, listAudit } from "./api";
import { ScrollTable } from "../ScrollTable";
import "../admin.css";

const KEYS = ["actor", "action", "type", "target", "since", "until"] as const;

function filtersFrom(query: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of KEYS) {
    const value = query.get(key);
    if (value) {
      filters[key] = value;
    }
  }
  return filters;
}

/** The filters as the API takes them: the date-time fields (local time) as RFC 3339. */
function forApi(filters: Filters): Filters {
  const converted = { ...filters };
  for (const key of ["since", "until"] as const) {
    const value = filters[key];
    if (value) {
      const date = new Date(value);
      converted[key] = Number.isNaN(date.getTime()) ? value : date.toISOString();
    }
  }
  return converted;
}

function filterPath(filters: Filters): string {
  const query = new URLSearchParams();
  for (const key of KEYS) {
    const value = filters[key]?.trim();
    if (value) {
      query.set(key, value);
    }
  }
  const text = query.toString();
  return `/audit${text ? `?${text}` : ""}`;
}

export default function AuditScreen() {
  const { query } = useLocation();
  const queryKey = query.toString();
  const filters = filtersFrom(query);
  // The cursors of the pages before this one; a change of filters starts again.
  const [paging, setPaging] = useState({ key: queryKey, cursors: [] as string[] });
  const cursors = paging.key === queryKey ? paging.cursors : [];
  const setCursors = (change: (old: string[]) => string[]) => setPaging({ key: queryKey, cursors: change(cursors) });
  const [page, setPage] = useState<AuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setPage(null);
    listAudit(forApi(filters), cursors[cursors.length - 1]).then(
      (loaded) => {
        if (live) {
          setPage(loaded);
          setError(null);
        }
      },
      (failure: unknown) => live && setError(describe(failure)),
    );
    return () => {
      live = false;
    };
  }, [queryKey, cursors.join(",")]);

  return (
    <section class="screen" aria-labelledby="audit-title">
      <div class="screen-header">
        <h1 id="audit-title">Audit log</h1>
      </div>
      <AuditFilters key={queryKey} filters={filters} onApply={(next) => navigate(filterPath(next))} />
      <h2 id="audit-list-title">Writes, newest first</h2>
      {error && <Alert title="The audit log could not be loaded">{error}</Alert>}
      {!page && !error && <p class="loading">Loading…</p>}
      {page && page.items.length === 0 && <p class="empty">No writes match.</p>}
      {page && page.items.length > 0 && <AuditTable records={page.items} />}
      <nav class="pager" aria-label="Audit log pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((old) => old.slice(0, -1))}>
          Newer
        </button>
        <span>Page {cursors.length + 1}</span>
        <button
          type="button"
          disabled={!page?.next}
          onClick={() => page?.next && setCursors((old) => [...old, page.next as string])}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

function AuditTable({ records }: { records: AuditRecord[] }) {
  return (
    <ScrollTable labelledBy="audit-list-title" class="audit-table" columns={["When", "Action", "Who", "On", "Request"]}>
      {records.map((record) => (
        <tr key={record.id}>
          <td class="nowrap">{formatTime(record.at)}</td>
          <th scope="row" class="nowrap">
            <code>{record.action}</code>
          </th>
          <td>
            {record.actor_name}
            <span class="slug">
              <code>{record.actor}</code> via <code>{record.credential}</code>
            </span>
          </td>
          <td>
            {record.type && <span>{record.type} </span>}
            {record.target && <code>{record.target}</code>}
          </td>
          <td>{record.request_id && <code>{record.request_id}</code>}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}
