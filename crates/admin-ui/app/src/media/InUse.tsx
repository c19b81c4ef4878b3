// Why a file cannot be deleted: the entries that use it (named by the API's 409
// `media_in_use`), each a link to its editor under its title, so the editor can take the
// file out of them first.

import { useEffect, useState } from "preact/hooks";

import { content } from "../api/content";
import { useApp } from "../app-state";
import { entryTitle } from "../content/entry-text";
import { Alert } from "../ui/Alert";
import { Link } from "../ui/Link";

interface EntryRef {
  type: string;
  id: string;
}

/** Each entry's title, read as the user may; the id stands in where it cannot be read. */
function useTitles(entries: EntryRef[]): Map<string, string> {
  const { types } = useApp();
  const [titles, setTitles] = useState(new Map<string, string>());
  useEffect(() => {
    let live = true;
    for (const { type, id } of entries) {
      content.GET("/api/v1/admin/content/{type}/{id}", { params: { path: { type, id } } }).then(
        ({ data }) => {
          if (live && data) {
            const title = entryTitle(
              types.find((candidate) => candidate.id === type),
              data.data,
            );
            setTitles((old) => new Map(old).set(`${type}/${id}`, title));
          }
        },
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [entries.map((entry) => `${entry.type}/${entry.id}`).join(",")]);
  return titles;
}

export function InUse({ entries }: { entries: EntryRef[] }) {
  const { types } = useApp();
  const titles = useTitles(entries);
  const one = entries.length === 1;
  return (
    <Alert title="This file is in use, so it was not deleted">
      <p>
        {one ? "This entry uses it" : `These ${entries.length} entries use it`} (drafts and unpublished changes count).
        Take the file out of {one ? "it" : "them"} first, then delete it.
      </p>
      <ul class="in-use-list">
        {entries.map(({ type, id }) => {
          const label = types.find((candidate) => candidate.id === type)?.label ?? type;
          return (
            <li key={`${type}/${id}`}>
              {label}:{" "}
              <Link to={`/content/${encodeURIComponent(type)}/${encodeURIComponent(id)}`}>
                {titles.get(`${type}/${id}`) ?? id}
              </Link>
            </li>
          );
        })}
      </ul>
    </Alert>
  );
}
