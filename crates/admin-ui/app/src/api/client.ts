// The typed API client: paths and bodies come from `schema.d.ts`, generated from the
// server's OpenAPI document (`npm run gen:api`). Every request carries the session token;
// a 401 ends the session, which sends the app back to the sign-in screen.

import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema";
import { civitasQuery } from "./query";
import { sessionToken, setSessionToken } from "./session";

export type Schemas = components["schemas"];
export type ErrorBody = Schemas["ErrorBody"];
export type ErrorDetail = Schemas["ErrorDetail"];

export const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = sessionToken();
    if (token !== null && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  },
  onResponse({ request, response }) {
    const signingIn = new URL(request.url).pathname.endsWith("/auth/login");
    if (response.status === 401 && !signingIn) {
      setSessionToken(null);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", querySerializer: civitasQuery });
api.use(authMiddleware);

/** The error's message for people, from an API error body or anything thrown. */
export function errorMessage(error: unknown): string {
  if (isErrorBody(error)) {
    return error.error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return "Something went wrong.";
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === "object" &&
    value !== null &&
    "error" in value &&
    typeof (value as ErrorBody).error?.message === "string"
  );
}
