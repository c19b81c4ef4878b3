// The media library screen's calls: listing, changing texts and focal points, deleting,
// and uploads (new files and replacements) with progress, sent through XMLHttpRequest,
// the one browser API that reports upload progress. (api/media.ts has what the entry
// editor's media fields share with this screen.)

import { api, type Schemas } from "../api/client";
import { sessionToken } from "../api/session";
import type { Media } from "../api/media";
import { ApiFailure, apiFailure, unwrap, unwrapEmpty } from "../admin/failure";

export type { Media };
export type MediaPatch = Schemas["MediaPatch"];
export type Focal = Schemas["Focal"];

interface MediaPage {
  items: Media[];
  next: string | null;
}

export interface MediaQuery {
  q?: string;
  mime?: string;
}

const PAGE_SIZE = 24;

export async function listMedia(query: MediaQuery, after?: string): Promise<MediaPage> {
  const list = await unwrap(
    api.GET("/api/v1/admin/media", {
      params: {
        query: {
          "page[size]": PAGE_SIZE,
          ...(after ? { "page[after]": after } : {}),
          ...(query.q ? { q: query.q } : {}),
          ...(query.mime ? { mime: query.mime } : {}),
        },
      },
    }),
  );
  return { items: list.data, next: list.meta.next ?? null };
}

export async function updateMedia(id: string, patch: MediaPatch): Promise<Media> {
  const changed = await unwrap(api.PATCH("/api/v1/admin/media/{id}", { params: { path: { id } }, body: patch }));
  return changed.data;
}

export function deleteMedia(id: string): Promise<void> {
  return unwrapEmpty(api.DELETE("/api/v1/admin/media/{id}", { params: { path: { id } } }));
}

/** The entries (`type/id`) a 409 `media_in_use` names; empty for any other error. */
export function entriesUsing(error: unknown): { type: string; id: string }[] {
  if (!(error instanceof ApiFailure) || error.code !== "media_in_use") {
    return [];
  }
  return error.details.flatMap((detail) => {
    const [type, id] = detail.field.split("/");
    return type && id ? [{ type, id }] : [];
  });
}

/** Called with the fraction of the bytes sent so far, 0 to 1. */
type Progress = (fraction: number) => void;

function send(method: "POST" | "PUT", url: string, form: FormData, onProgress: Progress): Promise<Media> {
  return new Promise<Media>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    request.responseType = "json";
    request.setRequestHeader("Accept", "application/json");
    const token = sessionToken();
    if (token !== null) {
      request.setRequestHeader("Authorization", `Bearer ${token}`);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        onProgress(event.loaded / event.total);
      }
    };
    request.onload = () => {
      const body: unknown = request.response;
      if (request.status >= 200 && request.status < 300) {
        resolve((body as Schemas["MediaData"]).data);
      } else {
        reject(apiFailure(request.status, body));
      }
    };
    request.onerror = () => reject(apiFailure(0, null));
    request.send(form);
  });
}

interface NewMedia {
  file: File;
  alt: string;
  title: string;
}

export function uploadWithProgress(media: NewMedia, onProgress: Progress): Promise<Media> {
  const form = new FormData();
  if (media.alt.trim()) {
    form.append("alt", media.alt.trim());
  }
  if (media.title.trim()) {
    form.append("title", media.title.trim());
  }
  form.append("file", media.file, media.file.name);
  return send("POST", "/api/v1/admin/media", form, onProgress);
}

export function replaceMediaFile(id: string, file: File, onProgress: Progress): Promise<Media> {
  const form = new FormData();
  form.append("file", file, file.name);
  return send("PUT", `/api/v1/admin/media/${encodeURIComponent(id)}/file`, form, onProgress);
}

/** True for raster images, which the server renders variants of and which have a focal point. */
export function isRaster(media: Media): boolean {
  return media.mime.startsWith("image/") && media.mime !== "image/svg+xml";
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
