// What every screen needs once signed in: who the user is (`/auth/me`), the content
// types (`/api/v1/types`, plugin types included) and the site's locales. Loaded once
// per session and handed down through context.

import { createContext } from "preact";
import { useContext } from "preact/hooks";

import type { ContentType } from "./api/content";
import type { Me } from "./auth/permissions";

export interface AppState {
  me: Me;
  types: ContentType[];
  /** Re-reads `/auth/me` and the types (after a plugin reload, say). */
  reload: () => Promise<void>;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (state === null) {
    throw new Error("useApp outside the signed-in app");
  }
  return state;
}

export function useType(id: string): ContentType | undefined {
  return useApp().types.find((type) => type.id === id);
}
