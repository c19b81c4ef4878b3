// A form's or dialog's call to the API: busy while it runs (so its button is disabled),
// and what went wrong when it failed, to show beside the button.

import { useState } from "preact/hooks";

import { describe } from "./failure";

export function useAttempt() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** Runs `action`; a failure is kept in `error`, not thrown. */
  const attempt = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  return { busy, error, setError, attempt };
}
