// The frame around every screen once signed in: a header (the app's name, the user, sign
// out), a sidebar (content types, then the administration screens the user may see) and
// the current screen. On a narrow screen the sidebar folds behind a menu button.

import { useEffect, useRef, useState } from "preact/hooks";

import { useLocation } from "../router";
import { Notices } from "../ui/notices";
import { Header } from "./Header";
import { Routes } from "./Routes";
import { Sidebar } from "./Sidebar";

export function Shell() {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(path);
  useEffect(() => {
    setMenuOpen(false);
    // After moving to another screen, keyboard and screen-reader users start at its top.
    if (path !== firstPath.current) {
      main.current?.focus();
    }
  }, [path]);
  return (
    <div class={`shell${menuOpen ? " menu-open" : ""}`}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header menuOpen={menuOpen} onToggleMenu={() => setMenuOpen(!menuOpen)} />
      <Sidebar path={path} />
      <main id="main" class="main" tabIndex={-1} ref={main}>
        <Routes path={path} />
      </main>
      <Notices />
    </div>
  );
}
