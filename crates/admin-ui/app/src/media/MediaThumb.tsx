// One file's picture in the library grid: its ThumbHash placeholder at once, the
// rendered thumbnail over it once loaded, and a plain badge for files that are no image.
// The picture is decorative there: the card's text names the file.

import { useState } from "preact/hooks";

import { thumbnailUrl } from "../api/media";
import type { Media } from "./api";
import { placeholderUrl } from "./placeholder";

export function MediaThumb({ media }: { media: Media }) {
  const [loaded, setLoaded] = useState(false);
  if (!media.mime.startsWith("image/")) {
    return (
      <span class="library-thumb is-file" aria-hidden="true">
        {media.mime === "application/pdf" ? "PDF" : "File"}
      </span>
    );
  }
  const placeholder = placeholderUrl(media.thumbhash);
  return (
    <span class="library-thumb">
      {placeholder && !loaded && <img class="library-thumb-placeholder" src={placeholder} alt="" />}
      <img
        class={loaded ? "library-thumb-image is-loaded" : "library-thumb-image"}
        src={thumbnailUrl(media)}
        alt=""
        loading="lazy"
        decoding="async"
        onLoad={() => setLoaded(true)}
      />
    </span>
  );
}
