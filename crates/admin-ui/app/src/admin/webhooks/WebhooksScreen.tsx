// Webhooks, for admins: the list, creating (the signing secret shown once), editing,
// rotating the secret, deleting; `/webhooks/<id>` shows one webhook's deliveries.

import { useState } from "preact/hooks";

import type { AdminScreenProps } from "../screens";
import { Confirm } from "../Confirm";
import { SecretOnce } from "../SecretOnce";
import { Listing } from "../Listing";
import { useList } from "../use-list";
import { Dialog } from "../../ui/Dialog";
import { notify } from "../../ui/notices";
import { Deliveries } from "./Deliveries";
import { WebhookForm, type WebhookValues } from "./WebhookForm";
import { WebhookList } from "./WebhookList";
import {
  type NewWebhook,
  type Webhook,
  type WebhookWithSecret,
  changeWebhook,
  createWebhook,
  deleteWebhook,
  listWebhooks,
  rotateSecret,
} from "./api";
import "../admin.css";

type Editing = { mode: "new" } | { mode: "edit"; webhook: Webhook };

function body(values: WebhookValues): NewWebhook {
  return {
    url: values.url.trim(),
    description: values.description.trim(),
    event_types: values.event_types,
    content_types: values.content_types as NewWebhook["content_types"],
    enabled: values.enabled,
  };
}

export default function WebhooksScreen({ subpath }: AdminScreenProps) {
  const id = subpath.replace(/^\//, "");
  return id ? <Deliveries key={id} id={id} /> : <Webhooks />;
}

function Webhooks() {
  const { items: webhooks, error, load } = useList(listWebhooks);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);

  const save = async (values: WebhookValues) => {
    if (editing?.mode === "edit") {
      await changeWebhook(editing.webhook.id, body(values));
      notify("Webhook saved.");
    } else {
      setSecret(await createWebhook(body(values)));
    }
    setEditing(null);
    await load();
  };

  return (
    <section class="screen" aria-labelledby="webhooks-title">
      <div class="screen-header">
        <h1 id="webhooks-title">Webhooks</h1>
        <button type="button" class="primary" onClick={() => setEditing({ mode: "new" })}>
          New webhook
        </button>
      </div>
      <p class="lead">
        Webhooks tell other systems of changes (a site rebuild, a search index) by POSTing each event, signed, to a URL.
      </p>
      {secret && (
        <SecretOnce
          title={`Signing secret of ${secret.url}: copy it now`}
          label="Signing secret"
          secret={secret.secret}
          onDone={() => setSecret(null)}
        >
          <p>
            The receiver checks each delivery's <code>webhook-signature</code> with it. It is not shown again.
          </p>
        </SecretOnce>
      )}
      <h2 id="webhook-list-title">All webhooks</h2>
      <Listing items={webhooks} error={error} failed="The webhooks could not be loaded" empty="No webhooks yet.">
        {(webhooks) => (
          <WebhookList
            webhooks={webhooks}
            onEdit={(webhook) => setEditing({ mode: "edit", webhook })}
            onRotate={setRotating}
            onDelete={setDeleting}
          />
        )}
      </Listing>
      {editing && (
        <Dialog title={editing.mode === "edit" ? "Edit webhook" : "New webhook"} onClose={() => setEditing(null)} wide>
          <WebhookForm
            webhook={editing.mode === "edit" ? editing.webhook : undefined}
            submitLabel={editing.mode === "edit" ? "Save webhook" : "Create webhook"}
            onSubmit={save}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
      {rotating && (
        <Confirm
          title={`Rotate the secret of ${rotating.url}?`}
          action="Rotate secret"
          onConfirm={async () => {
            setSecret(await rotateSecret(rotating.id));
            await load();
          }}
          onClose={() => setRotating(null)}
        >
          <p>
            Deliveries carry signatures with both the old and the new secret for a while, so the receiver can switch.
          </p>
        </Confirm>
      )}
      {deleting && (
        <Confirm
          title={`Delete the webhook to ${deleting.url}?`}
          action="Delete webhook"
          onConfirm={async () => {
            await deleteWebhook(deleting.id);
            notify("Webhook deleted.");
            await load();
          }}
          onClose={() => setDeleting(null)}
        >
          <p>It stops at once, and its delivery log goes with it.</p>
        </Confirm>
      )}
    </section>
  );
}
