// The app's root: the sign-in screen while there is no session; once there is, it loads
// who the user is and the content types, then shows the shell. A session that ends (sign
// out, or any 401) brings the sign-in screen back, at the same address.

import { useCallback, useEffect, useState } from "preact/hooks";

import { api, errorMessage } from "./api/client";
import type { ContentType } from "./api/content";
import { onSessionChange, sessionToken, setSessionToken } from "./api/session";
import { AppContext, type AppState } from "./app-state";
import { SignIn } from "./auth/SignIn";
import type { Me } from "./auth/permissions";
import { Shell } from "./shell/Shell";
import { Alert } from "./ui/Alert";

async function loadState(): Promise<{ me: Me; types: ContentType[] }> {
  const [me, types] = await Promise.all([api.GET("/api/v1/auth/me"), api.GET("/api/v1/admin/types")]);
  if (!me.data) {
    throw me.error ?? new Error("Could not read who you are.");
  }
  if (!types.data) {
    throw types.error ?? new Error("Could not read the content types.");
  }
  // The document leaves this answer's schema open; it is `/api/v1/types` with private fields.
  return { me: me.data.data, types: (types.data as { data: ContentType[] }).data };
}

export function App() {
  const [token, setToken] = useState(sessionToken());
  const [state, setState] = useState<{ me: Me; types: ContentType[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => onSessionChange(setToken), []);

  const reload = useCallback(async () => {
    setState(await loadState());
  }, []);

  useEffect(() => {
    setState(null);
    setError(null);
    if (token !== null) {
      reload().catch((thrown: unknown) => setError(errorMessage(thrown)));
    }
  }, [token, reload]);

  if (token === null) {
    return <SignIn />;
  }
  if (error) {
    return (
      <main class="sign-in" id="main">
        <Alert title="Civitas could not start">{error}</Alert>
        <button type="button" onClick={() => setSessionToken(null)}>
          Sign in again
        </button>
      </main>
    );
  }
  if (!state) {
    return <p class="loading">Loading…</p>;
  }
  const value: AppState = { ...state, reload };
  return (
    <AppContext.Provider value={value}>
      <Shell />
    </AppContext.Provider>
  );
}
