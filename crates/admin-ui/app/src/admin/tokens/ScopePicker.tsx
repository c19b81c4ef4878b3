// Choosing a token's scopes: each capability over all types or over chosen types (a
// table, one checkbox per cell, so every box has its own label), and `admin` on its
// own. A capability given over all types makes its per-type boxes moot, so they are off.

import { useApp } from "../../app-state";
import { CAPABILITY_HELP, type Scope, TYPED_CAPABILITIES, type TypedCapability } from "./api";
import { ScrollTable } from "../ScrollTable";

interface Props {
  scopes: Set<Scope>;
  onChange: (scopes: Set<Scope>) => void;
}

function scopeOf(capability: TypedCapability | "admin", type?: string): Scope {
  return (type ? `${capability}:${type}` : capability) as Scope;
}

export function ScopePicker({ scopes, onChange }: Props) {
  const { types } = useApp();
  const toggle = (scope: Scope, on: boolean) => {
    const next = new Set(scopes);
    if (on) {
      next.add(scope);
    } else {
      next.delete(scope);
    }
    onChange(next);
  };
  return (
    <fieldset class="form-field scope-picker" aria-describedby="scopes-hint">
      <legend id="scopes-title">Scopes</legend>
      <p class="hint" id="scopes-hint">
        What the token may do. Give the least it needs.
      </p>
      <div class="checkbox-line">
        <input
          id="scope-admin"
          type="checkbox"
          checked={scopes.has("admin")}
          onChange={(event) => toggle("admin", event.currentTarget.checked)}
        />
        <label for="scope-admin">
          <strong>admin</strong>: {CAPABILITY_HELP.admin}
        </label>
      </div>
      <ScrollTable
        labelledBy="scopes-title"
        class="scope-table"
        columns={["Capability", "All types", ...types.map((type) => type.plural_label)]}
      >
        {TYPED_CAPABILITIES.map((capability) => {
          const everywhere = scopes.has(scopeOf(capability));
          return (
            <tr key={capability}>
              <th scope="row">
                {capability}
                <span class="slug">{CAPABILITY_HELP[capability]}</span>
              </th>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${capability}: all types`}
                  checked={everywhere}
                  onChange={(event) => toggle(scopeOf(capability), event.currentTarget.checked)}
                />
              </td>
              {types.map((type) => (
                <td key={type.id}>
                  <input
                    type="checkbox"
                    aria-label={`${capability}: ${type.plural_label}`}
                    disabled={everywhere}
                    checked={everywhere || scopes.has(scopeOf(capability, type.id))}
                    onChange={(event) => toggle(scopeOf(capability, type.id), event.currentTarget.checked)}
                  />
                </td>
              ))}
            </tr>
          );
        })}
      </ScrollTable>
    </fieldset>
  );
}

/** The scopes to send: per-type ones dropped where the capability covers all types. */
export function effectiveScopes(scopes: Set<Scope>): Scope[] {
  return [...scopes].filter((scope) => {
    const [capability, type] = scope.split(":");
    return type === undefined || !scopes.has(capability as Scope);
  });
}
