// An in-app link: a real <a href> (so it can be opened in a new tab and read by screen
// readers as a link) that navigates without a page reload.

import type { ComponentChildren } from "preact";

import { href, onLinkClick } from "../router";

interface Props {
  to: string;
  class?: string;
  current?: boolean;
  children: ComponentChildren;
}

export function Link({ to, class: className, current, children }: Props) {
  return (
    <a
      href={href(to)}
      class={className}
      aria-current={current ? "page" : undefined}
      onClick={(event) => onLinkClick(event, to)}
    >
      {children}
    </a>
  );
}
