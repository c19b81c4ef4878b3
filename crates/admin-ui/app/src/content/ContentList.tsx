// One content type's entries: status tabs, search (`q`), filters on indexed fields, sort
// and paging, all kept in the address (so a list can be bookmarked, and Back returns to
// it) and loaded without a page reload.

import { useEffect, useState } from "preact/hooks";

import { errorMessage } from "../api/client";
import { content, type ContentType, type Entry, type ListQuery, type Status } from "../api/content";
import { useApp, useType } from "../app-state";
import { can } from "../auth/permissions";
import { navigate, useLocation } from "../router";
import { Alert } from "../ui/Alert";
import { Link } from "../ui/Link";
import { EntryTable, Pager } from "./EntryTable";
import { Filters, filterFromQuery } from "./Filters";

const TABS: { status: Status | ""; label: string }[] = [
  { status: "", label: "All" },
  { status: "draft", label: "Drafts" },
  { status: "published", label: "Published" },
  { status: "scheduled", label: "Scheduled" },
  { status: "archived", label: "Archived" },
];
const PAGE_SIZE = 20;

interface Result {
  entries: Entry[];
  total: number;
  pages: number;
}

/** Sorts the list may use: the system times and the type's indexed fields. */
function sortOptions(type: ContentType): { value: string; label: string }[] {
  const fields = type.fields.filter((field) => field.indexed && field.kind !== "list");
  const keys: [string, string][] = [
    ["updated_at", "Last changed"],
    ["created_at", "Created"],
    ["published_at", "Published"],
    ...fields.map((field): [string, string] => [field.name, field.label ?? field.name]),
  ];
  return keys.flatMap(([key, label]) => [
    { value: `-${key}`, label: `${label}, descending` },
    { value: key, label: `${label}, ascending` },
  ]);
}

export function ContentList({ typeId }: { typeId: string }) {
  const type = useType(typeId);
  const { me } = useApp();
  const { query } = useLocation();
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState(query.get("q") ?? "");

  const status = (query.get("status") ?? "") as Status | "";
  const relevance = query.get("q") !== null && query.get("sort") === null;
  const sort = query.get("sort") ?? (relevance ? "" : "-updated_at");
  const page = Number(query.get("page") ?? "1") || 1;
  const q = query.get("q") ?? "";
  const queryKey = query.toString();
  useEffect(() => setSearch(q), [q]);

  useEffect(() => {
    let live = true;
    const params: ListQuery = {
      status: status || undefined,
      q: q || undefined,
      sort: sort ? [sort] : undefined,
      filter: filterFromQuery(query),
      "page[number]": page,
      "page[size]": PAGE_SIZE,
    };
    content
      .GET("/api/v1/admin/content/{type}", { params: { path: { type: typeId }, query: params } })
      .then(({ data, error: failure }) => {
        if (!live) return;
        if (data) {
          setResult({ entries: data.data, total: data.meta.total, pages: data.meta.page.total_pages });
          setError(null);
        } else {
          setError(errorMessage(failure));
        }
      })
      .catch((thrown: unknown) => live && setError(errorMessage(thrown)));
    return () => {
      live = false;
    };
  }, [typeId, queryKey]);

  if (!type) {
    return <Alert title="Unknown content type">There is no type “{typeId}”.</Alert>;
  }

  const setQuery = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    if (!("page" in changes)) next.delete("page");
    const text = next.toString();
    navigate(`/content/${typeId}${text ? `?${text}` : ""}`);
  };

  return (
    <section class="screen" aria-labelledby="list-title">
      <div class="screen-header">
        <h1 id="list-title">{type.plural_label}</h1>
        {can(me, "write", typeId) && (
          <Link to={`/content/${typeId}/new`} class="button primary">
            New {type.label.toLowerCase()}
          </Link>
        )}
      </div>
      <nav aria-label="Status" class="tabs">
        {TABS.map((tab) => (
          <Link
            key={tab.status}
            to={`/content/${typeId}${tab.status ? `?status=${tab.status}` : ""}`}
            class="tab"
            current={tab.status === status}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <div class="list-controls">
        <form
          role="search"
          class="search"
          onSubmit={(event) => {
            event.preventDefault();
            setQuery({ q: search.trim() });
          }}
        >
          <label for="list-search">Search {type.plural_label.toLowerCase()}</label>
          <input id="list-search" type="search" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
          <button type="submit">Search</button>
        </form>
        <div class="sort">
          <label for="list-sort">Sort by</label>
          <select id="list-sort" value={sort} onChange={(event) => setQuery({ sort: event.currentTarget.value })}>
            {relevance && <option value="">Relevance</option>}
            {sortOptions(type).map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Filters type={type} query={query} onChange={setQuery} />
      {error && <Alert>{error}</Alert>}
      {result && <EntryTable type={type} entries={result.entries} />}
      {result && (
        <Pager
          page={page}
          pages={result.pages}
          total={result.total}
          onPage={(number) => setQuery({ page: String(number) })}
        />
      )}
    </section>
  );
}
