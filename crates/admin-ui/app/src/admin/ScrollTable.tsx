// A table that scrolls sideways when the screen is narrower than it. Its scrolling box is
// a labelled region that takes focus, so keyboard users can scroll it too.

import type { ComponentChildren } from "preact";

interface Props {
  /** The id of the heading that names the table. */
  labelledBy: string;
  class?: string;
  /** The column headings. */
  columns: string[];
  /** Adds a last column, named for screen readers only, for each row's buttons. */
  actions?: boolean;
  /** The table's rows. */
  children: ComponentChildren;
}

export function ScrollTable({ labelledBy, class: className, columns, actions, children }: Props) {
  return (
    <div class="table-wrap" role="region" tabIndex={0} aria-labelledby={labelledBy}>
      <table class={className} aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col">
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
