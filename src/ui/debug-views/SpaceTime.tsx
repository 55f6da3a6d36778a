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
import { messageStyles } from '../palette.ts';
import { appStore, useApp } from '../store.ts';
import { useHighlight } from './highlight.ts';
import { SvgPainter, type Painter } from '../svg-painter.ts';
import { TraceIndex, arrowName, type Mark } from './trace-index.ts';
import {
  diagramGeometry,
  drawArrows,
  drawAxis,
  drawCursor,
  drawLaneNames,
  drawLanes,
  drawMarks,
  labelWidth,
  laneHeight,
  topPad,
  type ArrowHit,
} from './space-time-draw.ts';
/** Accessible buttons at most (the nearest to the cursor are kept). */
const accessibleMax = 120;
const defaultSpan = 400;
/** Wall ms between refreshes of the accessible layer while playing. */
const layerIntervalMs = 500;
const minSpan = 5;
/** Wall ms between redraws while the run plays at 10x or faster. */
const fastRedrawMs = 66;

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

type Hit = ArrowHit;

interface Layer {
  readonly arrows: readonly { record: MessageRecord; x: number; y: number }[];
  readonly marks: readonly { mark: Mark; x: number; y: number }[];
}

const allTypes = Object.keys(messageStyles) as MessageType[];
const emptyLayer: Layer = { arrows: [], marks: [] };

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
  /**
   * Whether it moves fast (10x and more): then the accessible layer waits for a pause, since its
   * hundred buttons cannot be read at that pace and re-rendering them was a large part of a frame.
   */
  fast(): boolean;
  /** Whether it moves slower than real time (below 1x): then the accessible layer follows it. */
  slowMotion(): boolean;
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
  fast: () => appStore().getState().speed >= 10,
  slowMotion: () => appStore().getState().speed < 1,
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
      const g = diagramGeometry(width, height, from, view.span, visibleLanes, replicas, clientIds);
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
      const highlighted = new Set(highlightedReplicas);
      drawAxis(ctx, g);
      drawLanes(ctx, g, index.current, journalEnd, highlighted);
      const {
        hits: found,
        accessible,
        count,
      } = drawArrows(ctx, g, journal, index.current.maxTrip, cursor, hiddenTypes);
      if (into === undefined) hits.current = found;
      const markItems = drawMarks(ctx, g, index.current.marks, accessibleMax);
      drawCursor(ctx, g, cursor);
      drawLaneNames(ctx, g, highlighted);
      if (into !== undefined) return;
      // The accessible layer changes only when the window's content does, and while the run plays
      // only in slow motion, at most every layerIntervalMs: re-rendering a hundred buttons was the
      // diagram's largest cost (long tasks at 1x), and a keyboard user walks the arrows paused.
      const wall = performance.now();
      // Playing at 1x or faster, the layer is emptied (once): stale buttons over moving arrows
      // would name the wrong messages and catch the pointer meant for the canvas.
      if (source.playing() && !source.slowMotion() && layerKey.current !== 'playing') {
        layerKey.current = 'playing';
        setLayer(emptyLayer);
      }
      if (source.playing() && (!source.slowMotion() || wall - layerWall.current < layerIntervalMs)) {
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
    let drawnAt = -Infinity;
    let visible = true;
    let stale = false;
    const schedule = () => {
      if (!visible) {
        stale = true;
        return;
      }
      if (pending === 0)
        pending = requestAnimationFrame((now) => {
          pending = 0;
          // Playing fast, the diagram follows at fastRedrawMs: every redraw of its canvas is also a
          // new bitmap for the compositor, which cost more than drawing it.
          if (source.playing() && source.fast() && now - drawnAt < fastRedrawMs) {
            schedule();
            return;
          }
          drawnAt = now;
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
          <button type="button" onClick={() => pan(-0.5)} title="Show earlier events (or drag the diagram).">
            Pan left
          </button>
          <button type="button" onClick={() => pan(0.5)} title="Show later events (or drag the diagram).">
            Pan right
          </button>
          <button type="button" onClick={() => zoom(0.5)} title="Zoom in on time (or the mouse wheel).">
            Zoom in
          </button>
          <button type="button" onClick={() => zoom(2)} title="Zoom out on time (or the mouse wheel).">
            Zoom out
          </button>
          <button
            type="button"
            aria-pressed={viewport.follow}
            onClick={() => setViewport({ ...viewRef.current, follow: !viewport.follow })}
            title="Keep the cursor in the window while the run plays."
          >
            Follow cursor
          </button>
        </span>
      </figcaption>
      <details className="space-time-filters">
        <summary title="Hide message types or lanes from the diagram.">Diagram filters</summary>
        <fieldset>
          <legend>Message types</legend>
          {allTypes.map((type) => (
            <label key={type} className="inline" title={`Show ${type} messages in the diagram.`}>
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
            <label key={lane} className="inline" title="Show this lane in the diagram.">
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
