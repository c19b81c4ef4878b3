// Sends GraphiQL's queries to the API on this origin. The editors' app keeps its session
// in this tab's sessionStorage; when there is one it goes along as the bearer token,
// unless the headers editor names an Authorization of its own.

import type { GraphiQLProps } from "graphiql";

import { sessionToken } from "../api/session";

const ENDPOINT = "/api/v1/graphql";

type Fetcher = GraphiQLProps["fetcher"];

export const fetcher: Fetcher = async (params, options) => {
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/json",
  };
  const token = sessionToken();
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  const response = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify(params) });
  return response.json();
};
