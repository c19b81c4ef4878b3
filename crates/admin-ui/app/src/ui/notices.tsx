// Short messages after an action ("Saved", "Published", errors the screen has no better
// place for), shown in a live region so screen readers announce them. Call `notify`
// from anywhere; <Notices/> in the shell shows them.

import { useEffect, useState } from "preact/hooks";

type NoticeKind = "success" | "error" | "info";
interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

let next = 1;
let notices: Notice[] = [];
const listeners = new Set<(list: Notice[]) => void>();

function publish(list: Notice[]) {
  notices = list;
  listeners.forEach((listener) => listener(list));
}

export function notify(text: string, kind: NoticeKind = "success"): void {
  const notice = { id: next++, kind, text };
  publish([...notices, notice]);
  if (kind !== "error") {
    setTimeout(() => dismiss(notice.id), 6000);
  }
}

function dismiss(id: number) {
  publish(notices.filter((notice) => notice.id !== id));
}

export function Notices() {
  const [list, setList] = useState(notices);
  useEffect(() => {
    listeners.add(setList);
    return () => {
      listeners.delete(setList);
    };
  }, []);
  return (
    <div class="notices" role="status" aria-live="polite">
      {list.map((notice) => (
        <div key={notice.id} class={`notice ${notice.kind}`}>
          <span>{notice.text}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
