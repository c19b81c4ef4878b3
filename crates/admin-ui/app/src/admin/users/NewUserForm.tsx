// Inviting someone: an account made with their email, name, role and a first password,
// which the screen then shows once for the admin to hand over.

import { useState } from "preact/hooks";

import { useAttempt } from "../use-attempt";
import { Alert } from "../../ui/Alert";
import { FormField } from "../../ui/FormField";
import { TextField } from "../../ui/TextField";
import { PasswordField } from "./PasswordField";
import { ROLES, type Role, type User, createUser } from "./api";

export interface Created {
  user: User;
  password: string;
}

export function NewUserForm({ onCreated }: { onCreated: (created: Created) => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [password, setPassword] = useState("");
  const { busy, error, attempt } = useAttempt();

  const submit = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      const user = await createUser({ email: email.trim(), display_name: name.trim() || null, role, password });
      onCreated({ user, password });
      setEmail("");
      setName("");
      setPassword("");
    });
  };

  return (
    <form class="card admin-form" onSubmit={submit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">Invite someone</h2>
      <div class="field-row">
        <TextField
          id="user-email"
          label="Email"
          required
          type="email"
          autocomplete="off"
          value={email}
          onChange={setEmail}
        />
        <TextField
          id="user-name"
          label="Display name"
          hint="Optional: the part of the email before @ otherwise."
          maxLength={200}
          value={name}
          onChange={setName}
        />
      </div>
      <div class="field-row">
        <FormField
          id="user-role"
          label="Role"
          control={(props) => (
            <select {...props} value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          )}
        />
        <PasswordField id="user-password" value={password} onChange={setPassword} />
      </div>
      {error && <Alert>{error}</Alert>}
      <button type="submit" class="primary" disabled={busy}>
        Create account
      </button>
    </form>
  );
}
