// A new password for someone else (a new account, a reset): typed, or generated at
// random, and shown in plain text, since the admin has to hand it over.

import { FormField } from "../../ui/FormField";
import { MIN_PASSWORD_CHARS, randomPassword } from "./api";

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
}

export function PasswordField({ id, value, onChange }: Props) {
  return (
    <FormField
      id={id}
      label="Password"
      hint={`At least ${MIN_PASSWORD_CHARS} characters. After saving it is shown once more, to hand over.`}
      required
      control={(props) => (
        <div class="password-line">
          <input
            {...props}
            class="secret-input"
            type="text"
            autocomplete="new-password"
            spellcheck={false}
            required
            minLength={MIN_PASSWORD_CHARS}
            maxLength={1024}
            value={value}
            onInput={(event) => onChange(event.currentTarget.value)}
          />
          <button type="button" onClick={() => onChange(randomPassword())}>
            Generate
          </button>
        </div>
      )}
    />
  );
}
