/**
 * A focusable splitter between two panels (WAI-ARIA window splitter): drag it, or focus it and press
 * the arrows (Shift for bigger steps), Home or End. `value` is the size of the panel it resizes, which
 * lies after it (right of a vertical splitter, below a horizontal one) when `invert` is set.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

export function Splitter({
  orientation,
  label,
  value,
  min,
  max,
  onResize,
  invert = false,
}: {
  readonly orientation: 'vertical' | 'horizontal';
  readonly label: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly onResize: (size: number) => void;
  readonly invert?: boolean;
}) {
  const drag = useRef<{ start: number; size: number } | null>(null);
  const vertical = orientation === 'vertical';
  const sign = invert ? -1 : 1;
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { start: vertical ? event.clientX : event.clientY, size: value };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start === null) return;
    const moved = (vertical ? event.clientX : event.clientY) - start.start;
    onResize(start.size + sign * moved);
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 80 : 20;
    const grow = vertical ? (invert ? 'ArrowLeft' : 'ArrowRight') : invert ? 'ArrowUp' : 'ArrowDown';
    const shrink = vertical ? (invert ? 'ArrowRight' : 'ArrowLeft') : invert ? 'ArrowDown' : 'ArrowUp';
    let next: number;
    if (event.key === grow) next = value + step;
    else if (event.key === shrink) next = value - step;
    else if (event.key === 'Home') next = min;
    else if (event.key === 'End') next = max;
    else return;
    event.preventDefault();
    event.stopPropagation();
    onResize(next);
  };
  return (
    <div
      className={`splitter splitter-${orientation}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      title={`${label}: drag, or focus and use the arrow keys.`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
