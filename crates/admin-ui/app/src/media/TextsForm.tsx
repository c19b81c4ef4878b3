// A file's alt text and title, in the default locale and (folded away) in the site's
// other locales, saved together with the focal point chosen beside them.

import { useEffect, useState } from "preact/hooks";

import { useAttempt } from "../admin/use-attempt";
import { loadLocales } from "../api/locales";
import { Alert } from "../ui/Alert";
import { notify } from "../ui/notices";
import { type Focal, type Media, type MediaPatch, isRaster, updateMedia } from "./api";

interface Texts {
  alt: string;
  title: string;
}

interface Props {
  media: Media;
  focal: Focal;
  onChanged: (media: Media) => void;
}

function orNull(text: string): string | null {
  return text.trim() ? text.trim() : null;
}

/** The site's locales other than the default one, once known. */
function useOtherLocales(): string[] {
  const [others, setOthers] = useState<string[]>([]);
  useEffect(() => {
    loadLocales().then(
      (locales) => setOthers(locales.all.filter((locale) => locale !== locales.default)),
      () => setOthers([]),
    );
  }, []);
  return others;
}

function translationsPatch(others: string[], texts: Record<string, Texts>): MediaPatch["translations"] {
  const entries = others.map((locale) => {
    const { alt = "", title = "" } = texts[locale] ?? {};
    return [locale, alt.trim() || title.trim() ? { alt: orNull(alt), title: orNull(title) } : null];
  });
  return Object.fromEntries(entries) as MediaPatch["translations"];
}

export function TextsForm({ media, focal, onChanged }: Props) {
  const others = useOtherLocales();
  const [texts, setTexts] = useState<Texts>({ alt: media.alt ?? "", title: media.title ?? "" });
  const [translated, setTranslated] = useState<Record<string, Texts>>(() =>
    Object.fromEntries(
      Object.entries(media.translations).map(([locale, text]) => [
        locale,
        { alt: text.alt ?? "", title: text.title ?? "" },
      ]),
    ),
  );
  const { busy: saving, error, attempt } = useAttempt();

  const save = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      const patch: MediaPatch = {
        alt: orNull(texts.alt),
        title: orNull(texts.title),
        ...(isRaster(media) ? { focal } : {}),
        ...(others.length > 0 ? { translations: translationsPatch(others, translated) } : {}),
      };
      onChanged(await updateMedia(media.id, patch));
      notify("Changes saved.");
    });
  };

  const setLocale = (locale: string, changes: Partial<Texts>) =>
    setTranslated((old) => ({ ...old, [locale]: { alt: "", title: "", ...old[locale], ...changes } }));

  return (
    <form onSubmit={save}>
      <TextFields
        idPrefix="library"
        texts={texts}
        onChange={(changes) => setTexts((old) => ({ ...old, ...changes }))}
      />
      {others.length > 0 && (
        <details class="library-translations">
          <summary>Other languages</summary>
          {others.map((locale) => (
            <TextFields
              key={locale}
              idPrefix={`library-${locale}`}
              locale={locale}
              texts={translated[locale] ?? { alt: "", title: "" }}
              onChange={(changes) => setLocale(locale, changes)}
            />
          ))}
        </details>
      )}
      {error && <Alert>{error}</Alert>}
      <button type="submit" class="primary" disabled={saving}>
        Save changes
      </button>
    </form>
  );
}

interface FieldsProps {
  idPrefix: string;
  locale?: string;
  texts: Texts;
  onChange: (changes: Partial<Texts>) => void;
}

function TextFields({ idPrefix, locale, texts, onChange }: FieldsProps) {
  const suffix = locale ? ` (${locale})` : "";
  return (
    <>
      <div class="form-field">
        <label for={`${idPrefix}-alt`}>Alt text{suffix}</label>
        {!locale && (
          <p class="hint" id={`${idPrefix}-alt-hint`}>
            What the image shows, for people who cannot see it.
          </p>
        )}
        <textarea
          id={`${idPrefix}-alt`}
          aria-describedby={locale ? undefined : `${idPrefix}-alt-hint`}
          lang={locale}
          value={texts.alt}
          maxLength={1000}
          rows={3}
          onInput={(event) => onChange({ alt: event.currentTarget.value })}
        />
      </div>
      <div class="form-field">
        <label for={`${idPrefix}-title`}>Title{suffix}</label>
        <input
          id={`${idPrefix}-title`}
          lang={locale}
          value={texts.title}
          maxLength={300}
          onInput={(event) => onChange({ title: event.currentTarget.value })}
        />
      </div>
    </>
  );
}
