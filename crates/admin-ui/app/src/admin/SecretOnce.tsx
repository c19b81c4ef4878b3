// A secret the API shows only once (a new API token, a webhook's signing secret, a
// password an admin set): in a read-only field with a copy button, until dismissed. The
// screens keep it in their state only, so leaving the screen forgets it for good.

import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";

import { Alert } from "../ui/Alert";

interface Props {
  title: string;
  /** The field's label, e.g. "Token secret". */
  label: string;
  secret: string;
  /** What the secret is for and how to use it. */
  children?: ComponentChildren;
  onDone: () => void;
}

async function copyText(input: HTMLInputElement, text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API refused (no secure context, no permission): the older way.
    input.select();
    return document.execCommand("copy");
  }
}

export function SecretOnce({ title, label, secret, children, onDone }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <Alert kind="warning" title={title}>
      {children}
      <div class="secret-line">
        <label for="secret-once">{label}</label>
        <input
          id="secret-once"
          ref={input}
          class="secret"
          value={secret}
          readOnly
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          onClick={async () => {
            if (input.current) {
              setCopied(await copyText(input.current, secret));
            }
          }}
        >
          Copy
        </button>
      </div>
      <p role="status" class="hint">
        {copied === true && "Copied to the clipboard."}
        {copied === false && "This browser would not copy it: select the text and copy it yourself."}
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </Alert>
  );
}
