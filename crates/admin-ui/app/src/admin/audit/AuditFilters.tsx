// The audit log's filters: who (actor), what (action), on which type and which target,
// and from when until when. They combine with AND; applying puts them in the address.

import { useState } from "preact/hooks";

import { useApp } from "../../app-state";
import { FormField } from "../../ui/FormField";
import { TextField } from "../../ui/TextField";
import { AUDIT_ACTIONS, type AuditFilters as Filters } from "./api";

interface Props {
  filters: Filters;
  onApply: (filters: Filters) => void;
}

const TEXT_FILTERS: { key: "actor" | "target"; label: string; hint: string }[] = [
  { key: "actor", label: "Actor", hint: "user:ID, token:ID, emergency or system:NAME" },
  { key: "target", label: "Target", hint: "The id of an entry, user, token or plugin" },
];

export function AuditFilters({ filters, onApply }: Props) {
  const { types } = useApp();
  const [draft, setDraft] = useState<Filters>(filters);
  const set = (changes: Filters) => setDraft((old) => ({ ...old, ...changes }));
  return (
    <form
      class="card admin-form"
      aria-labelledby="audit-filters-title"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <h2 id="audit-filters-title">Filters</h2>
      <div class="audit-filters">
        <TextField
          id="audit-action"
          label="Action"
          hint="e.g. entry.publish"
          list="audit-actions"
          value={draft.action ?? ""}
          onChange={(action) => set({ action })}
        />
        <datalist id="audit-actions">
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        <FormField
          id="audit-type"
          label="Content type"
          hint="Entry actions only"
          control={(props) => (
            <select {...props} value={draft.type ?? ""} onChange={(event) => set({ type: event.currentTarget.value })}>
              <option value="">Any</option>
              {types.map((type) => (
                <option key={type.id} value={type.id}>
                  {type.plural_label}
                </option>
              ))}
            </select>
          )}
        />
        {TEXT_FILTERS.map(({ key, label, hint }) => (
          <TextField
            key={key}
            id={`audit-${key}`}
            label={label}
            hint={hint}
            value={draft[key] ?? ""}
            onChange={(value) => set({ [key]: value })}
          />
        ))}
        <TextField
          id="audit-since"
          label="From"
          type="datetime-local"
          value={draft.since ?? ""}
          onChange={(since) => set({ since })}
        />
        <TextField
          id="audit-until"
          label="Until"
          type="datetime-local"
          value={draft.until ?? ""}
          onChange={(until) => set({ until })}
        />
      </div>
      <div class="inline-actions">
        <button type="submit" class="primary">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
