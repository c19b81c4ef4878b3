// Reading one entry for editing: the entry and its ETag, which saves send back as
// If-Match so that a change made meanwhile by someone else is refused (412), not lost.

import { errorMessage } from "../api/client";
import { content, type Entry } from "../api/content";

export interface Loaded {
  entry: Entry;
  etag: string | null;
}

export async function readEntry(typeId: string, id: string): Promise<Loaded> {
  const { data, error, response } = await content.GET("/api/v1/admin/content/{type}/{id}", {
    params: { path: { type: typeId, id } },
  });
  if (!data) {
    throw new Error(errorMessage(error));
  }
  return { entry: data.data, etag: response.headers.get("ETag") };
}
