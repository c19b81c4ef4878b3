// Media library calls shared by the editor's media fields and the media screens:
// uploading a file (multipart) and the URL of a small variant for thumbnails.

import { api, errorMessage, type Schemas } from "./client";

export type Media = Schemas["Media"];

export async function uploadMedia(file: File, texts: { alt?: string; title?: string } = {}): Promise<Media> {
  const { data, error } = await api.POST("/api/v1/admin/media", {
    body: { file: file as unknown as string, ...texts },
    bodySerializer(body) {
      const form = new FormData();
      for (const [key, value] of Object.entries(body)) {
        if (value !== undefined) form.append(key, value as string | Blob);
      }
      return form;
    },
  });
  if (!data) {
    throw new Error(errorMessage(error));
  }
  return data.data;
}

/** A thumbnail of an image (the `thumbnail` preset); other files are shown as they are. */
export function thumbnailUrl(media: { url: string; mime: string }): string {
  if (!media.mime.startsWith("image/") || media.mime === "image/svg+xml") {
    return media.url;
  }
  return `${media.url}${media.url.includes("?") ? "&" : "?"}preset=thumbnail`;
}
