// A one-line input in a `FormField`: its label, hint, error and "required" mark, and the
// input's own attributes (type, autocomplete, length) passed through.

import type { JSX } from "preact";

import { FormField } from "./FormField";

type InputAttributes = Omit<
  JSX.InputHTMLAttributes<HTMLInputElement>,
  "id" | "label" | "value" | "onInput" | "onChange" | "required"
>;

interface Props extends InputAttributes {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  /** Marks the label and makes the input required. */
  required?: boolean;
  value: string;
  onChange: (value: string) => void;
}

export function TextField({ id, label, hint, error, required, value, onChange, ...input }: Props) {
  return (
    <FormField
      id={id}
      label={label}
      hint={hint}
      error={error}
      required={required}
      control={(props) => (
        <input
          {...props}
          {...input}
          required={required}
          value={value}
          onInput={(event) => onChange(event.currentTarget.value)}
        />
      )}
    />
  );
}
