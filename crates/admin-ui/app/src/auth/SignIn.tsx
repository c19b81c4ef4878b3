// The sign-in screen: email and password to `POST /auth/login`, whose session token is
// kept for the tab. Wrong credentials and throttling (429) are said in the form.

import { useState } from "preact/hooks";

import { api, errorMessage } from "../api/client";
import { setSessionToken } from "../api/session";
import { useAttempt } from "../admin/use-attempt";
import { Alert } from "../ui/Alert";
import { FormField } from "../ui/FormField";

export function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, attempt } = useAttempt();

  const submit = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      const { data, error: failure, response } = await api.POST("/api/v1/auth/login", {
        body: { email, password },
      });
      if (!data) {
        throw new Error(response.status === 401 ? "The email or password is wrong." : errorMessage(failure));
      }
      setSessionToken(data.data.token);
    });
  };

  return (
    <main class="sign-in" id="main">
      <form class="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Civitas</h1>
        {error && <Alert>{error}</Alert>}
        <FormField
          id="sign-in-email"
          label="Email"
          control={(props) => (
            <input
              {...props}
              type="email"
              autocomplete="username"
              required
              value={email}
              onInput={(event) => setEmail(event.currentTarget.value)}
            />
          )}
        />
        <FormField
          id="sign-in-password"
          label="Password"
          control={(props) => (
            <input
              {...props}
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          )}
        />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
