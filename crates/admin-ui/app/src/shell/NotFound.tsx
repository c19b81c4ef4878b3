// The screen for an address the app does not know (or a screen the user may not see).

import { Link } from "../ui/Link";

export function NotFound() {
  return (
    <section class="screen">
      <h1>Not found</h1>
      <p>
        There is nothing here. <Link to="/">Go to the start page</Link>.
      </p>
    </section>
  );
}
