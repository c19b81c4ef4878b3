// How an entry is named in lists, titles and pickers.

import type { ContentType, Entry } from "../api/content";

export function entryTitle(type: ContentType | undefined, entry: Entry): string {
  const value = type ? entry[type.title_field] : undefined;
  return typeof value === "string" && value.trim() !== "" ? value : entry.slug || entry.id;
}
