// A media field: the chosen file(s) as thumbnails, a picker for the media library, and
// a direct upload (the uploaded file is chosen at once).

import { useState } from "preact/hooks";

import type { FieldDef, MediaEmbed } from "../../api/content";
import { thumbnailUrl } from "../../api/media";
import type { ControlProps } from "../../ui/FormField";
import { MediaPicker, useUpload } from "../MediaPicker";

interface Props {
  ids: ControlProps;
  field: FieldDef;
  value: MediaEmbed | MediaEmbed[] | null;
  onChange: (value: MediaEmbed | MediaEmbed[] | null) => void;
}

export function MediaInput({ ids, field, value, onChange }: Props) {
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = field.label ?? field.name;
  const chosen = Array.isArray(value) ? value : value ? [value] : [];
  const add = (media: MediaEmbed) => onChange(field.many ? [...chosen, media] : media);
  const remove = (id: string) => {
    const rest = chosen.filter((media) => media.id !== id);
    onChange(field.many ? rest : null);
  };
  const { uploading, upload } = useUpload(add, setError);
  return (
    <div>
      {chosen.length > 0 && (
        <ul class="media-value">
          {chosen.map((media) => (
            <li key={media.id}>
              <img class="media-thumb" src={thumbnailUrl(media)} alt={media.alt ?? ""} />
              <span class="caption">{media.title || media.filename}</span>
              <button type="button" onClick={() => remove(media.id)}>
                Remove {media.filename}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="inline-actions">
        <button type="button" id={ids.id} aria-describedby={ids["aria-describedby"]} onClick={() => setPicking(true)}>
          Choose {label.toLowerCase()} from the library
        </button>
        <label for={`${ids.id}-upload`}>Upload {label.toLowerCase()}</label>
        <input id={`${ids.id}-upload`} class="file-input" type="file" accept={(field.accept ?? []).join(",") || undefined}
          disabled={uploading}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void upload(file);
            event.currentTarget.value = "";
          }} />
      </div>
      {uploading && <p role="status">Uploading…</p>}
      {error && <p class="field-error" role="alert">{error}</p>}
      {picking && (
        <MediaPicker
          title={`Choose ${label.toLowerCase()}`}
          accept={field.accept ?? []}
          onClose={() => setPicking(false)}
          onPick={(media) => {
            add(media);
            setPicking(false);
          }}
        />
      )}
    </div>
  );
}
