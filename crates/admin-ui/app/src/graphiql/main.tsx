// GraphiQL at /graphiql: React, in a build of its own (vite.graphiql.config.ts). It asks
// the API on this origin; the fetcher adds the app's session, so an admin who came from
// the app gets the schema (docs explorer, completion) as introspection allows admins.

import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { fetcher } from "./fetcher";
import "./page.css";

// What the editor holds on a first visit (GraphiQL keeps the tabs in localStorage then).
const DEFAULT_QUERY = `# Newest posts with their authors.
# Ctrl-Enter runs the query. Admins
# see the schema under Docs.
{
  post_list(first: 5, sort: [PUBLISHED_AT_DESC]) {
    totalCount
    nodes {
      title
      slug
      published_at
      authors {
        name
        slug
      }
    }
  }
}
`;

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
    </StrictMode>,
  );
}
