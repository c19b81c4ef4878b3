// Markdown with a live preview beside it, rendered and sanitised in the browser.

import { useMemo } from "preact/hooks";

import type { ControlProps } from "../../ui/FormField";
import { renderMarkdown } from "../markdown";

interface Props {
  ids: ControlProps;
  label: string;
  value: string;
  onChange: (value: string) => void;
}

export function MarkdownInput({ ids, label, value, onChange }: Props) {
  const html = useMemo(() => renderMarkdown(value), [value]);
  return (
    <div class="markdown-editor">
      <textarea {...ids} rows={12} value={value} onInput={(event) => onChange(event.currentTarget.value)} />
      {/* Grows with its text rather than scrolling: a scrolling region would need to be
          focusable, which a read-only (disabled) form cannot offer. */}
      <section class="markdown-preview" aria-label={`Preview of ${label}`}>
        <p class="preview-caption" aria-hidden="true">
          Preview
        </p>
        {/* Sanitised by DOMPurify in renderMarkdown. */}
        <div dangerouslySetInnerHTML={{ __html: html }} />
      </section>
    </div>
  );
}
