// The entry editor: a form generated from the type's fields, in the default locale or
// side by side with it for a translation; saving with If-Match (a 412 becomes the
// conflict notice), errors from a 422 shown at their fields, a warning before leaving
// with unsaved changes, and the workflow actions beside the form.

import { useEffect, useRef, useState } from "preact/hooks";

import type { ContentType } from "../api/content";
import { loadLocales, type Locales } from "../api/locales";
import { useApp, useType } from "../app-state";
import { can, canEdit } from "../auth/permissions";
import { Alert } from "../ui/Alert";
import { FormField } from "../ui/FormField";
import { Link } from "../ui/Link";
import { ConflictAlert } from "./ConflictAlert";
import { EditorFields } from "./EditorFields";
import { EntrySide } from "./EntrySide";
import { LocaleSwitcher } from "./LocaleSwitcher";
import { localizedFields } from "./editor-state";
import { entryTitle } from "./entry-text";
import { useEntryEditor } from "./use-entry-editor";

interface Props {
  typeId: string;
  entryId?: string;
}

export function EntryEditor({ typeId, entryId }: Props) {
  const type = useType(typeId);
  if (!type) {
    return <Alert title="Unknown content type">There is no type “{typeId}”.</Alert>;
  }
  return <Editor type={type} entryId={entryId} />;
}

function useLocales(type: ContentType): Locales | null {
  const [locales, setLocales] = useState<Locales | null>(null);
  useEffect(() => {
    if (localizedFields(type).length > 0) {
      loadLocales().then(setLocales, () => setLocales(null));
    }
  }, [type.id]);
  return locales;
}

/** Ctrl+S (Cmd+S) calls `save`, as in any editor, instead of saving the page. */
function useSaveShortcut(save: (() => void) | null): void {
  const current = useRef(save);
  current.current = save;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "s") {
        event.preventDefault();
        current.current?.();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

function Editor({ type, entryId }: { type: ContentType; entryId?: string }) {
  const { me } = useApp();
  const state = useEntryEditor(type, entryId);
  const { loaded, draft, setDraft, errors, conflict, busy } = state;
  const locales = useLocales(type);
  const [locale, setLocale] = useState<string | null>(null);
  const entry = loaded?.entry ?? null;
  const editable = entry ? canEdit(me, entry) : can(me, "write", type.id);
  useSaveShortcut(editable && !busy ? () => void state.save() : null);

  if (state.loadError) {
    return <Alert title="This entry could not be opened">{state.loadError}</Alert>;
  }
  if (entryId && !loaded) {
    return <p class="loading">Loading…</p>;
  }

  const defaultLocale = locales?.default ?? entry?.locale ?? "en";
  const editingLocale = locale ?? defaultLocale;
  const title = entry ? entryTitle(type, entry) : `New ${type.label.toLowerCase()}`;

  return (
    <section class="screen" aria-labelledby="editor-title">
      <p class="meta-line">
        <Link to={`/content/${type.id}`}>{type.plural_label}</Link>
      </p>
      <div class="screen-header">
        <h1 id="editor-title">{title}</h1>
      </div>
      {conflict && (
        <ConflictAlert
          type={type}
          draft={draft}
          theirs={conflict}
          onReload={() => state.show(conflict)}
          onOverwrite={() => void state.save(conflict.etag)}
        />
      )}
      {!editable && entry && <Alert kind="info">You can read this entry but not change it.</Alert>}
      {state.failure && !conflict && <Alert>{state.failure}</Alert>}
      <div class="editor">
        <form
          id="entry-form"
          noValidate
          aria-labelledby="editor-title"
          onSubmit={(event) => {
            event.preventDefault();
            void state.save();
          }}
        >
          {locales && locales.all.length > 1 && (
            <LocaleSwitcher locales={locales} value={editingLocale} onChange={setLocale} />
          )}
          <fieldset class="plain" disabled={!editable || busy}>
            <legend class="visually-hidden">Fields</legend>
            <EditorFields
              type={type}
              draft={draft}
              errors={errors}
              locale={editingLocale === defaultLocale ? null : editingLocale}
              defaultLocale={defaultLocale}
              onChange={setDraft}
            />
            {editingLocale === defaultLocale && (
              <FormField
                id="entry-slug"
                label="Slug"
                hint={
                  entry
                    ? "The entry's address. Changing a published slug keeps the old one working."
                    : "Leave empty to make one from the title."
                }
                error={errors.slug}
                control={(props) => (
                  <input {...props} value={draft.slug} onInput={(event) => setDraft({ ...draft, slug: event.currentTarget.value })} />
                )}
              />
            )}
          </fieldset>
        </form>
        <EntrySide
          type={type}
          entry={entry}
          dirty={state.dirty}
          busy={busy}
          editable={editable}
          onSave={state.save}
          onChanged={state.show}
          onBusy={state.setBusy}
        />
      </div>
    </section>
  );
}
