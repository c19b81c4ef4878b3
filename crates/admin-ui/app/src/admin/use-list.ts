// The list an administration screen shows: loaded on first render and again after each
// change, with the reason when it could not be loaded.

import { useEffect, useState } from "preact/hooks";

import { describe } from "./failure";

export function useList<T>(fetchList: () => Promise<T[]>) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    fetchList().then(
      (list) => {
        setItems(list);
        setError(null);
      },
      (failure: unknown) => setError(describe(failure)),
    );
  useEffect(() => {
    void load();
  }, []);

  return { items, setItems, error, load };
}
