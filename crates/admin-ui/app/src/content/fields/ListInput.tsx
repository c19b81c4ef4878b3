// A list of scalar values (text, numbers, URLs...): one input per item, with buttons to
// add, remove and move items.

import type { FieldDef } from "../../api/content";
import type { ControlProps } from "../../ui/FormField";

interface Props {
  ids: ControlProps;
  field: FieldDef;
  value: string[];
  onChange: (value: string[]) => void;
}

const ITEM_TYPES: Record<string, string> = { integer: "number", number: "number", url: "url", email: "email", date: "date" };

export function ListInput({ ids, field, value, onChange }: Props) {
  const label = field.label ?? field.name;
  const set = (index: number, item: string) => onChange(value.map((old, at) => (at === index ? item : old)));
  const remove = (index: number) => onChange(value.filter((_, at) => at !== index));
  const move = (index: number, by: number) => {
    const next = [...value];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item ?? "");
    onChange(next);
  };
  const full = field.max_items !== undefined && value.length >= field.max_items;
  return (
    <div>
      <ul class="list-items">
        {value.map((item, index) => (
          <li key={index} class="list-item">
            <input
              id={index === 0 ? ids.id : `${ids.id}-${index}`}
              aria-label={`${label}, item ${index + 1}`}
              aria-describedby={ids["aria-describedby"]}
              type={ITEM_TYPES[field.of ?? "text"] ?? "text"}
              value={item}
              onInput={(event) => set(index, event.currentTarget.value)}
            />
            <button type="button" aria-label={`Move ${label} item ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)}>
              ↑
            </button>
            <button type="button" aria-label={`Move ${label} item ${index + 1} down`} disabled={index === value.length - 1} onClick={() => move(index, 1)}>
              ↓
            </button>
            <button type="button" aria-label={`Remove ${label} item ${index + 1}`} onClick={() => remove(index)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" disabled={full} onClick={() => onChange([...value, ""])}>
        Add to {label}
      </button>
    </div>
  );
}
