// Client-side routing under /admin/ with the history API: `navigate` changes the address
// without reloading, `useLocation` re-renders on every change, `matchRoute` reads
// parameters out of a pattern such as `/content/:type/:id`. A screen with unsaved work
// registers a guard (`useLeaveGuard`) that is asked before in-app navigation, and the
// browser's own `beforeunload` prompt covers reloads and closing the tab.

import { useEffect, useState } from "preact/hooks";

const BASE = "/admin";

type Guard = () => boolean;
const guards = new Set<Guard>();
const listeners = new Set<() => void>();

const LEAVE_QUESTION = "You have unsaved changes. Leave this page and lose them?";

/** The app path (without /admin), e.g. `/content/post`. */
function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "/";
  return path === "" ? "/" : path;
}

export function href(path: string): string {
  return BASE + path;
}

function mayLeave(): boolean {
  for (const dirty of guards) {
    if (dirty()) {
      return window.confirm(LEAVE_QUESTION);
    }
  }
  return true;
}

/** Goes to an app path (with an optional query string); false when the user stayed. */
export function navigate(path: string, options: { replace?: boolean; force?: boolean } = {}): boolean {
  if (!options.force && !mayLeave()) {
    return false;
  }
  const url = href(path);
  if (options.replace) {
    history.replaceState(null, "", url);
  } else {
    history.pushState(null, "", url);
  }
  listeners.forEach((listener) => listener());
  return true;
}

let lastUrl = location.pathname + location.search;
window.addEventListener("popstate", () => {
  if (!mayLeave()) {
    history.pushState(null, "", lastUrl);
    return;
  }
  listeners.forEach((listener) => listener());
});
listeners.add(() => {
  lastUrl = location.pathname + location.search;
});

/** Re-renders the caller whenever the address changes; returns the path and query. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: currentPath(), query: new URLSearchParams(location.search) };
}

/** Parameters of `path` against `pattern` (`:name` segments), or null if it does not match. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const value = have[index] ?? "";
    if (part.startsWith(":")) {
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}

/** While `dirty()` is true, leaving (in the app or the tab) asks first. */
export function useLeaveGuard(dirty: () => boolean): void {
  useEffect(() => {
    guards.add(dirty);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (dirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      guards.delete(dirty);
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [dirty]);
}

/** Handles a click on an in-app link: plain left clicks navigate without a reload. */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  navigate(path);
}
