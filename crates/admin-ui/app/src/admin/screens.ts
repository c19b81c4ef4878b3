// The administration screens (media library, users, API tokens, webhooks, plugins, audit
// log): each is listed here once, and the shell gives it a sidebar link and a route at
// /admin<path>, shown only to users for whom `visible` holds. Components are loaded on
// first use (`lazy`), so they cost nothing on the first load.

import type { ComponentType } from "preact";

import { can, isAdmin, type Me } from "../auth/permissions";

export interface AdminScreen {
  /** App path, e.g. `/users`; sub-paths (`/users/:id`) go to the same component. */
  path: string;
  label: string;
  visible: (me: Me) => boolean;
  /** A dynamic import of the module whose default export is the screen. */
  load: () => Promise<{ default: ComponentType<AdminScreenProps> }>;
}

export interface AdminScreenProps {
  /** The path below the screen's own, e.g. `/01J...` for `/users/01J...`; "" at its root. */
  subpath: string;
}

export const adminScreens: AdminScreen[] = [
  {
    path: "/media",
    label: "Media library",
    visible: (me) => can(me, "preview"),
    load: () => import("../media/MediaLibrary"),
  },
  { path: "/users", label: "Users", visible: isAdmin, load: () => import("./users/UsersScreen") },
  { path: "/tokens", label: "API tokens", visible: isAdmin, load: () => import("./tokens/TokensScreen") },
  { path: "/webhooks", label: "Webhooks", visible: isAdmin, load: () => import("./webhooks/WebhooksScreen") },
  { path: "/plugins", label: "Plugins", visible: isAdmin, load: () => import("./plugins/PluginsScreen") },
  { path: "/audit", label: "Audit log", visible: isAdmin, load: () => import("./audit/AuditScreen") },
];
