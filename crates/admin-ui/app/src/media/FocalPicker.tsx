// Choosing an image's focal point, the spot crops keep in view: click the image, or focus
// it and move the point with the arrow keys (Shift for bigger steps). The point is a
// fraction of the width and height from the top left corner, as the API keeps it.

import type { Focal } from "./api";

const STEP = 0.01;
const BIG_STEP = 0.1;

const MOVES: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

function clamp(value: number): number {
  return Math.min(1, Math.max(0, Math.round(value * 1000) / 1000));
}

function percent(value: number): string {
  return `${Math.round(value * 100)} %`;
}

function describeFocal(focal: Focal): string {
  return `${percent(focal.x)} from the left, ${percent(focal.y)} from the top`;
}

interface Props {
  src: string;
  focal: Focal;
  onChange: (focal: Focal) => void;
}

export function FocalPicker({ src, focal, onChange }: Props) {
  const pick = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    if (box.width > 0 && box.height > 0) {
      onChange({ x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) });
    }
  };
  const move = (event: KeyboardEvent) => {
    const direction = MOVES[event.key];
    if (!direction) {
      return;
    }
    event.preventDefault();
    const step = event.shiftKey ? BIG_STEP : STEP;
    onChange({ x: clamp(focal.x + direction[0] * step), y: clamp(focal.y + direction[1] * step) });
  };
  return (
    <div class="focal-picker">
      <div
        class="focal-frame"
        role="slider"
        tabIndex={0}
        aria-label="Focal point"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(focal.x * 100)}
        aria-valuetext={describeFocal(focal)}
        aria-describedby="focal-help"
        onClick={pick}
        onKeyDown={move}
      >
        <img class="focal-image" src={src} alt="" draggable={false} />
        <span class="focal-marker" aria-hidden="true" style={{ left: `${focal.x * 100}%`, top: `${focal.y * 100}%` }} />
      </div>
      <p id="focal-help" class="hint">
        Focal point: {describeFocal(focal)}. Click the spot crops must keep, or use the arrow keys (Shift for bigger
        steps).
      </p>
    </div>
  );
}
