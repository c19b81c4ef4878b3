// The content routes for any type. The OpenAPI document repeats them per type
// (`/admin/content/post`, `/admin/content/study`, ...) with each type's own schemas; the
// app handles types it learns of at run time (plugins add some), so it uses these
// generic routes, typed here from the document's shared schemas, and reads each type's
// fields from `/api/v1/types`.

import createClient from "openapi-fetch";

import { authMiddleware, type Schemas } from "./client";
import { civitasQuery } from "./query";

type TypeDefinition = Schemas["ContentTypeDefinition"];
/** A field; `localized` is served by `/types` but missing from the document's schema. */
export type FieldDef = TypeDefinition["fields"][number] & { localized?: boolean };
export type ContentType = Omit<TypeDefinition, "fields"> & { fields: FieldDef[] };
export type MediaEmbed = Schemas["MediaEmbed"];
export type Status = "draft" | "published" | "scheduled" | "archived";

/** An entry as the admin API shows it: system fields, then the type's own fields. */
export interface Entry {
  id: string;
  type: string;
  slug: string;
  status: Status;
  locale: string;
  locales: string[];
  created_at: string;
  updated_at: string;
  published_at: string | null;
  revision: number;
  unpublished_changes?: boolean;
  scheduled_publish_at?: string | null;
  scheduled_unpublish_at?: string | null;
  created_by?: string | null;
  updated_by?: string | null;
  translations?: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

export interface RevisionSummary {
  number: number;
  at: string;
  actor: string;
  changed: string[];
}

export interface RevisionDiff {
  from: number;
  to: number;
  changes: { field: string; before: unknown; after: unknown }[];
}

export interface ListQuery {
  status?: Status;
  q?: string;
  sort?: string[];
  filter?: Record<string, Record<string, string>>;
  "page[number]"?: number;
  "page[size]"?: number;
  include?: string[];
}

type Json<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
type Failure = Json<Schemas["ErrorBody"]>;
type Params<Path, Query = never> = {
  query?: Query;
  header?: { "If-Match"?: string };
  path: Path;
  cookie?: never;
};
type Read<Path, Ok, Query = never> = {
  parameters: Params<Path, Query>;
  requestBody?: never;
  responses: { 200: Json<Ok>; default: Failure };
};
type Write<Path, Body, Ok> = {
  parameters: Params<Path>;
  requestBody: { content: { "application/json": Body } };
  responses: { 200: Json<Ok>; 201: Json<Ok>; default: Failure };
};
type Action<Path, Ok> = {
  parameters: Params<Path>;
  requestBody?: never;
  responses: { 200: Json<Ok>; default: Failure };
};
type Base = { parameters: Params<unknown> };

type TypePath = { type: string };
type EntryPath = { type: string; id: string };
type RevisionPath = EntryPath & { number: number };
type One = { data: Entry };
type Many = { data: Entry[]; meta: Schemas["ListMeta"] };
type EntryBody = Record<string, unknown>;

interface ContentPaths {
  "/api/v1/admin/content/{type}": Base & {
    get: Read<TypePath, Many, ListQuery>;
    post: Write<TypePath, EntryBody, One>;
  };
  "/api/v1/admin/content/{type}/validate": Base & { post: Write<TypePath, EntryBody, One> };
  "/api/v1/admin/content/{type}/{id}": Base & {
    get: Read<EntryPath, One>;
    put: Write<EntryPath, EntryBody, One>;
    patch: Write<EntryPath, EntryBody, One>;
    delete: Action<EntryPath, unknown>;
  };
  "/api/v1/admin/content/{type}/{id}/publish": Base & { post: Action<EntryPath, One> };
  "/api/v1/admin/content/{type}/{id}/unpublish": Base & { post: Action<EntryPath, One> };
  "/api/v1/admin/content/{type}/{id}/archive": Base & { post: Action<EntryPath, One> };
  "/api/v1/admin/content/{type}/{id}/schedule": Base & {
    post: Write<EntryPath, Schemas["ScheduleInput"], One>;
    delete: Action<EntryPath, One>;
  };
  "/api/v1/admin/content/{type}/{id}/translations/{locale}": Base & {
    put: Write<EntryPath & { locale: string }, EntryBody, One>;
    delete: Action<EntryPath & { locale: string }, One>;
  };
  "/api/v1/admin/content/{type}/{id}/revisions": Base & {
    get: Read<EntryPath, { data: RevisionSummary[] }, { "page[size]"?: number }>;
  };
  "/api/v1/admin/content/{type}/{id}/revisions/{number}": Base & {
    get: Read<RevisionPath, One>;
  };
  "/api/v1/admin/content/{type}/{id}/revisions/{number}/diff": Base & {
    get: Read<RevisionPath, { data: RevisionDiff }, { against?: number }>;
  };
  "/api/v1/admin/content/{type}/{id}/revisions/{number}/restore": Base & {
    post: Action<RevisionPath, One>;
  };
  "/api/v1/content/{type}/{id}": Base & {
    get: Read<EntryPath, { data: Record<string, unknown> }, { preview?: boolean; locale?: string }>;
  };
}

export const content = createClient<ContentPaths>({ baseUrl: "", querySerializer: civitasQuery });
content.use(authMiddleware);
