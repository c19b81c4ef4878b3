// GraphiQL, the developers' page the server serves at /graphiql: a build of its own (real
// React, not the app's Preact), so none of it reaches the app's bundles. Run it against a
// server as the app: `npx vite -c vite.graphiql.config.ts`, then open
// /graphiql/graphiql.html.
import { defineConfig } from "vite";

const api = process.env.CIVITAS_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/graphiql/",
  build: {
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false },
    // GraphiQL (React, CodeMirror, graphql-js) is one large bundle by design: loaded
    // once by developers, then cached for good.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: "graphiql.html",
      onLog(level, log, handler) {
        // GraphiQL's React packages mark modules "use client", a hint for server
        // rendering that means nothing in a browser bundle; dozens of warnings hide real ones.
        if (log.code !== "MODULE_LEVEL_DIRECTIVE") {
          handler(level, log);
        }
      },
    },
  },
  server: {
    proxy: { "/api": api },
  },
});
