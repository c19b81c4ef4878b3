// The admin call that reads the audit log, newest first, filtered and a page at a time.

import { api, type Schemas } from "../../api/client";
import { unwrap } from "../failure";

export type AuditRecord = Schemas["AuditRecord"];

export interface AuditFilters {
  actor?: string;
  action?: string;
  type?: string;
  target?: string;
  since?: string;
  until?: string;
}

/** The actions the API records, for the filter's suggestions. */
export const AUDIT_ACTIONS = [
  "entry.create",
  "entry.bulk_create",
  "entry.update",
  "entry.publish",
  "entry.unpublish",
  "entry.archive",
  "entry.delete",
  "entry.restore",
  "entry.translate",
  "entry.untranslate",
  "entry.schedule",
  "entry.unschedule",
  "entry.scheduled_publish",
  "entry.scheduled_unpublish",
  "media.upload",
  "media.update",
  "media.replace",
  "media.delete",
  "user.create",
  "user.update",
  "user.password",
  "user.delete",
  "token.create",
  "token.revoke",
  "plugin.reload",
  "session.login",
  "session.login_failed",
  "session.logout",
  "webhook.create",
  "webhook.update",
  "webhook.delete",
  "webhook.rotate_secret",
  "webhook.test",
  "webhook.redeliver",
  "webhook.replay",
];

const AUDIT_PAGE_SIZE = 25;

export interface AuditPage {
  items: AuditRecord[];
  next: string | null;
}

export async function listAudit(filters: AuditFilters, after?: string): Promise<AuditPage> {
  const query: Record<string, string | number> = { "page[size]": AUDIT_PAGE_SIZE };
  for (const [key, value] of Object.entries(filters)) {
    if (value) {
      query[key] = value;
    }
  }
  if (after) {
    query["page[after]"] = after;
  }
  const page = await unwrap(api.GET("/api/v1/admin/audit", { params: { query } }));
  return { items: page.data, next: page.meta.page.next ?? null };
}
