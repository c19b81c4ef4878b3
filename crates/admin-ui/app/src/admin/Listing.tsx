// Where an administration screen's list goes: why it could not be loaded, a sentence when
// it is empty, or the list itself (nothing while it loads).

import type { ComponentChildren } from "preact";

import { Alert } from "../ui/Alert";

interface Props<T> {
  items: T[] | null;
  error: string | null;
  /** The alert's title when loading failed, e.g. "The tokens could not be loaded". */
  failed: string;
  /** What to say when the list is empty; without it an empty list is shown as such. */
  empty?: string;
  children: (items: T[]) => ComponentChildren;
}

export function Listing<T>({ items, error, failed, empty, children }: Props<T>) {
  return (
    <>
      {error && <Alert title={failed}>{error}</Alert>}
      {items && (empty && items.length === 0 ? <p class="empty">{empty}</p> : children(items))}
    </>
  );
}
