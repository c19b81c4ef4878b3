// What the signed-in user may do, from the grants in `/auth/me`. The server checks every
// request anyway; the app uses this only to offer what will be allowed.

import type { Schemas } from "../api/client";
import type { Entry } from "../api/content";

export type Me = Schemas["Me"];
export type Capability = "read" | "preview" | "write" | "publish" | "admin";

export function can(me: Me, capability: Capability, type?: string): boolean {
  return me.grants.some(
    (grant) =>
      grant.capability === "admin" ||
      (grant.capability === capability &&
        (type === undefined || grant.types == null || grant.types.includes(type))),
  );
}

export function isAdmin(me: Me): boolean {
  return me.grants.some((grant) => grant.capability === "admin");
}

/** Whether `me` may change this entry: authors only their own drafts. */
export function canEdit(me: Me, entry: Entry): boolean {
  return me.grants.some((grant) => {
    if (grant.capability === "admin") {
      return true;
    }
    if (grant.capability !== "write" || (grant.types != null && !grant.types.includes(entry.type))) {
      return false;
    }
    return !grant.own_entries_only || (entry.created_by === me.actor && entry.status === "draft");
  });
}
