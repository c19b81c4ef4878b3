// The top bar: the app's name (a link home), the menu button on narrow screens, the
// signed-in user (a link to their account) and "Sign out".

import { api } from "../api/client";
import { setSessionToken } from "../api/session";
import { useApp } from "../app-state";
import { Link } from "../ui/Link";

interface Props {
  menuOpen: boolean;
  onToggleMenu: () => void;
}

async function signOut() {
  try {
    await api.POST("/api/v1/auth/logout");
  } finally {
    setSessionToken(null);
  }
}

export function Header({ menuOpen, onToggleMenu }: Props) {
  const { me } = useApp();
  return (
    <header class="header">
      <button
        type="button"
        class="menu-button"
        aria-expanded={menuOpen}
        aria-controls="sidebar"
        onClick={onToggleMenu}
      >
        Menu
      </button>
      <Link to="/" class="brand">
        Civitas
      </Link>
      <div class="header-user">
        <Link to="/account" class="user-link">
          {me.user?.display_name ?? me.name}
          {me.role && <span class="role-badge">{me.role}</span>}
        </Link>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
