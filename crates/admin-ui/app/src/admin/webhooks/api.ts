// The admin calls about webhooks: list, create and change them (event and content type
// filters), delete, rotate the secret, send a test ping, and read and redeliver their
// delivery attempts.

import { api, type Schemas } from "../../api/client";
import { unwrap, unwrapData, unwrapEmpty } from "../failure";

export type Webhook = Schemas["WebhookView"];
export type WebhookWithSecret = Schemas["WebhookWithSecret"];
export type NewWebhook = Schemas["NewWebhookInput"];
type WebhookChanges = Schemas["WebhookChangesInput"];
export type Delivery = Schemas["DeliveryView"];
export type EventType = NonNullable<NewWebhook["event_types"]>[number];

/** Every event type a webhook may ask for, families (`entry.*`) first. */
export const EVENT_TYPES: EventType[] = [
  "*",
  "entry.*",
  "media.*",
  "plugin.*",
  "entry.created",
  "entry.updated",
  "entry.published",
  "entry.unpublished",
  "entry.archived",
  "entry.deleted",
  "entry.restored",
  "entry.translated",
  "entry.scheduled",
  "entry.unscheduled",
  "media.uploaded",
  "media.changed",
  "media.deleted",
  "plugin.reloaded",
];

export function listWebhooks(): Promise<Webhook[]> {
  return unwrapData(api.GET("/api/v1/admin/webhooks"));
}

export function createWebhook(webhook: NewWebhook): Promise<WebhookWithSecret> {
  return unwrapData(api.POST("/api/v1/admin/webhooks", { body: webhook }));
}

export function changeWebhook(id: string, changes: WebhookChanges): Promise<Webhook> {
  return unwrapData(api.PATCH("/api/v1/admin/webhooks/{id}", { params: { path: { id } }, body: changes }));
}

export function deleteWebhook(id: string): Promise<void> {
  return unwrapEmpty(api.DELETE("/api/v1/admin/webhooks/{id}", { params: { path: { id } } }));
}

export function rotateSecret(id: string): Promise<WebhookWithSecret> {
  return unwrapData(api.POST("/api/v1/admin/webhooks/{id}/rotate-secret", { params: { path: { id } } }));
}

export function sendPing(id: string): Promise<Delivery> {
  return unwrapData(api.POST("/api/v1/admin/webhooks/{id}/test", { params: { path: { id } } }));
}

interface DeliveryPage {
  items: Delivery[];
  next: string | null;
}

export async function listDeliveries(id: string, before?: string): Promise<DeliveryPage> {
  const page = await unwrap(
    api.GET("/api/v1/admin/webhooks/{id}/deliveries", {
      params: { path: { id }, query: { limit: 20, ...(before ? { before } : {}) } },
    }),
  );
  return { items: page.data, next: page.next ?? null };
}

export function redeliver(id: string, deliveryId: string): Promise<Delivery> {
  return unwrapData(
    api.POST("/api/v1/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver", {
      params: { path: { id, delivery_id: deliveryId } },
    }),
  );
}
