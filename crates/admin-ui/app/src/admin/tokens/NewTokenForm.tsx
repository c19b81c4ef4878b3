// Creating an API token: its name, scopes and expiry. The answer holds the secret, which
// the screen shows once.

import { useState } from "preact/hooks";

import { useAttempt } from "../use-attempt";
import { Alert } from "../../ui/Alert";
import { FormField } from "../../ui/FormField";
import { TextField } from "../../ui/TextField";
import { ScopePicker, effectiveScopes } from "./ScopePicker";
import { type NewTokenWithSecret, type Scope, createToken } from "./api";

const EXPIRIES = [
  { value: "never", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "date", label: "On a date…" },
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** When the chosen expiry falls, as RFC 3339; null for never, undefined when incomplete. */
function expiresAt(choice: string, date: string): string | null | undefined {
  if (choice === "never") {
    return null;
  }
  if (choice === "date") {
    return date ? new Date(`${date}T23:59:59`).toISOString() : undefined;
  }
  return new Date(Date.now() + Number(choice) * DAY_MS).toISOString();
}

export function NewTokenForm({ onCreated }: { onCreated: (token: NewTokenWithSecret) => void }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState(new Set<Scope>());
  const [expiry, setExpiry] = useState("never");
  const [date, setDate] = useState("");
  const { busy, error, setError, attempt } = useAttempt();

  const submit = (event: Event) => {
    event.preventDefault();
    const expires = expiresAt(expiry, date);
    if (scopes.size === 0) {
      setError("Choose at least one scope.");
      return;
    }
    if (expires === undefined) {
      setError("Choose the expiry date.");
      return;
    }
    void attempt(async () => {
      const token = await createToken({ name: name.trim(), scopes: effectiveScopes(scopes), expires_at: expires });
      setName("");
      setScopes(new Set());
      onCreated(token);
    });
  };

  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby="new-token-title">
      <h2 id="new-token-title">New token</h2>
      <TextField
        id="token-name"
        label="Name"
        hint="What the token is for, e.g. “www.example.org build”."
        required
        maxLength={100}
        value={name}
        onChange={setName}
      />
      <ScopePicker scopes={scopes} onChange={setScopes} />
      <div class="field-row">
        <FormField
          id="token-expiry"
          label="Expires"
          control={(props) => (
            <select {...props} value={expiry} onChange={(event) => setExpiry(event.currentTarget.value)}>
              {EXPIRIES.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        />
        {expiry === "date" && (
          <FormField
            id="token-expiry-date"
            label="Expiry date"
            control={(props) => (
              <input {...props} type="date" value={date} onInput={(event) => setDate(event.currentTarget.value)} />
            )}
          />
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      <button type="submit" class="primary" disabled={busy}>
        Create token
      </button>
    </form>
  );
}
