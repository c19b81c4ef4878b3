// Every webhook with its filters and delivery state (delivering, retrying after
// failures, or stopped and why), and the buttons to edit, see deliveries, rotate the
// secret and delete.

import { formatTime } from "../../ui/format";
import { Link } from "../../ui/Link";
import type { Webhook } from "./api";
import { ScrollTable } from "../ScrollTable";

interface Props {
  webhooks: Webhook[];
  onEdit: (webhook: Webhook) => void;
  onRotate: (webhook: Webhook) => void;
  onDelete: (webhook: Webhook) => void;
}

function State({ webhook }: { webhook: Webhook }) {
  if (!webhook.enabled) {
    return (
      <>
        <span class="badge state-disabled">Stopped</span>
        {webhook.disabled_reason && <span class="slug">{webhook.disabled_reason}</span>}
      </>
    );
  }
  if (webhook.failures > 0) {
    return (
      <>
        <span class="badge state-retrying">Retrying</span>
        <span class="slug">
          {webhook.failures} failed {webhook.failures === 1 ? "attempt" : "attempts"}; next{" "}
          {formatTime(webhook.next_attempt_at)}
        </span>
      </>
    );
  }
  return <span class="badge state-enabled">Delivering</span>;
}

function listed(values: string[]): string {
  return values.length > 0 ? values.join(", ") : "All";
}

export function WebhookList({ webhooks, onEdit, onRotate, onDelete }: Props) {
  return (
    <ScrollTable
      labelledBy="webhook-list-title"
      columns={["Webhook", "Events", "Types", "State", "Last success"]}
      actions
    >
      {webhooks.map((webhook) => (
        <tr key={webhook.id}>
          <th scope="row">
            <code>{webhook.url}</code>
            {webhook.description && <span class="slug">{webhook.description}</span>}
          </th>
          <td>{listed(webhook.event_types)}</td>
          <td>{listed(webhook.content_types)}</td>
          <td>
            <State webhook={webhook} />
          </td>
          <td>{formatTime(webhook.last_success_at)}</td>
          <td>
            <div class="row-actions">
              <Link to={`/webhooks/${webhook.id}`} class="button">
                Deliveries<span class="visually-hidden"> to {webhook.url}</span>
              </Link>
              <button type="button" onClick={() => onEdit(webhook)}>
                Edit<span class="visually-hidden"> {webhook.url}</span>
              </button>
              <button type="button" onClick={() => onRotate(webhook)}>
                Rotate secret<span class="visually-hidden"> of {webhook.url}</span>
              </button>
              <button type="button" class="danger" onClick={() => onDelete(webhook)}>
                Delete<span class="visually-hidden"> {webhook.url}</span>
              </button>
            </div>
          </td>
        </tr>
      ))}
    </ScrollTable>
  );
}
