/**
 * Fault lanes under the timeline: crash-to-restart intervals, partitions and cut links as bars, and
 * every scenario action as a marker. A marker can be dragged (or moved with the arrow keys) to
 * another time, or deleted; the session re-runs the scenario from the earlier of the two times.
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { session } from '../controller.ts';
import { faultLanes, previewMove, type Lane, type LaneMarker } from '../fault-lanes.ts';
import { formatTime } from '../format.ts';
import { useApp } from '../store.ts';

/** Drags snap to this many ms; arrow keys move by it (Shift: ten times). */
const snapMs = 10;
/** A press that moves less than this many pixels is a click, not a drag. */
const dragThresholdPx = 3;

interface Drag {
  readonly index: number;
  readonly pointerId: number;
  readonly startX: number;
  readonly from: number;
  at: number;
  moved: boolean;
}

function percent(time: number, max: number): string {
  return `${Math.max(0, Math.min(100, (time / max) * 100))}%`;
}

/** Applies the time typed for an action; an empty or unreadable field puts the old time back. */
function commitTime(
  input: HTMLInputElement,
  index: number,
  current: number,
  move: (index: number, at: number | null, refocus: boolean) => void,
): void {
  const text = input.value.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    input.value = String(current);
    return;
  }
  if (value !== current) move(index, value, false);
}

export function FaultLanes({ max, computed }: { readonly max: number; readonly computed: number }) {
  const actions = useApp((s) => s.scenario.actions);
  const until = useApp((s) => s.scenario.until);
  const [selected, setSelected] = useState<number | null>(null);
  const [preview, setPreview] = useState<{ index: number; at: number } | null>(null);
  const drag = useRef<Drag | null>(null);
  const lanesRef = useRef<HTMLDivElement>(null);

  if (actions.length === 0)
    return (
      <p className="fault-lanes-empty">
        Fault lanes: crash a replica, cut a link or send a request and it appears here as a marker you can
        drag to another time.
      </p>
    );
  // While dragging, the bars follow the marker; indices stay as they are until the drop.
  const lanes = faultLanes(preview === null ? actions : previewMove(actions, preview.index, preview.at), max);
  const chosen = selected !== null && selected < actions.length ? actions[selected] : null;

  /**
   * Moves (or deletes) an action. The list is kept in time order, so the action may change place:
   * the selection and the keyboard focus follow it there.
   */
  const move = (index: number, at: number | null, refocus: boolean): void => {
    const now = session().editAction(index, at);
    if (now === null) return;
    if (selected === index) setSelected(now >= 0 ? now : null);
    else if (now !== index) setSelected(null);
    if (refocus && now >= 0)
      requestAnimationFrame(() =>
        lanesRef.current?.querySelector<HTMLButtonElement>(`button[data-action="${now}"]`)?.focus(),
      );
  };

  const timeAt = (clientX: number): number => {
    const rect = lanesRef.current?.getBoundingClientRect();
    if (rect === undefined || rect.width === 0) return 0;
    const raw = ((clientX - rect.left) / rect.width) * max;
    return Math.max(0, Math.min(until, Math.round(raw / snapMs) * snapMs));
  };

  const onPointerDown = (event: PointerEvent<HTMLButtonElement>, marker: LaneMarker) => {
    if (event.button !== 0) return;
    session().pause();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = {
      index: marker.index,
      pointerId: event.pointerId,
      startX: event.clientX,
      from: marker.at,
      at: marker.at,
      moved: false,
    };
  };
  const onPointerMove = (event: PointerEvent<HTMLButtonElement>) => {
    const current = drag.current;
    if (current === null || current.pointerId !== event.pointerId) return;
    if (!current.moved && Math.abs(event.clientX - current.startX) < dragThresholdPx) return;
    current.moved = true;
    current.at = timeAt(event.clientX);
    setPreview({ index: current.index, at: current.at });
  };
  const onPointerUp = (event: PointerEvent<HTMLButtonElement>) => {
    const current = drag.current;
    if (current === null || current.pointerId !== event.pointerId) return;
    drag.current = null;
    setPreview(null);
    if (current.moved) {
      if (current.at !== current.from) move(current.index, current.at, false);
    } else setSelected(current.index === selected ? null : current.index);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, marker: LaneMarker) => {
    const step = event.shiftKey ? snapMs * 10 : snapMs;
    let handled = true;
    if (event.key === 'ArrowLeft') move(marker.index, marker.at - step, true);
    else if (event.key === 'ArrowRight') move(marker.index, marker.at + step, true);
    else if (event.key === 'Delete' || event.key === 'Backspace') move(marker.index, null, false);
    else handled = false;
    // The marker owns these keys: they must not also step the cursor.
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <div className="fault-lanes" role="group" aria-label="Fault lanes">
      <div className="fault-lanes-tracks" ref={lanesRef}>
        {computed < max ? (
          <div
            className="fault-lanes-ahead"
            style={{ left: percent(computed, max) }}
            title="Not computed yet: the run gets there as it plays."
          />
        ) : null}
        {lanes.map((lane) => (
          <LaneRow
            key={lane.id}
            lane={lane}
            max={max}
            selected={selected}
            preview={preview}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onKeyDown={onKeyDown}
            onSelect={(index) => setSelected(index === selected ? null : index)}
          />
        ))}
      </div>
      {chosen !== null && selected !== null ? (
        <div className="fault-lanes-detail" role="group" aria-label="Selected action">
          <span>{`${lanes.flatMap((l) => l.markers).find((m) => m.index === selected)?.label ?? chosen.type} at`}</span>
          <label>
            <span className="sr-only">Time of the selected action in milliseconds</span>
            <input
              type="number"
              min={0}
              max={until}
              step={snapMs}
              defaultValue={chosen.at}
              key={`${selected}:${JSON.stringify(chosen)}`}
              onKeyDown={(event) => {
                if (event.key === 'Enter') commitTime(event.currentTarget, selected, chosen.at, move);
              }}
              onBlur={(event) => commitTime(event.currentTarget, selected, chosen.at, move)}
            />
            ms
          </label>
          <button
            type="button"
            onClick={() => session().goToTime(chosen.at)}
            title="Move the cursor to this action."
          >
            Go to
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => move(selected, null, false)}
            title="Delete this action; the run is recomputed from its time."
          >
            Delete
          </button>
        </div>
      ) : null}
    </div>
  );
}

interface LaneRowProps {
  readonly lane: Lane;
  readonly max: number;
  readonly selected: number | null;
  readonly preview: { index: number; at: number } | null;
  readonly onPointerDown: (event: PointerEvent<HTMLButtonElement>, marker: LaneMarker) => void;
  readonly onPointerMove: (event: PointerEvent<HTMLButtonElement>) => void;
  readonly onPointerUp: (event: PointerEvent<HTMLButtonElement>) => void;
  readonly onKeyDown: (event: KeyboardEvent<HTMLButtonElement>, marker: LaneMarker) => void;
  readonly onSelect: (index: number) => void;
}

function LaneRow({
  lane,
  max,
  selected,
  preview,
  onPointerDown,
  onPointerMove,
  onPointerUp,
  onKeyDown,
  onSelect,
}: LaneRowProps) {
  return (
    <div className="fault-lane" data-lane={lane.id}>
      <span className="fault-lane-label" aria-hidden="true">
        {lane.label}
      </span>
      {lane.bars.map((bar) => (
        <div
          key={`${bar.kind}-${bar.start}-${bar.label}`}
          className={`fault-bar fault-bar-${bar.kind}`}
          style={{
            left: percent(bar.start, max),
            width: `${Math.max(0.2, ((bar.end - bar.start) / max) * 100)}%`,
          }}
          title={`${bar.label}: ${formatTime(bar.start)} to ${formatTime(bar.end)}`}
        />
      ))}
      {lane.markers.map((marker) => {
        const at = preview?.index === marker.index ? preview.at : marker.at;
        return (
          <button
            key={marker.index}
            data-action={marker.index}
            type="button"
            className={`fault-marker fault-marker-${marker.type}`}
            data-dragging={preview?.index === marker.index ? 'true' : undefined}
            aria-pressed={selected === marker.index}
            style={{ left: percent(at, max) }}
            aria-label={`${marker.label} at ${formatTime(marker.at)}`}
            title={`${marker.label} at ${formatTime(at)}. Drag or use ← → (Shift: ×10) to move it; Delete removes it. The run is recomputed from there.`}
            onPointerDown={(event) => onPointerDown(event, marker)}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onClick={(event) => {
              // Pointer presses select in onPointerUp; this is Enter or Space on a focused marker.
              if (event.detail === 0) onSelect(marker.index);
            }}
            onKeyDown={(event) => onKeyDown(event, marker)}
          />
        );
      })}
    </div>
  );
}
