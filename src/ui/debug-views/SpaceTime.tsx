/**
 * The space-time (Lamport) diagram: one lane per replica and client, time to the right, an arrow per
 * message from send to delivery (lost ones end in a cross), status bands, commit and view-start marks
 * and the cursor line. Drawn on a canvas, only the visible time window (binary search on the trace),
 * imperatively on store changes; an accessible layer of buttons names the visible arrows and marks.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageType } from '../../protocol/index.ts';
import type { MessageRecord, TraceReader } from '../../sim/trace.ts';
import { session } from '../controller.ts';
import { formatTime } from '../format.ts';
import { messageStyles, statusStyles, type MessageStyle, type StatusStyle } from '../palette.ts';
import { appStore, useApp } from '../store.ts';
import { useHighlight } from './highlight.ts';
import { SvgPainter, type Painter } from '../svg-painter.ts';
import {
  TraceIndex,
  arrowName,
  laneOf,
  lowerBound,
  messagesInWindow,
  tickStep,
  timeTicks,
  type Mark,
} from './trace-index.ts';

const laneHeight = 34;
const labelWidth = 86;
const topPad = 18;
/** Accessible buttons at most (the nearest to the cursor are kept). */
const accessibleMax = 120;
const defaultSpan = 400;
/** Wall ms between refreshes of the accessible layer while playing. */
const layerIntervalMs = 500;
const minSpan = 5;

interface Viewport {
  readonly start: number;
  readonly span: number;
  /** Keeps the cursor in view while playing. */
  readonly follow: boolean;
}

export interface DrawSample {
  readonly ms: number;
  readonly arrows: number;
}

const drawSamples: DrawSample[] = [];
declare global {
  interface Window {
    vsrScopeSpaceTime?: { samples: DrawSample[]; clear(): void };
  }
}
if (typeof window !== 'undefined')
  window.vsrScopeSpaceTime = {
    samples: drawSamples,
    clear: () => {
      drawSamples.length = 0;
    },
  };

interface Hit {
  readonly id: number;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

interface Layer {
  readonly arrows: readonly { record: MessageRecord; x: number; y: number }[];
  readonly marks: readonly { mark: Mark; x: number; y: number }[];
}

const allTypes = Object.keys(messageStyles) as MessageType[];

function distanceToSegment(px: number, py: number, hit: Hit): number {
  const dx = hit.x2 - hit.x1;
  const dy = hit.y2 - hit.y1;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - hit.x1) * dx + (py - hit.y1) * dy) / length2));
  return Math.hypot(px - (hit.x1 + t * dx), py - (hit.y1 + t * dy));
}

/** Moves the cursor to just after the message's send and selects it in the inspector. */
export function selectMessage(record: MessageRecord): void {
  const s = session();
  s.pause();
  s.seekEvent(record.sentBy + 1);
  appStore().setState({ selection: { kind: 'message', id: record.id } });
}

let exportDiagram: (() => string) | null = null;

/** The diagram's visible window as a standalone SVG document; null when the diagram is not on screen. */
export function spaceTimeSvgText(): string | null {
  return exportDiagram?.() ?? null;
}

/**
 * What the diagram draws and where its clicks go: the live run (the session), or a recorded trace
 * replayed read-only. Read on every draw, so a source needs no React state of its own.
 */
export interface DiagramSource {
  journal(): TraceReader;
  /** Changes when the journal is replaced rather than extended (the run forked). */
  generation(): number;
  cursorTime(): number;
  /** How far the journal reaches (the computed head). */
  endTime(): number;
  subscribe(listener: () => void): () => void;
  seekTime(time: number): void;
  seekEvent(count: number): void;
  selectMessage(record: MessageRecord): void;
  /** Whether the cursor is moving by itself (the accessible layer then refreshes less often). */
  playing(): boolean;
}

const sessionSource: DiagramSource = {
  journal: () => session().run.journal,
  generation: () => appStore().getState().generation,
  cursorTime: () => appStore().getState().cursor.time,
  endTime: () => session().run.head.now,
  subscribe: (listener) => appStore().subscribe(listener),
  seekTime: (time) => {
    session().pause();
    session().seekTime(time);
  },
  seekEvent: (count) => {
    session().pause();
    session().seekEvent(count);
  },
  selectMessage,
  playing: () => appStore().getState().playing,
};

/** The diagram of the live run, linked to the cursor and the inspector. */
export function SpaceTimeDiagram() {
  const { replicas, clients } = useApp(
    useShallow((s) => ({
      replicas: s.scenario.replicas,
      clients: s.panelFrame?.clients.map((c) => c.id).join('\n') ?? '',
    })),
  );
  const clientIds = useMemo(() => (clients === '' ? [] : clients.split('\n')), [clients]);
  const highlight = useHighlight();
  return (
    <SpaceTimeView
      source={sessionSource}
      replicas={replicas}
      clientIds={clientIds}
      highlighted={highlight.replicas}
      label="Space-time diagram"
      exportable
    />
  );
}

interface SpaceTimeViewProps {
  readonly source: DiagramSource;
  readonly replicas: number;
  readonly clientIds: readonly string[];
  readonly highlighted?: readonly number[];
  /** The figure's accessible name (and heading). */
  readonly label: string;
  /** Offered to Import / Export as the diagram to export. */
  readonly exportable?: boolean;
}

const noHighlight: readonly number[] = [];

/** The diagram over any source (see DiagramSource). */
export function SpaceTimeView({
  source,
  replicas,
  clientIds,
  highlighted: highlightedReplicas = noHighlight,
  label,
  exportable = false,
}: SpaceTimeViewProps) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const index = useRef(new TraceIndex());
  const hits = useRef<Hit[]>([]);
  const [viewport, setViewport] = useState<Viewport>({ start: 0, span: defaultSpan, follow: true });
  const viewRef = useRef(viewport);
  const [hiddenTypes, setHiddenTypes] = useState<ReadonlySet<MessageType>>(new Set());
  const [hiddenLanes, setHiddenLanes] = useState<ReadonlySet<number>>(new Set());
  const [layer, setLayer] = useState<Layer>({ arrows: [], marks: [] });
  const [width, setWidth] = useState(800);
  const laneCount = replicas + clientIds.length;
  const visibleLanes = useMemo(() => {
    const lanes: number[] = [];
    for (let lane = 0; lane < laneCount; lane++) if (!hiddenLanes.has(lane)) lanes.push(lane);
    return lanes;
  }, [laneCount, hiddenLanes]);
  const height = topPad + visibleLanes.length * laneHeight + 6;
  const layerKey = useRef('');
  const boxRef = useRef<HTMLDivElement | null>(null);
  const layerWall = useRef(-Infinity);
  const rangeRef = useRef<HTMLSpanElement | null>(null);

  /** Paints the visible window on the canvas, or into `into` (the SVG export) with no side effects. */
  const draw = useCallback(
    (into?: Painter) => {
      const canvas = canvasRef.current;
      if (canvas === null && into === undefined) return;
      const started = performance.now();
      const journal = source.journal();
      const generation = source.generation();
      const journalEnd = source.endTime();
      index.current.update(journal, generation, replicas);
      const cursor = source.cursorTime();
      let view = viewRef.current;
      if (view.follow && (cursor < view.start || cursor > view.start + view.span * 0.9)) {
        view = { ...view, start: Math.max(0, cursor - view.span * 0.75) };
        viewRef.current = view;
      }
      const from = view.start;
      const to = view.start + view.span;
      if (rangeRef.current !== null)
        rangeRef.current.textContent = `${formatTime(from)} to ${formatTime(to)}`;
      const plotWidth = width - labelWidth;
      const x = (t: number) => labelWidth + ((t - from) / view.span) * plotWidth;
      const laneY = new Map<number, number>();
      visibleLanes.forEach((lane, i) => laneY.set(lane, topPad + i * laneHeight + laneHeight / 2));
      const ratio = into === undefined ? window.devicePixelRatio || 1 : 1;
      if (
        canvas !== null &&
        into === undefined &&
        (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio))
      ) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      const ctx: Painter | null = into ?? canvas?.getContext('2d') ?? null;
      if (ctx === null) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      // Time axis: the step is chosen from the pixel width so that labels never overlap, and the
      // loop is bounded (a time far beyond float precision would otherwise never advance).
      ctx.fillStyle = '#555';
      ctx.font = '10px system-ui, sans-serif';
      const step = tickStep(view.span, plotWidth, `${Math.ceil(to)} ms`.length);
      ctx.strokeStyle = '#eee';
      ctx.lineWidth = 1;
      for (const t of timeTicks(from, to, step)) {
        const px = x(t);
        ctx.beginPath();
        ctx.moveTo(px, topPad - 4);
        ctx.lineTo(px, height);
        ctx.stroke();
        ctx.fillText(`${t} ms`, px + 2, 10);
      }
      const highlighted = new Set(highlightedReplicas);
      // Lanes with status bands (their names are drawn last, over everything: see below).
      for (const lane of visibleLanes) {
        const y = laneY.get(lane)!;
        if (lane < replicas && highlighted.has(lane)) {
          ctx.fillStyle = highlightFill;
          ctx.fillRect(labelWidth, y - laneHeight / 2, width - labelWidth, laneHeight);
        }
        if (lane < replicas) {
          const changes = index.current.statusChanges[lane] ?? [];
          let i = Math.max(0, lowerBound(changes, from, (c) => c.time) - 1);
          for (; i < changes.length && changes[i].time <= to; i++) {
            const begin = Math.max(from, changes[i].time);
            const end = Math.min(to, i + 1 < changes.length ? changes[i + 1].time : journalEnd);
            if (end <= begin) continue;
            // An imported trace is validated, but a status the palette lacks must not break the view.
            ctx.fillStyle = (statusStyles[changes[i].status] as StatusStyle | undefined)?.fill ?? '#ccc';
            ctx.fillRect(x(begin), y - 5, x(end) - x(begin), 10);
          }
        } else {
          ctx.strokeStyle = '#bbb';
          ctx.beginPath();
          ctx.moveTo(labelWidth, y);
          ctx.lineTo(x(Math.min(to, journalEnd)), y);
          ctx.stroke();
        }
      }
      // Arrows: read field by field, a record is built only for the accessible layer.
      const found: Hit[] = [];
      const accessible: { id: number; x: number; y: number; d: number }[] = [];
      let count = 0;
      messagesInWindow(journal, index.current.maxTrip, from, to, (id) => {
        const type = journal.messageBody(id).type;
        if (hiddenTypes.has(type)) return;
        const y1 = laneY.get(laneOf(journal.messageFrom(id), replicas, clientIds));
        const y2 = laneY.get(laneOf(journal.messageTo(id), replicas, clientIds));
        if (y1 === undefined || y2 === undefined) return;
        count++;
        const sentAt = journal.messageSentAt(id);
        const deliverAt = journal.messageDeliverAt(id);
        const lostAt = journal.messageLostAt(id);
        const lost = lostAt !== null;
        const endTime = lostAt ?? deliverAt;
        const x1 = x(sentAt);
        const x2 = x(endTime);
        const yEnd = lost ? y1 + (y2 - y1) * ((endTime - sentAt) / Math.max(1, deliverAt - sentAt)) : y2;
        const color = (messageStyles[type] as MessageStyle | undefined)?.color ?? '#777';
        ctx.strokeStyle = color;
        ctx.globalAlpha = sentAt > cursor ? 0.25 : 0.9;
        ctx.lineWidth = 1.2;
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, yEnd);
        ctx.stroke();
        if (lost) {
          ctx.strokeStyle = '#D55E00';
          ctx.beginPath();
          ctx.moveTo(x2 - 4, yEnd - 4);
          ctx.lineTo(x2 + 4, yEnd + 4);
          ctx.moveTo(x2 + 4, yEnd - 4);
          ctx.lineTo(x2 - 4, yEnd + 4);
          ctx.stroke();
        } else if (x2 - x1 > 6) {
          const angle = Math.atan2(yEnd - y1, x2 - x1);
          ctx.fillStyle = color;
          ctx.beginPath();
          ctx.moveTo(x2, yEnd);
          ctx.lineTo(x2 - 6 * Math.cos(angle - 0.4), yEnd - 6 * Math.sin(angle - 0.4));
          ctx.lineTo(x2 - 6 * Math.cos(angle + 0.4), yEnd - 6 * Math.sin(angle + 0.4));
          ctx.fill();
        }
        found.push({ id, x1, y1, x2, y2: yEnd });
        const mx = (x1 + x2) / 2;
        if (mx >= labelWidth && mx <= width)
          accessible.push({ id, x: mx, y: (y1 + yEnd) / 2, d: Math.abs(sentAt - cursor) });
      });
      ctx.globalAlpha = 1;
      if (into === undefined) hits.current = found;
      // Marks.
      const marks = index.current.marks;
      const markItems: { mark: Mark; x: number; y: number }[] = [];
      for (let i = lowerBound(marks, from, (m) => m.time); i < marks.length && marks[i].time <= to; i++) {
        const mark = marks[i];
        const y = laneY.get(mark.node);
        if (y === undefined) continue;
        const px = x(mark.time);
        if (mark.kind === 'view') {
          ctx.fillStyle = '#A86F00';
          ctx.beginPath();
          ctx.moveTo(px, y - 9);
          ctx.lineTo(px + 6, y);
          ctx.lineTo(px, y + 9);
          ctx.lineTo(px - 6, y);
          ctx.fill();
        } else {
          ctx.fillStyle = '#007A5A';
          ctx.fillRect(px - 1.5, y - 9, 3, 18);
        }
        if (markItems.length < accessibleMax) markItems.push({ mark, x: px, y });
      }
      // Cursor line.
      if (cursor >= from && cursor <= to) {
        ctx.strokeStyle = '#CC3311';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(x(cursor), topPad - 6);
        ctx.lineTo(x(cursor), height);
        ctx.stroke();
      }
      // The label column last, on its own white background: arrows that start before the window
      // never cover the lane names (the SVG painter has no clip, so this is drawn, not clipped).
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, topPad - 6, labelWidth, height);
      ctx.font = '11px system-ui, sans-serif';
      for (const lane of visibleLanes) {
        const y = laneY.get(lane)!;
        if (lane < replicas && highlighted.has(lane)) {
          ctx.fillStyle = highlightFill;
          ctx.fillRect(0, y - laneHeight / 2, labelWidth, laneHeight);
        }
        ctx.fillStyle = '#222';
        ctx.fillText(lane < replicas ? `replica ${lane}` : `client ${clientIds[lane - replicas]}`, 4, y + 4);
      }
      if (into !== undefined) return;
      // The accessible layer changes only when the window's content does, and while the run plays
      // at most every layerIntervalMs: re-rendering a hundred buttons each frame was the diagram's
      // largest cost, and a keyboard user walks the arrows with the run paused.
      const wall = performance.now();
      if (source.playing() && wall - layerWall.current < layerIntervalMs) {
        if (drawSamples.length < 20_000) drawSamples.push({ ms: wall - started, arrows: count });
        return;
      }
      accessible.sort((a, b) => a.d - b.d);
      const kept = accessible.slice(0, accessibleMax).sort((a, b) => a.id - b.id);
      const key = `${generation}|${from}|${to}|${width}|${kept.length}|${kept[0]?.id}|${kept.at(-1)?.id}|${markItems.length}|${visibleLanes.join(',')}`;
      if (key !== layerKey.current) {
        layerKey.current = key;
        layerWall.current = wall;
        const arrows = kept.map(({ id, x: ax, y: ay }) => ({ record: journal.message(id), x: ax, y: ay }));
        setLayer({ arrows, marks: markItems });
      }
      if (drawSamples.length < 20_000) drawSamples.push({ ms: performance.now() - started, arrows: count });
    },
    [width, height, replicas, clientIds, visibleLanes, hiddenTypes, highlightedReplicas, source],
  );

  useEffect(() => {
    if (!exportable) return;
    exportDiagram = () => {
      const painter = new SvgPainter(width, height);
      draw(painter);
      return painter.toSvg();
    };
    return () => {
      exportDiagram = null;
    };
  }, [draw, width, height, exportable]);

  // Redraw on every store change (cursor, run growth), at most once per animation frame, and only
  // while the diagram is on screen: scrolled away, it costs nothing and redraws when it comes back.
  useEffect(() => {
    let pending = 0;
    let visible = true;
    let stale = false;
    const schedule = () => {
      if (!visible) {
        stale = true;
        return;
      }
      if (pending === 0)
        pending = requestAnimationFrame(() => {
          pending = 0;
          draw();
        });
    };
    viewRef.current = viewport;
    draw();
    const unsubscribe = source.subscribe(schedule);
    const box = boxRef.current;
    const observer =
      box === null || typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((entries) => {
            visible = entries.some((entry) => entry.isIntersecting);
            if (visible && stale) {
              stale = false;
              schedule();
            }
          });
    if (box !== null) observer?.observe(box);
    return () => {
      unsubscribe();
      observer?.disconnect();
      cancelAnimationFrame(pending);
    };
  }, [draw, viewport, source]);

  // Width follows the container.
  useEffect(() => {
    const box = boxRef.current;
    if (box === null) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(box.clientWidth))));
    observer.observe(box);
    setWidth(Math.max(200, Math.floor(box.clientWidth)));
    return () => observer.disconnect();
  }, []);

  const zoom = (factor: number, at?: number) => {
    const view = viewRef.current;
    const span = Math.max(minSpan, Math.min(view.span * factor, Math.max(1000, source.endTime() * 1.1)));
    const anchor = at ?? view.start + view.span / 2;
    const ratio = (anchor - view.start) / view.span;
    setViewport({ start: Math.max(0, anchor - ratio * span), span, follow: false });
  };
  const pan = (fraction: number) => {
    const view = viewRef.current;
    setViewport({ start: Math.max(0, view.start + view.span * fraction), span: view.span, follow: false });
  };

  // Wheel zooms around the pointer (a non-passive listener, so the page does not scroll).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const view = viewRef.current;
      const rect = canvas.getBoundingClientRect();
      const t =
        view.start + ((event.clientX - rect.left - labelWidth) / (rect.width - labelWidth)) * view.span;
      if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY))
        pan(((event.deltaX || event.deltaY) / rect.width) * 1);
      else zoom(event.deltaY > 0 ? 1.25 : 0.8, t);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  });

  const drag = useRef<{ x: number; start: number; moved: boolean } | null>(null);
  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>) => {
    drag.current = { x: event.clientX, start: viewRef.current.start, moved: false };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d === null) return;
    const dx = event.clientX - d.x;
    if (Math.abs(dx) > 3) d.moved = true;
    if (!d.moved) return;
    const view = viewRef.current;
    const start = Math.max(0, d.start - (dx / (width - labelWidth)) * view.span);
    viewRef.current = { start, span: view.span, follow: false };
    draw();
  };
  const onPointerUp = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d === null) return;
    if (d.moved) {
      setViewport(viewRef.current);
      return;
    }
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    let best: Hit | null = null;
    let bestDistance = 6;
    for (const hit of hits.current) {
      const distance = distanceToSegment(px, py, hit);
      if (distance < bestDistance) {
        best = hit;
        bestDistance = distance;
      }
    }
    const trace = source.journal();
    // The hits are those of the last draw: the run may have forked since.
    if (best !== null && best.id < trace.messageCount) source.selectMessage(trace.message(best.id));
    else if (px > labelWidth) {
      const view = viewRef.current;
      source.seekTime(view.start + ((px - labelWidth) / (width - labelWidth)) * view.span);
    }
  };

  const toggle = <T,>(set: ReadonlySet<T>, item: T): Set<T> => {
    const next = new Set(set);
    if (next.has(item)) next.delete(item);
    else next.add(item);
    return next;
  };

  return (
    <figure className="space-time" aria-label={label}>
      <figcaption className="panel-head">
        <h2>{label}</h2>
        {/* The visible time window: written by draw(), which follows the cursor between renders. */}
        <span className="muted" ref={rangeRef} />
        <span className="space-time-tools" role="group" aria-label="Diagram view">
          <button type="button" onClick={() => pan(-0.5)}>
            Pan left
          </button>
          <button type="button" onClick={() => pan(0.5)}>
            Pan right
          </button>
          <button type="button" onClick={() => zoom(0.5)}>
            Zoom in
          </button>
          <button type="button" onClick={() => zoom(2)}>
            Zoom out
          </button>
          <button
            type="button"
            aria-pressed={viewport.follow}
            onClick={() => setViewport({ ...viewRef.current, follow: !viewport.follow })}
          >
            Follow cursor
          </button>
        </span>
      </figcaption>
      <details className="space-time-filters">
        <summary>Diagram filters</summary>
        <fieldset>
          <legend>Message types</legend>
          {allTypes.map((type) => (
            <label key={type} className="inline">
              <input
                type="checkbox"
                checked={!hiddenTypes.has(type)}
                onChange={() => setHiddenTypes(toggle(hiddenTypes, type))}
              />
              {type}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Lanes</legend>
          {Array.from({ length: laneCount }, (_, lane) => (
            <label key={lane} className="inline">
              <input
                type="checkbox"
                checked={!hiddenLanes.has(lane)}
                onChange={() => setHiddenLanes(toggle(hiddenLanes, lane))}
              />
              {lane < replicas ? `replica ${lane}` : `client ${clientIds[lane - replicas]}`}
            </label>
          ))}
        </fieldset>
      </details>
      <div className="space-time-box" ref={boxRef} style={{ height }}>
        <canvas
          ref={canvasRef}
          style={{ width, height }}
          aria-hidden="true"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
        />
        <ul className="space-time-layer" aria-label="Visible messages and events">
          {layer.arrows.map(({ record, x, y }) => (
            <li key={`m${record.id}`}>
              <button
                type="button"
                className="space-time-hit"
                style={{ left: x - 5, top: y - 5 }}
                aria-label={arrowName(record)}
                title={arrowName(record)}
                onClick={() => source.selectMessage(record)}
              />
            </li>
          ))}
          {layer.marks.map(({ mark, x, y }) => (
            <li key={`e${mark.index}-${mark.kind}`}>
              <button
                type="button"
                className="space-time-hit mark"
                style={{ left: x - 5, top: y - 5 }}
                aria-label={mark.label}
                title={mark.label}
                onClick={() => source.seekEvent(mark.index + 1)}
              />
            </li>
          ))}
        </ul>
      </div>
    </figure>
  );
}

const highlightFill = 'rgba(213, 94, 0, 0.18)';
