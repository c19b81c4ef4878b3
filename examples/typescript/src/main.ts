// A typed Civitas client: `src/civitas.d.ts` is generated from the server's OpenAPI
// document (`npm run generate`), and every request below is checked against it by the
// TypeScript compiler: paths, parameters, filter fields and operators, answers.

import createClient from "openapi-fetch";

import type { components, paths } from "./civitas.js";
import { civitasQuery } from "./query.js";

type Expert = components["schemas"]["Expert"];

const baseUrl = process.env.CIVITAS_URL ?? "http://127.0.0.1:8080";
const civitas = createClient<paths>({ baseUrl, querySerializer: civitasQuery });

/** A reference is an id, or the entry itself where `include` named the field. */
function authorName(author: string | Expert): string {
  return typeof author === "string" ? `(id ${author})` : (author.name ?? "");
}

// Posts tagged "mobility", newest first, with their authors embedded.
const posts = await civitas.GET("/api/v1/content/post", {
  params: {
    query: {
      filter: { tags: { contains: "mobility" } },
      sort: ["-published_at"],
      include: ["authors"],
      "page[size]": 10,
    },
  },
});
if (!posts.data) {
  throw new Error(`listing posts failed: ${JSON.stringify(posts.error)}`);
}
for (const post of posts.data.data) {
  const authors = (post.authors ?? []).map(authorName);
  console.log(JSON.stringify({ post: post.title, authors }));
}

// One expert, by slug.
const expert = await civitas.GET("/api/v1/content/expert/{id_or_slug}", {
  params: { path: { id_or_slug: "john-marwel" } },
});
if (!expert.data) {
  throw new Error(`reading the expert failed: ${JSON.stringify(expert.error)}`);
}
console.log(JSON.stringify({ expert: expert.data.data.name, role: expert.data.data.role }));

// Studies, a type added by a WebAssembly plugin, typed like any other.
const studies = await civitas.GET("/api/v1/content/study", {
  params: { query: { sort: ["-year"] } },
});
if (!studies.data) {
  throw new Error(`listing studies failed: ${JSON.stringify(studies.error)}`);
}
console.log(JSON.stringify({ studies: studies.data.data.map((s) => s.title), total: studies.data.meta.total }));

// The compiler refuses what the server would: posts have no `colour` to filter on.
async function refusedAtCompileTime() {
  await civitas.GET("/api/v1/content/post", {
    // @ts-expect-error `colour` is not a filterable field of posts
    params: { query: { filter: { colour: { eq: "red" } } } },
  });
}
void refusedAtCompileTime;
