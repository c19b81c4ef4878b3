// One account in the users table: its role (changed at once when another is chosen),
// its state, its last sign-in, and the buttons to disable or enable it, reset its
// password and delete it.

import { useState } from "preact/hooks";

import { describe } from "../failure";
import { formatTime } from "../../ui/format";
import { notify } from "../../ui/notices";
import { ROLES, type Role, type User, changeUser } from "./api";

interface Props {
  user: User;
  isMe: boolean;
  onChanged: (user: User) => void;
  onReset: (user: User) => void;
  onDelete: (user: User) => void;
}

export function UserRow({ user, isMe, onChanged, onReset, onDelete }: Props) {
  const [busy, setBusy] = useState(false);
  const roles = ROLES.includes(user.role as Role) ? ROLES : [...ROLES, user.role];

  const change = async (changes: Parameters<typeof changeUser>[1], done: string) => {
    setBusy(true);
    try {
      onChanged(await changeUser(user.id, changes));
      notify(done);
    } catch (failure) {
      notify(describe(failure), "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <th scope="row">
        {user.display_name}
        {isMe && " (you)"}
        <span class="slug">{user.email}</span>
      </th>
      <td>
        <label class="visually-hidden" for={`role-${user.id}`}>
          Role of {user.email}
        </label>
        <select
          id={`role-${user.id}`}
          value={user.role}
          disabled={busy}
          onChange={(event) => {
            const role = event.currentTarget.value;
            void change({ role: role as Role }, `${user.email} is now ${role}.`);
          }}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </td>
      <td>
        <span class={`badge ${user.disabled ? "state-disabled" : "state-active"}`}>
          {user.disabled ? "Disabled" : "Active"}
        </span>
      </td>
      <td>{user.last_login_at ? formatTime(user.last_login_at) : "Never"}</td>
      <td>
        <div class="row-actions">
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void change(
                { disabled: !user.disabled },
                user.disabled ? `${user.email} may sign in again.` : `${user.email} is disabled and signed out.`,
              )
            }
          >
            {user.disabled ? "Enable" : "Disable"}
            <span class="visually-hidden"> {user.email}</span>
          </button>
          <button type="button" disabled={busy} onClick={() => onReset(user)}>
            Reset password<span class="visually-hidden"> of {user.email}</span>
          </button>
          <button type="button" class="danger" disabled={busy} onClick={() => onDelete(user)}>
            Delete<span class="visually-hidden"> {user.email}</span>
          </button>
        </div>
      </td>
    </tr>
  );
}
