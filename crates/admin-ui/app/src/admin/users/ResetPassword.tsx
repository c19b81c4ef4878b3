// Setting a new password for someone who lost theirs: it ends their sessions, and the
// screen shows it once for the admin to hand over.

import { useState } from "preact/hooks";

import { DialogActions } from "../DialogActions";
import { useAttempt } from "../use-attempt";
import { Dialog } from "../../ui/Dialog";
import { PasswordField } from "./PasswordField";
import { type User, changeUser, randomPassword } from "./api";

interface Props {
  user: User;
  onDone: (password: string) => void;
  onClose: () => void;
}

export function ResetPassword({ user, onDone, onClose }: Props) {
  const [password, setPassword] = useState(randomPassword());
  const { busy, error, attempt } = useAttempt();
  const submit = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      await changeUser(user.id, { password });
      onDone(password);
    });
  };
  return (
    <Dialog title={`Reset the password of ${user.email}`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>Their sessions end at once: they sign in again with the new password.</p>
        <PasswordField id="reset-password" value={password} onChange={setPassword} />
        <DialogActions error={error} onCancel={onClose}>
          <button type="submit" class="primary" disabled={busy}>
            Set password
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
