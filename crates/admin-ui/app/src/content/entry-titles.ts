// Titles of referenced entries, by id, for showing references by name. Each entry is read
// once per session; the picker adds what it found.

import { useEffect, useState } from "preact/hooks";

import { content, type ContentType, type Entry } from "../api/content";
import { entryTitle } from "./entry-text";

const titles = new Map<string, string>();

export function rememberTitle(type: ContentType | undefined, entry: Entry): void {
  titles.set(entry.id, entryTitle(type, entry));
}

export function useEntryTitles(type: ContentType | undefined, ids: string[]): Map<string, string> {
  const [, setVersion] = useState(0);
  const missing = ids.filter((id) => !titles.has(id));
  const key = missing.join(",");
  useEffect(() => {
    if (!type || missing.length === 0) return;
    let live = true;
    Promise.all(
      missing.map((id) =>
        content.GET("/api/v1/admin/content/{type}/{id}", { params: { path: { type: type.id, id } } }).then(({ data }) => {
          titles.set(id, data ? entryTitle(type, data.data) : id);
        }),
      ),
    ).then(() => live && setVersion((version) => version + 1), () => undefined);
    return () => {
      live = false;
    };
  }, [type?.id, key]);
  return titles;
}
