// Asking before an action that cannot be undone (revoke, delete): a dialog that names
// what will happen, with the action's button and "Cancel".

import type { ComponentChildren } from "preact";

import { Dialog } from "../ui/Dialog";
import { DialogActions } from "./DialogActions";
import { useAttempt } from "./use-attempt";

interface Props {
  title: string;
  /** The button that confirms, e.g. "Revoke token". */
  action: string;
  children: ComponentChildren;
  /** Runs the action; a failure is shown in the dialog, success closes it. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function Confirm({ title, action, children, onConfirm, onClose }: Props) {
  const { busy, error, attempt } = useAttempt();
  const confirm = () =>
    attempt(async () => {
      await onConfirm();
      onClose();
    });
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <DialogActions error={error} onCancel={onClose}>
        <button type="button" class="danger" disabled={busy} onClick={() => void confirm()}>
          {action}
        </button>
      </DialogActions>
    </Dialog>
  );
}
