// Vite builds the app for /admin/; in development it proxies the API to a running server
// (CIVITAS_API, default http://127.0.0.1:8080), so the app and the API share an origin
// as they do when the binary serves both.
import { defineConfig } from "vite";

const api = process.env.CIVITAS_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/admin/",
  build: {
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { "/api": api, "/assets": api },
  },
});
