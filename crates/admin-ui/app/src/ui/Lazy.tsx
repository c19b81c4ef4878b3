// Renders a screen from a module loaded on demand, so screens not needed at first load
// stay out of the first download.

import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

import { errorMessage } from "../api/client";
import { Alert } from "./Alert";

interface Props<P> {
  load: () => Promise<{ default: ComponentType<P> }>;
  props: P;
}

export function Lazy<P extends object>({ load, props }: Props<P>) {
  const [loaded, setLoaded] = useState<{ Component: ComponentType<P> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    load().then(
      (module) => live && setLoaded({ Component: module.default }),
      (thrown: unknown) => live && setError(errorMessage(thrown)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (error) {
    return <Alert title="This screen could not be loaded">{error}</Alert>;
  }
  if (!loaded) {
    return <p class="loading">Loading…</p>;
  }
  const { Component } = loaded;
  return <Component {...props} />;
}
