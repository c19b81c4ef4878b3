// Which screen an address shows. Content screens are matched here; each administration
// screen owns its path and everything below it (see admin/screens.ts).

import type { VNode } from "preact";

import { adminScreens } from "../admin/screens";
import { useApp } from "../app-state";
import { Account } from "../auth/Account";
import { ContentList } from "../content/ContentList";
import { EntryEditor } from "../content/EntryEditor";
import { Preview } from "../content/Preview";
import { Revisions } from "../content/Revisions";
import { matchRoute } from "../router";
import { Lazy } from "../ui/Lazy";
import { Home } from "./Home";
import { NotFound } from "./NotFound";

type Route = [pattern: string, render: (params: Record<string, string>) => VNode];

const routes: Route[] = [
  ["/", () => <Home />],
  ["/account", () => <Account />],
  ["/content/:type", ({ type = "" }) => <ContentList key={type} typeId={type} />],
  ["/content/:type/new", ({ type = "" }) => <EntryEditor key={`${type}/new`} typeId={type} />],
  ["/content/:type/:id", ({ type = "", id = "" }) => <EntryEditor key={`${type}/${id}`} typeId={type} entryId={id} />],
  ["/content/:type/:id/revisions", ({ type = "", id = "" }) => <Revisions typeId={type} entryId={id} />],
  ["/content/:type/:id/preview", ({ type = "", id = "" }) => <Preview typeId={type} entryId={id} />],
];

export function Routes({ path }: { path: string }) {
  const { me } = useApp();
  for (const [pattern, render] of routes) {
    const params = matchRoute(pattern, path);
    if (params) {
      return render(params);
    }
  }
  const screen = adminScreens.find(
    (candidate) => path === candidate.path || path.startsWith(`${candidate.path}/`),
  );
  if (screen && screen.visible(me)) {
    return <Lazy key={screen.path} load={screen.load} props={{ subpath: path.slice(screen.path.length) }} />;
  }
  return <NotFound />;
}
