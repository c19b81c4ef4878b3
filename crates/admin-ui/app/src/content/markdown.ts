// Markdown to HTML for the editor's live preview: marked renders, DOMPurify removes
// scripts, event handlers and `javascript:` links, as the server does for what it serves.
// `sanitizeHtml` also drops style attributes, which the app's CSP would refuse anyway.

import DOMPurify from "dompurify";
import { marked } from "marked";

export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, { FORBID_ATTR: ["style"] });
}

export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown, { async: false, gfm: true }));
}
