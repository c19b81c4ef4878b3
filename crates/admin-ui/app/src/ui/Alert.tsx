// A message that belongs to a screen or form (a failed load, a refused save), kept in
// place until the situation changes. Errors are announced at once (role="alert").

import type { ComponentChildren } from "preact";

interface Props {
  kind?: "error" | "warning" | "info";
  title?: string;
  children: ComponentChildren;
}

export function Alert({ kind = "error", title, children }: Props) {
  return (
    <div class={`alert ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {title && <strong class="alert-title">{title}</strong>}
      <div>{children}</div>
    </div>
  );
}
