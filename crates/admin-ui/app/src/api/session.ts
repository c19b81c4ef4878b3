// The signed-in session: the API's session token lives in sessionStorage (the API sets no
// cookie; it takes `Authorization: Bearer`), so it ends with the tab and is never sent
// to anything but the API. Screens learn of sign-in and sign-out through `onSessionChange`.

const KEY = "civitas.session";

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();

export function sessionToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setSessionToken(token: string | null): void {
  if (token === sessionToken()) {
    return;
  }
  if (token === null) {
    sessionStorage.removeItem(KEY);
  } else {
    sessionStorage.setItem(KEY, token);
  }
  listeners.forEach((listener) => listener(token));
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
