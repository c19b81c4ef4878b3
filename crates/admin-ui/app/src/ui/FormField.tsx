// A labelled form control with its hint and its error: the label is tied to the control
// by id, the hint and error by aria-describedby, and an error sets aria-invalid, so
// screen readers announce all three. `control` receives the ids to put on the input.

import type { ComponentChildren, VNode } from "preact";

export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

interface Props {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  /** Extra content after the label, such as a locale badge. */
  badge?: ComponentChildren;
  control: (props: ControlProps) => VNode;
  /** For groups of controls (lists, pickers): a fieldset with a legend instead of a label. */
  group?: boolean;
}

export function FormField({ id, label, hint, error, required, badge, control, group }: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  const caption = (
    <>
      {label}
      {required && <span class="required" aria-hidden="true"> *</span>}
      {badge && <> {badge}</>}
    </>
  );
  const body = (
    <>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {control({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </>
  );
  if (group) {
    return (
      <fieldset class={`form-field${error ? " has-error" : ""}`} aria-describedby={describedBy}>
        <legend>{caption}</legend>
        {body}
      </fieldset>
    );
  }
  return (
    <div class={`form-field${error ? " has-error" : ""}`}>
      <label for={id}>{caption}</label>
      {body}
    </div>
  );
}
