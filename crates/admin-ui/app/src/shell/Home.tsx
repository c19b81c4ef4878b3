// The start page: a greeting and the content types, each with its description.

import { useApp } from "../app-state";
import { can } from "../auth/permissions";
import { Link } from "../ui/Link";

export function Home() {
  const { me, types } = useApp();
  const name = me.user?.display_name ?? me.name;
  return (
    <section class="screen" aria-labelledby="home-title">
      <h1 id="home-title">Welcome, {name}</h1>
      <ul class="type-cards">
        {types
          .filter((type) => can(me, "preview", type.id) || can(me, "write", type.id))
          .map((type) => (
            <li key={type.id} class="card">
              <h2>
                <Link to={`/content/${type.id}`}>{type.plural_label}</Link>
              </h2>
              {type.description && <p>{type.description}</p>}
            </li>
          ))}
      </ul>
    </section>
  );
}
