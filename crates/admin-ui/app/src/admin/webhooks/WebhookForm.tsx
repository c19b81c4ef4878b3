// Creating or changing a webhook: where events go, what it is for, which events and
// content types it hears of (none ticked: all), and whether it delivers at all.

import { useState } from "preact/hooks";

import { useApp } from "../../app-state";
import { describe } from "../failure";
import { Alert } from "../../ui/Alert";
import { TextField } from "../../ui/TextField";
import { EVENT_TYPES, type EventType, type Webhook } from "./api";

export interface WebhookValues {
  url: string;
  description: string;
  event_types: EventType[];
  content_types: string[];
  enabled: boolean;
}

interface Props {
  webhook?: Webhook;
  submitLabel: string;
  onSubmit: (values: WebhookValues) => Promise<void>;
  onCancel: () => void;
}

function toggled<T>(list: T[], value: T, on: boolean): T[] {
  return on ? [...list, value] : list.filter((item) => item !== value);
}

export function WebhookForm({ webhook, submitLabel, onSubmit, onCancel }: Props) {
  const { types } = useApp();
  const [values, setValues] = useState<WebhookValues>({
    url: webhook?.url ?? "",
    description: webhook?.description ?? "",
    event_types: (webhook?.event_types ?? []) as EventType[],
    content_types: webhook?.content_types ?? [],
    enabled: webhook?.enabled ?? true,
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (changes: Partial<WebhookValues>) => setValues((old) => ({ ...old, ...changes }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <TextField
        id="webhook-url"
        label="URL"
        hint="Signed events are POSTed here. Private and loopback addresses are refused unless the server allows them."
        required
        type="url"
        maxLength={2048}
        value={values.url}
        onChange={(url) => set({ url })}
      />
      <TextField
        id="webhook-description"
        label="Description"
        maxLength={500}
        value={values.description}
        onChange={(description) => set({ description })}
      />
      <fieldset class="form-field" aria-describedby="webhook-events-hint">
        <legend>Events</legend>
        <p class="hint" id="webhook-events-hint">
          None ticked: every event. A family (<code>entry.*</code>) covers all its events.
        </p>
        <div class="checkbox-grid">
          {EVENT_TYPES.map((type) => (
            <label key={type} class="checkbox-line">
              <input
                type="checkbox"
                checked={values.event_types.includes(type)}
                onChange={(event) =>
                  set({ event_types: toggled(values.event_types, type, event.currentTarget.checked) })
                }
              />
              <code>{type}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset class="form-field" aria-describedby="webhook-types-hint">
        <legend>Content types</legend>
        <p class="hint" id="webhook-types-hint">
          None ticked: every type, and media and plugin events too.
        </p>
        <div class="checkbox-grid">
          {types.map((type) => (
            <label key={type.id} class="checkbox-line">
              <input
                type="checkbox"
                checked={values.content_types.includes(type.id)}
                onChange={(event) =>
                  set({ content_types: toggled(values.content_types, type.id, event.currentTarget.checked) })
                }
              />
              {type.plural_label}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="form-field checkbox-line">
        <input
          id="webhook-enabled"
          type="checkbox"
          checked={values.enabled}
          onChange={(event) => set({ enabled: event.currentTarget.checked })}
        />
        <label for="webhook-enabled">Deliver events (enabling a stopped webhook resumes where it stopped)</label>
      </div>
      {error !== null && <Alert>{describe(error)}</Alert>}
      <div class="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
