// A read that a screen or dialog repeats when what it depends on changes (a search, a
// locale, a revision): its data or its failure's message, and only for the newest
// request, since an answer that arrives after a newer request started must not win.

import { useEffect } from "preact/hooks";

import { errorMessage } from "./client";

interface Answer<T> {
  data?: { data: T };
  error?: unknown;
}

/**
 * Runs `request` whenever `deps` change and hands its data to `onData`, or the reason it
 * failed to `onError`. A `request` that returns null asks for nothing.
 */
export function useRequest<T>(
  request: () => Promise<Answer<T>> | null,
  onData: (data: T) => void,
  onError: (message: string) => void,
  deps: unknown[],
) {
  useEffect(() => {
    const pending = request();
    if (!pending) return;
    let live = true;
    pending
      .then(({ data, error: failure }) => {
        if (!live) return;
        if (data) onData(data.data);
        else onError(errorMessage(failure));
      })
      .catch((thrown: unknown) => live && onError(errorMessage(thrown)));
    return () => {
      live = false;
    };
  }, deps);
}
