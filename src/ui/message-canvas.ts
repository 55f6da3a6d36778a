/**
 * Messages in flight are drawn on a canvas laid over the cluster SVG: hundreds of glyphs move every
 * frame, and one canvas pass costs far less than re-rendering hundreds of SVG elements. Positions
 * come from the same pure layout functions; hit-testing is pure too, so both are unit-tested.
 * The accessible counterpart is the "Messages in flight" list (buttons) shown while paused.
 */
import type { MessageType } from '../protocol/index.ts';
import type { MessageRecord } from '../sim/trace.ts';
import type { FadingMessage } from './frame.ts';
import { placeMessage, type ClusterLayout, type Point } from './layout.ts';
import { messageStyles } from './palette.ts';
import type { Painter } from './svg-painter.ts';

export const glyphArea = 90;
export const hitRadius = 12;

/** How the layout's coordinate box maps into a canvas of w x h CSS pixels (like SVG's xMidYMid meet). */
export interface ViewTransform {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

export function fitTransform(layout: ClusterLayout, width: number, height: number): ViewTransform {
  const scale = Math.max(0, Math.min(width / layout.width, height / layout.height));
  return {
    scale,
    offsetX: (width - layout.width * scale) / 2,
    offsetY: (height - layout.height * scale) / 2,
  };
}

/** A point in CSS pixels of the box -> layout coordinates. */
export function toLayout(view: ViewTransform, x: number, y: number): Point {
  if (view.scale === 0) return { x: 0, y: 0 };
  return { x: (x - view.offsetX) / view.scale, y: (y - view.offsetY) / view.scale };
}

/** The message drawn nearest to `point` within the hit radius (later-drawn wins ties), or null. */
export function hitMessage(
  layout: ClusterLayout,
  messages: readonly MessageRecord[],
  time: number,
  point: Point,
  radius = hitRadius,
): MessageRecord | null {
  let best: MessageRecord | null = null;
  let bestDistance = radius * radius;
  for (const record of messages) {
    const place = placeMessage(layout, record, time);
    const dx = place.x - point.x;
    const dy = place.y - point.y;
    const distance = dx * dx + dy * dy;
    if (distance <= bestDistance) {
      best = record;
      bestDistance = distance;
    }
  }
  return best;
}

/** A path sink that offsets every point: d3's symbol types draw centred on the origin. */
class OffsetPath {
  x = 0;
  y = 0;
  constructor(private readonly context: Painter) {}
  moveTo(x: number, y: number): void {
    this.context.moveTo(this.x + x, this.y + y);
  }
  lineTo(x: number, y: number): void {
    this.context.lineTo(this.x + x, this.y + y);
  }
  arc(x: number, y: number, radius: number, start: number, end: number): void {
    this.context.moveTo(this.x + x + radius, this.y + y);
    this.context.arc(this.x + x, this.y + y, radius, start, end);
  }
  closePath(): void {
    this.context.closePath();
  }
  // d3's symbols use only the four above; the rest complete the path interface.
  arcTo(x1: number, y1: number, x2: number, y2: number, radius: number): void {
    this.context.arcTo(this.x + x1, this.y + y1, this.x + x2, this.y + y2, radius);
  }
  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void {
    this.context.bezierCurveTo(this.x + x1, this.y + y1, this.x + x2, this.y + y2, this.x + x, this.y + y);
  }
  quadraticCurveTo(x1: number, y1: number, x: number, y: number): void {
    this.context.quadraticCurveTo(this.x + x1, this.y + y1, this.x + x, this.y + y);
  }
  ellipse(x: number, y: number, rx: number, ry: number, rotation: number, start: number, end: number): void {
    this.context.ellipse(this.x + x, this.y + y, rx, ry, rotation, start, end);
  }
  rect(x: number, y: number, width: number, height: number): void {
    this.context.rect(this.x + x, this.y + y, width, height);
  }
}

/** Messages grouped by type, so each type is one path, filled and stroked once. */
function byType(records: readonly MessageRecord[]): Map<MessageType, MessageRecord[]> {
  const groups = new Map<MessageType, MessageRecord[]>();
  for (const record of records) {
    const type = record.message.type;
    const group = groups.get(type);
    if (group === undefined) groups.set(type, [record]);
    else group.push(record);
  }
  return groups;
}

export interface CanvasView {
  readonly width: number;
  readonly height: number;
  readonly pixelRatio: number;
}

/**
 * Draws one frame of messages: fading losses first, then messages in flight batched by type (one
 * path per type), duplicates with a dashed ring, the selected one ringed.
 */
export function drawMessages(
  context: Painter,
  canvas: CanvasView,
  layout: ClusterLayout,
  inFlight: readonly MessageRecord[],
  fading: readonly FadingMessage[],
  time: number,
  selectedId: number,
  reducedMotion: boolean,
  /** Messages a tour step points at: ringed in the tour's highlight colour. */
  highlighted: (record: MessageRecord) => boolean = () => false,
): void {
  const ratio = canvas.pixelRatio;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width * ratio, canvas.height * ratio);
  const view = fitTransform(layout, canvas.width, canvas.height);
  context.setTransform(
    ratio * view.scale,
    0,
    0,
    ratio * view.scale,
    ratio * view.offsetX,
    ratio * view.offsetY,
  );
  context.lineWidth = 0.9;
  context.strokeStyle = '#1b1f24';
  const sink = new OffsetPath(context);
  for (const item of fading) {
    const place = placeMessage(layout, { ...item.record, lostAt: item.lostAt }, time);
    if (place.opacity <= 0) continue;
    const type = item.record.message.type;
    context.globalAlpha = reducedMotion ? Math.min(1, place.opacity + 0.3) : place.opacity;
    context.fillStyle = messageStyles[type].color;
    context.beginPath();
    sink.x = place.x;
    sink.y = place.y;
    messageStyles[type].shape.draw(sink, glyphArea);
    context.fill();
    context.stroke();
    context.beginPath();
    context.moveTo(place.x - 7, place.y - 7);
    context.lineTo(place.x + 7, place.y + 7);
    context.moveTo(place.x - 7, place.y + 7);
    context.lineTo(place.x + 7, place.y - 7);
    context.lineWidth = 2;
    context.stroke();
    context.lineWidth = 0.9;
  }
  context.globalAlpha = 1;
  let selected: Point | null = null;
  const duplicates: Point[] = [];
  const rings: Point[] = [];
  for (const [type, records] of byType(inFlight)) {
    const style = messageStyles[type];
    context.beginPath();
    for (const record of records) {
      const place = placeMessage(layout, record, time);
      sink.x = place.x;
      sink.y = place.y;
      style.shape.draw(sink, glyphArea);
      if (record.duplicateOf !== null) duplicates.push(place);
      if (record.id === selectedId) selected = place;
      if (highlighted(record)) rings.push(place);
    }
    context.fillStyle = style.color;
    context.fill();
    context.stroke();
  }
  if (duplicates.length > 0) {
    context.setLineDash([2, 2]);
    context.beginPath();
    for (const at of duplicates) {
      context.moveTo(at.x + 9, at.y);
      context.arc(at.x, at.y, 9, 0, 2 * Math.PI);
    }
    context.stroke();
    context.setLineDash([]);
  }
  if (rings.length > 0) {
    context.lineWidth = 3;
    context.strokeStyle = '#d4006a';
    context.beginPath();
    for (const at of rings) {
      context.moveTo(at.x + 14, at.y);
      context.arc(at.x, at.y, 14, 0, 2 * Math.PI);
    }
    context.stroke();
    context.strokeStyle = '#1b1f24';
  }
  if (selected !== null) {
    context.lineWidth = 2.5;
    context.beginPath();
    context.arc(selected.x, selected.y, 12, 0, 2 * Math.PI);
    context.stroke();
  }
  context.setTransform(1, 0, 0, 1, 0, 0);
}
