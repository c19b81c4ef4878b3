// Which locale the entry form edits: the default one, or a translation.

import type { Locales } from "../api/locales";

interface Props {
  locales: Locales;
  value: string;
  onChange: (locale: string) => void;
}

export function LocaleSwitcher({ locales, value, onChange }: Props) {
  return (
    <div class="locale-switcher">
      <label for="editor-locale">Language</label>
      <select id="editor-locale" value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {locales.all.map((code) => (
          <option key={code} value={code}>
            {code}
            {code === locales.default ? " (default)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}
