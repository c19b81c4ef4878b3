// A refused API call as the media and administration screens handle it: the HTTP status
// and the API's error code, message and per-field details (a 409 `media_in_use` names
// the entries in its details, a 409 `last_admin` explains itself in its message).

import type { ErrorDetail } from "../api/client";
import { isErrorBody } from "../api/client";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** The failure a response's status and (error) body describe. */
export function apiFailure(status: number, body: unknown): ApiFailure {
  if (isErrorBody(body)) {
    return new ApiFailure(status, body.error.code, body.error.message, body.error.details ?? []);
  }
  if (status === 0) {
    return new ApiFailure(0, "network", "The server could not be reached.");
  }
  return new ApiFailure(status, "http_error", `The server answered ${status}.`);
}

/** What to tell people about `error`, field details included. */
export function describe(error: unknown): string {
  if (error instanceof ApiFailure) {
    const fields = error.details.filter((detail) => detail.field).map((detail) => `${detail.field}: ${detail.message}`);
    return fields.length > 0 ? `${error.message} (${fields.join("; ")})` : error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an openapi-fetch answer, or its failure thrown. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) {
    throw apiFailure(response.status, error);
  }
  return data;
}

/** What an openapi-fetch answer's `{ data }` envelope holds, or its failure thrown. */
export async function unwrapData<T>(call: Promise<Answer<{ data: T }>>): Promise<T> {
  return (await unwrap(call)).data;
}

/** Waits for a call that answers 204 No Content; throws its failure otherwise. */
export async function unwrapEmpty(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok) {
    throw apiFailure(response.status, error);
  }
}
