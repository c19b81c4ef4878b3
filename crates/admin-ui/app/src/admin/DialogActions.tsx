// The foot of a dialog that acts: why the action failed, "Cancel", and the action's own
// button (given as children).

import type { ComponentChildren } from "preact";

interface Props {
  error: string | null;
  onCancel: () => void;
  children: ComponentChildren;
}

export function DialogActions({ error, onCancel, children }: Props) {
  return (
    <>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {children}
      </div>
    </>
  );
}
