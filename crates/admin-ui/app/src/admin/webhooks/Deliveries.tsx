// One webhook's delivery attempts, newest first: when, which event, which attempt and
// why (the worker, a redelivery, a test ping), the receiver's status, the outcome and
// what went wrong; with a test ping, redelivery of any attempt's event, and older pages.

import { useEffect, useState } from "preact/hooks";

import { describe } from "../failure";
import { Alert } from "../../ui/Alert";
import { formatTime } from "../../ui/format";
import { Link } from "../../ui/Link";
import { notify } from "../../ui/notices";
import { type Delivery, type Webhook, listDeliveries, listWebhooks, redeliver, sendPing } from "./api";
import { ScrollTable } from "../ScrollTable";

const TRIGGERS: Record<string, string> = { auto: "Automatic", redeliver: "Redelivery", ping: "Test ping" };

function outcomeText(delivery: Delivery): string {
  return `${delivery.outcome}${delivery.status ? ` (${delivery.status})` : ""}`;
}

export function Deliveries({ id }: { id: string }) {
  const [webhook, setWebhook] = useState<Webhook | null>(null);
  const [items, setItems] = useState<Delivery[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (before?: string) => {
    try {
      const page = await listDeliveries(id, before);
      setItems((old) => (before ? [...old, ...page.items] : page.items));
      setNext(page.next);
      setError(null);
    } catch (failure) {
      setError(describe(failure));
    }
  };
  useEffect(() => {
    listWebhooks().then(
      (list) => setWebhook(list.find((candidate) => candidate.id === id) ?? null),
      (failure: unknown) => setError(describe(failure)),
    );
    void load();
  }, [id]);

  const attempt = async (send: () => Promise<Delivery>, what: string) => {
    setBusy(true);
    try {
      const delivery = await send();
      notify(`${what}: ${outcomeText(delivery)}.`, delivery.outcome === "delivered" ? "success" : "error");
      await load();
    } catch (failure) {
      notify(describe(failure), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="screen" aria-labelledby="deliveries-title">
      <p>
        <Link to="/webhooks">← All webhooks</Link>
      </p>
      <div class="screen-header">
        <h1 id="deliveries-title">Deliveries{webhook ? ` to ${webhook.url}` : ""}</h1>
        <div class="inline-actions">
          <button type="button" disabled={busy} onClick={() => void attempt(() => sendPing(id), "Test ping")}>
            Send a test ping
          </button>
          <button type="button" disabled={busy} onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </div>
      {error && <Alert>{error}</Alert>}
      {!error && items.length === 0 && <p class="empty">No delivery attempts yet.</p>}
      {items.length > 0 && (
        <ScrollTable
          labelledBy="deliveries-title"
          columns={["When", "Event", "Attempt", "Outcome", "Took", "Details"]}
          actions
        >
          {items.map((delivery) => (
            <tr key={delivery.id}>
              <td class="nowrap">{formatTime(delivery.at)}</td>
              <th scope="row">
                <code>{delivery.event_type}</code>
                {delivery.seq != null && <span class="slug">event {delivery.seq}</span>}
              </th>
              <td>
                {delivery.attempt}
                <span class="slug">{TRIGGERS[delivery.trigger] ?? delivery.trigger}</span>
              </td>
              <td>
                <span class={`badge state-${delivery.outcome}`}>{outcomeText(delivery)}</span>
              </td>
              <td class="nowrap">{delivery.duration_ms} ms</td>
              <td>
                {delivery.error}
                {delivery.response_snippet && <code class="slug">{delivery.response_snippet}</code>}
              </td>
              <td>
                {delivery.trigger !== "ping" && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void attempt(() => redeliver(id, delivery.id), "Redelivery")}
                  >
                    Redeliver<span class="visually-hidden"> event {delivery.seq ?? delivery.event_id}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {next && (
        <div class="pager">
          <button type="button" onClick={() => void load(next)}>
            Older attempts
          </button>
        </div>
      )}
    </section>
  );
}
