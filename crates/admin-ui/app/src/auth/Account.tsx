// The user's own account: who they are, their role, and changing their password
// (`POST /auth/password`, which needs the current one).

import { useState } from "preact/hooks";

import { api, errorMessage, isErrorBody } from "../api/client";
import { useApp } from "../app-state";
import { Alert } from "../ui/Alert";
import { FormField } from "../ui/FormField";
import { notify } from "../ui/notices";

export function Account() {
  const { me } = useApp();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    if (next !== repeat) {
      setErrors({ repeat: "The two new passwords differ." });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const { error, response } = await api.POST("/api/v1/auth/password", {
        body: { current_password: current, new_password: next },
      });
      if (response.ok) {
        setCurrent("");
        setNext("");
        setRepeat("");
        notify("Your password was changed.");
        return;
      }
      if (isErrorBody(error) && error.error.details.length > 0) {
        setErrors(Object.fromEntries(error.error.details.map((detail) => [detail.field, detail.message])));
      }
      setFailure(errorMessage(error));
    } catch (thrown) {
      setFailure(errorMessage(thrown));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="screen narrow" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <dl class="facts">
        <dt>Signed in as</dt>
        <dd>{me.user?.display_name ?? me.name}</dd>
        <dt>Email</dt>
        <dd>{me.user?.email ?? me.name}</dd>
        <dt>Role</dt>
        <dd>{me.role ?? me.kind}</dd>
      </dl>
      {me.user && (
        <form class="card" onSubmit={submit} aria-labelledby="password-title">
          <h2 id="password-title">Change your password</h2>
          {failure && <Alert>{failure}</Alert>}
          <FormField
            id="current-password"
            label="Current password"
            error={errors.current_password}
            control={(props) => (
              <input {...props} type="password" autocomplete="current-password" required value={current}
                onInput={(event) => setCurrent(event.currentTarget.value)} />
            )}
          />
          <FormField
            id="new-password"
            label="New password"
            hint="At least 10 characters."
            error={errors.new_password}
            control={(props) => (
              <input {...props} type="password" autocomplete="new-password" required minLength={10} value={next}
                onInput={(event) => setNext(event.currentTarget.value)} />
            )}
          />
          <FormField
            id="repeat-password"
            label="New password again"
            error={errors.repeat}
            control={(props) => (
              <input {...props} type="password" autocomplete="new-password" required value={repeat}
                onInput={(event) => setRepeat(event.currentTarget.value)} />
            )}
          />
          <button type="submit" class="primary" disabled={busy}>
            Change password
          </button>
        </form>
      )}
    </section>
  );
}
