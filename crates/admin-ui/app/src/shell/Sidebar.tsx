// The navigation: one link per content type the user may read (plugin types appear as
// soon as `/api/v1/types` lists them), then the administration screens they may use,
// then GraphiQL: a page of its own (/graphiql, not part of the app), so a plain link.

import { useApp } from "../app-state";
import { adminScreens } from "../admin/screens";
import { can } from "../auth/permissions";
import { Link } from "../ui/Link";

export function Sidebar({ path }: { path: string }) {
  const { me, types } = useApp();
  const readable = types.filter((type) => can(me, "preview", type.id) || can(me, "write", type.id));
  const admin = adminScreens.filter((screen) => screen.visible(me));
  const isCurrent = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  return (
    <nav id="sidebar" class="sidebar" aria-label="Main">
      <h2 class="nav-heading" id="nav-content">
        Content
      </h2>
      <ul aria-labelledby="nav-content">
        {readable.map((type) => (
          <li key={type.id}>
            <Link to={`/content/${type.id}`} current={isCurrent(`/content/${type.id}`)}>
              {type.plural_label}
            </Link>
          </li>
        ))}
      </ul>
      {admin.length > 0 && (
        <>
          <h2 class="nav-heading" id="nav-admin">
            Administration
          </h2>
          <ul aria-labelledby="nav-admin">
            {admin.map((screen) => (
              <li key={screen.path}>
                <Link to={screen.path} current={isCurrent(screen.path)}>
                  {screen.label}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2 class="nav-heading" id="nav-developers">
        Developers
      </h2>
      <ul aria-labelledby="nav-developers">
        <li>
          <a href="/graphiql">GraphQL</a>
        </li>
      </ul>
    </nav>
  );
}
