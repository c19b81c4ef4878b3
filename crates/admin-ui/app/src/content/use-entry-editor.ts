// The entry editor's state and its save: the entry as last read, the form's draft and
// whether it differs from what was read (guarded against leaving), errors by field, a
// 412 conflict with the entry as it now is.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import { errorMessage, isErrorBody } from "../api/client";
import { content, type ContentType } from "../api/content";
import { navigate, useLeaveGuard } from "../router";
import { notify } from "../ui/notices";
import { detailKey, draftBody, draftFromEntry, type Draft } from "./editor-state";
import { readEntry, type Loaded } from "./entry-api";

export interface EntryEditorState {
  loaded: Loaded | null;
  loadError: string | null;
  draft: Draft;
  setDraft: (draft: Draft) => void;
  dirty: boolean;
  errors: Record<string, string>;
  failure: string | null;
  conflict: Loaded | null;
  busy: boolean;
  setBusy: (busy: boolean) => void;
  /** Shows an entry as read (after a save, an action, or to take the other version). */
  show: (loaded: Loaded) => void;
  /** Saves the draft; answers the saved entry, or null when the save was refused. */
  save: (etag?: string | null) => Promise<Loaded | null>;
}

export function useEntryEditor(type: ContentType, entryId: string | undefined): EntryEditorState {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(() => draftFromEntry(type, null));
  const [baseline, setBaseline] = useState(() => JSON.stringify(draftFromEntry(type, null)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Loaded | null>(null);
  const [busy, setBusy] = useState(false);

  const dirty = JSON.stringify(draft) !== baseline;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useLeaveGuard(useCallback(() => dirtyRef.current, []));

  const show = useCallback(
    (next: Loaded) => {
      const fresh = draftFromEntry(type, next.entry);
      setLoaded(next);
      setDraft(fresh);
      setBaseline(JSON.stringify(fresh));
      setErrors({});
      setFailure(null);
      setConflict(null);
    },
    [type],
  );

  useEffect(() => {
    if (entryId) {
      readEntry(type.id, entryId).then(show, (thrown: unknown) => setLoadError(errorMessage(thrown)));
    }
  }, [type.id, entryId]);

  const entry = loaded?.entry ?? null;
  const save = async (etag: string | null = loaded?.etag ?? null): Promise<Loaded | null> => {
    const { body, errors: unparsed } = draftBody(type, draft);
    if (Object.keys(unparsed).length > 0) {
      setErrors(unparsed);
      setFailure("Some fields need attention before saving.");
      return null;
    }
    setBusy(true);
    setFailure(null);
    try {
      const result = entry
        ? await content.PUT("/api/v1/admin/content/{type}/{id}", {
            params: { path: { type: type.id, id: entry.id }, header: etag ? { "If-Match": etag } : undefined },
            body,
          })
        : await content.POST("/api/v1/admin/content/{type}", { params: { path: { type: type.id } }, body });
      if (result.data) {
        const saved = await readEntry(type.id, result.data.data.id);
        show(saved);
        notify("Saved.");
        if (!entry) {
          navigate(`/content/${type.id}/${saved.entry.id}`, { replace: true, force: true });
        }
        return saved;
      }
      if (result.response.status === 412 && entry) {
        setConflict(await readEntry(type.id, entry.id));
        return null;
      }
      const details = isErrorBody(result.error) ? result.error.error.details : [];
      setErrors(Object.fromEntries(details.map((detail) => [detailKey(detail.field), detail.message])));
      setFailure(errorMessage(result.error));
      return null;
    } catch (thrown) {
      setFailure(errorMessage(thrown));
      return null;
    } finally {
      setBusy(false);
    }
  };

  return { loaded, loadError, draft, setDraft, dirty, errors, failure, conflict, busy, setBusy, show, save };
}
