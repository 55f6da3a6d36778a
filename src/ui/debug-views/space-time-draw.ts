/**
 * The space-time diagram's drawing, in layers painted in order: the time axis, the lanes with their
 * status bands, the message arrows, the marks (commits, view starts), the cursor line and the lane
 * names. Each layer is a function of the diagram's geometry (a d3 scale for time, a y per lane)
 * and the trace; they draw through `Painter`, so the same code paints the canvas and the SVG export.
 */
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import type { MessageType } from '../../protocol/index.ts';
import type { TraceReader } from '../../sim/trace.ts';
import {
  diagramColors,
  messageStyles,
  statusStyles,
  type MessageStyle,
  type StatusStyle,
} from '../palette.ts';
import type { Painter } from '../svg-painter.ts';
import {
  laneOf,
  lowerBound,
  messagesInWindow,
  tickStep,
  timeTicks,
  type Mark,
  type TraceIndex,
} from './trace-index.ts';

export const laneHeight = 34;
export const labelWidth = 86;
export const topPad = 18;

export interface DiagramGeometry {
  readonly width: number;
  readonly height: number;
  readonly from: number;
  readonly to: number;
  /** Virtual time to x, over the plot (right of the lane names). */
  readonly x: ScaleLinear<number, number>;
  readonly laneY: ReadonlyMap<number, number>;
  readonly visibleLanes: readonly number[];
  readonly replicas: number;
  readonly clientIds: readonly string[];
}

export function diagramGeometry(
  width: number,
  height: number,
  from: number,
  span: number,
  visibleLanes: readonly number[],
  replicas: number,
  clientIds: readonly string[],
): DiagramGeometry {
  const laneY = new Map<number, number>();
  visibleLanes.forEach((lane, i) => laneY.set(lane, topPad + i * laneHeight + laneHeight / 2));
  return {
    width,
    height,
    from,
    to: from + span,
    x: scaleLinear()
      .domain([from, from + span])
      .range([labelWidth, width]),
    laneY,
    visibleLanes,
    replicas,
    clientIds,
  };
}

/** Grid lines and time labels; the step keeps labels from overlapping. */
export function drawAxis(ctx: Painter, g: DiagramGeometry): void {
  ctx.fillStyle = diagramColors.axisText;
  ctx.font = '10px system-ui, sans-serif';
  const step = tickStep(g.to - g.from, g.width - labelWidth, `${Math.ceil(g.to)} ms`.length);
  ctx.strokeStyle = diagramColors.grid;
  ctx.lineWidth = 1;
  for (const t of timeTicks(g.from, g.to, step)) {
    const px = g.x(t);
    ctx.beginPath();
    ctx.moveTo(px, topPad - 4);
    ctx.lineTo(px, g.height);
    ctx.stroke();
    ctx.fillText(`${t} ms`, px + 2, 10);
  }
}

/** A band per replica coloured by its status over time, a line per client; highlighted lanes tinted. */
export function drawLanes(
  ctx: Painter,
  g: DiagramGeometry,
  index: TraceIndex,
  journalEnd: number,
  highlighted: ReadonlySet<number>,
): void {
  for (const lane of g.visibleLanes) {
    const y = g.laneY.get(lane)!;
    if (lane < g.replicas && highlighted.has(lane)) {
      ctx.fillStyle = diagramColors.highlight;
      ctx.fillRect(labelWidth, y - laneHeight / 2, g.width - labelWidth, laneHeight);
    }
    if (lane >= g.replicas) {
      ctx.strokeStyle = diagramColors.clientLane;
      ctx.beginPath();
      ctx.moveTo(labelWidth, y);
      ctx.lineTo(g.x(Math.min(g.to, journalEnd)), y);
      ctx.stroke();
      continue;
    }
    const changes = index.statusChanges[lane] ?? [];
    for (let i = Math.max(0, lowerBound(changes, g.from, (c) => c.time) - 1); i < changes.length; i++) {
      if (changes[i].time > g.to) break;
      const begin = Math.max(g.from, changes[i].time);
      const end = Math.min(g.to, i + 1 < changes.length ? changes[i + 1].time : journalEnd);
      if (end <= begin) continue;
      // An imported trace is validated, but a status the palette lacks must not break the view.
      ctx.fillStyle =
        (statusStyles[changes[i].status] as StatusStyle | undefined)?.fill ?? diagramColors.unknownStatus;
      ctx.fillRect(g.x(begin), y - 5, g.x(end) - g.x(begin), 10);
    }
  }
}

export interface ArrowHit {
  readonly id: number;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface ArrowsDrawn {
  readonly hits: ArrowHit[];
  /** Mid-points of the arrows in the plot, with their distance in time from the cursor. */
  readonly accessible: { id: number; x: number; y: number; d: number }[];
  readonly count: number;
}

function drawLossCross(ctx: Painter, x: number, y: number): void {
  ctx.strokeStyle = diagramColors.lost;
  ctx.beginPath();
  ctx.moveTo(x - 4, y - 4);
  ctx.lineTo(x + 4, y + 4);
  ctx.moveTo(x + 4, y - 4);
  ctx.lineTo(x - 4, y + 4);
  ctx.stroke();
}

function drawArrowHead(ctx: Painter, x1: number, y1: number, x2: number, y2: number, color: string): void {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - 6 * Math.cos(angle - 0.4), y2 - 6 * Math.sin(angle - 0.4));
  ctx.lineTo(x2 - 6 * Math.cos(angle + 0.4), y2 - 6 * Math.sin(angle + 0.4));
  ctx.fill();
}

/**
 * An arrow per message in the window, from send to delivery; a lost one ends in a cross where it
 * was lost. Messages not yet sent at the cursor are faint. Reads the trace field by field.
 */
export function drawArrows(
  ctx: Painter,
  g: DiagramGeometry,
  journal: TraceReader,
  maxTrip: number,
  cursor: number,
  hiddenTypes: ReadonlySet<MessageType>,
): ArrowsDrawn {
  const hits: ArrowHit[] = [];
  const accessible: ArrowsDrawn['accessible'] = [];
  let count = 0;
  messagesInWindow(journal, maxTrip, g.from, g.to, (id) => {
    const type = journal.messageBody(id).type;
    if (hiddenTypes.has(type)) return;
    const y1 = g.laneY.get(laneOf(journal.messageFrom(id), g.replicas, g.clientIds));
    const y2 = g.laneY.get(laneOf(journal.messageTo(id), g.replicas, g.clientIds));
    if (y1 === undefined || y2 === undefined) return;
    count++;
    const sentAt = journal.messageSentAt(id);
    const deliverAt = journal.messageDeliverAt(id);
    const lostAt = journal.messageLostAt(id);
    const endTime = lostAt ?? deliverAt;
    const x1 = g.x(sentAt);
    const x2 = g.x(endTime);
    const yEnd =
      lostAt !== null ? y1 + (y2 - y1) * ((endTime - sentAt) / Math.max(1, deliverAt - sentAt)) : y2;
    const color = (messageStyles[type] as MessageStyle | undefined)?.color ?? diagramColors.unknownMessage;
    ctx.strokeStyle = color;
    ctx.globalAlpha = sentAt > cursor ? 0.25 : 0.9;
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, yEnd);
    ctx.stroke();
    if (lostAt !== null) drawLossCross(ctx, x2, yEnd);
    else if (x2 - x1 > 6) drawArrowHead(ctx, x1, y1, x2, yEnd, color);
    hits.push({ id, x1, y1, x2, y2: yEnd });
    const mx = (x1 + x2) / 2;
    if (mx >= labelWidth && mx <= g.width)
      accessible.push({ id, x: mx, y: (y1 + yEnd) / 2, d: Math.abs(sentAt - cursor) });
  });
  ctx.globalAlpha = 1;
  return { hits, accessible, count };
}

/** View starts as diamonds, commits as bars; returns the first `max` for the accessible layer. */
export function drawMarks(
  ctx: Painter,
  g: DiagramGeometry,
  marks: readonly Mark[],
  max: number,
): { mark: Mark; x: number; y: number }[] {
  const items: { mark: Mark; x: number; y: number }[] = [];
  for (let i = lowerBound(marks, g.from, (m) => m.time); i < marks.length && marks[i].time <= g.to; i++) {
    const mark = marks[i];
    const y = g.laneY.get(mark.node);
    if (y === undefined) continue;
    const px = g.x(mark.time);
    if (mark.kind === 'view') {
      ctx.fillStyle = diagramColors.viewMark;
      ctx.beginPath();
      ctx.moveTo(px, y - 9);
      ctx.lineTo(px + 6, y);
      ctx.lineTo(px, y + 9);
      ctx.lineTo(px - 6, y);
      ctx.fill();
    } else {
      ctx.fillStyle = diagramColors.commitMark;
      ctx.fillRect(px - 1.5, y - 9, 3, 18);
    }
    if (items.length < max) items.push({ mark, x: px, y });
  }
  return items;
}

export function drawCursor(ctx: Painter, g: DiagramGeometry, cursor: number): void {
  if (cursor < g.from || cursor > g.to) return;
  ctx.strokeStyle = diagramColors.cursor;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(g.x(cursor), topPad - 6);
  ctx.lineTo(g.x(cursor), g.height);
  ctx.stroke();
}

/**
 * The lane names last, on their own background: arrows that start before the window never cover
 * them (the SVG painter has no clip, so this is drawn, not clipped).
 */
export function drawLaneNames(ctx: Painter, g: DiagramGeometry, highlighted: ReadonlySet<number>): void {
  ctx.fillStyle = diagramColors.labelBackground;
  ctx.fillRect(0, topPad - 6, labelWidth, g.height);
  ctx.font = '11px system-ui, sans-serif';
  for (const lane of g.visibleLanes) {
    const y = g.laneY.get(lane)!;
    if (lane < g.replicas && highlighted.has(lane)) {
      ctx.fillStyle = diagramColors.highlight;
      ctx.fillRect(0, y - laneHeight / 2, labelWidth, laneHeight);
    }
    ctx.fillStyle = diagramColors.label;
    ctx.fillText(
      lane < g.replicas ? `replica ${lane}` : `client ${g.clientIds[lane - g.replicas]}`,
      4,
      y + 4,
    );
  }
}
