// Blurred placeholders for images still loading, drawn from the ThumbHash the API gives
// each image (a few bytes of base64), as data: URLs, which the Content-Security-Policy
// allows for images.

import { thumbHashToDataURL } from "thumbhash";

const drawn = new Map<string, string>();

/** The placeholder for `hash`, or null when there is none or it does not decode. */
export function placeholderUrl(hash: string | null | undefined): string | null {
  if (!hash) {
    return null;
  }
  const known = drawn.get(hash);
  if (known) {
    return known;
  }
  try {
    const bytes = Uint8Array.from(atob(hash), (char) => char.charCodeAt(0));
    const url = thumbHashToDataURL(bytes);
    drawn.set(hash, url);
    return url;
  } catch {
    return null;
  }
}
