/**
 * Pure geometry for the cluster view: where replicas and clients sit, where a message in flight is,
 * how a timer arc is drawn. Computed from the frame every render, never stored.
 */
import { arc } from 'd3-shape';
import type { NodeId } from '../protocol/index.ts';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface ClusterLayout {
  readonly width: number;
  readonly height: number;
  readonly center: Point;
  readonly radius: number;
  readonly nodeRadius: number;
  readonly replicas: readonly Point[];
  readonly clients: readonly Point[];
}

/** The cluster view's coordinate system (the SVG scales it to its box). */
export const clusterWidth = 640;
export const clusterHeight = 520;

/**
 * Replicas on a ring, replica 0 at the top and the rest clockwise; clients in a column on the left,
 * beside the ring. One replica sits in the middle. Works for 1..9 replicas and 0..16 clients.
 */
export function clusterLayout(
  replicaCount: number,
  clientCount: number,
  width = clusterWidth,
  height = clusterHeight,
): ClusterLayout {
  const clientColumn = clientCount > 0 ? 90 : 0;
  const center: Point = { x: clientColumn + (width - clientColumn) / 2, y: height / 2 };
  const nodeRadius = replicaCount <= 5 ? 30 : replicaCount <= 7 ? 26 : 23;
  const radius = Math.max(0, Math.min((width - clientColumn) / 2, height / 2) - nodeRadius - 26);
  const replicas: Point[] = [];
  for (let id = 0; id < replicaCount; id++) {
    if (replicaCount === 1) {
      replicas.push(center);
      continue;
    }
    const angle = -Math.PI / 2 + (2 * Math.PI * id) / replicaCount;
    replicas.push({ x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) });
  }
  const clients: Point[] = [];
  const gap = clientCount <= 1 ? 0 : Math.min(60, (height - 60) / (clientCount - 1));
  const top = height / 2 - (gap * (clientCount - 1)) / 2;
  for (let index = 0; index < clientCount; index++) clients.push({ x: 40, y: top + gap * index });
  return { width, height, center, radius, nodeRadius, replicas, clients };
}

/** Where a node is drawn: replicas by index, clients ("c3") by their index in the client column. */
export function nodePoint(layout: ClusterLayout, node: NodeId): Point {
  if (typeof node === 'number') return layout.replicas[node] ?? layout.center;
  return layout.clients[Number(node.slice(1))] ?? layout.center;
}

/** How far along its trip a message is at `time`: 0 at send, 1 at delivery, clamped. */
export function tripProgress(sentAt: number, deliverAt: number, time: number): number {
  if (deliverAt <= sentAt) return time >= deliverAt ? 1 : 0;
  return Math.min(1, Math.max(0, (time - sentAt) / (deliverAt - sentAt)));
}

/**
 * A directed link's segment: it starts and ends at the node rims, and is offset to the right of
 * its direction so that A->B and B->A traffic (and a one-way cut) can be told apart.
 */
export function linkSegment(
  from: Point,
  to: Point,
  nodeRadius: number,
  offset = 5,
): { readonly from: Point; readonly to: Point } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy);
  if (length === 0) return { from, to };
  const ux = dx / length;
  const uy = dy / length;
  // Right-hand normal in screen coordinates (y grows downwards).
  const nx = -uy * offset;
  const ny = ux * offset;
  const trim = Math.min(nodeRadius + 2, length / 2 - 1);
  return {
    from: { x: from.x + ux * trim + nx, y: from.y + uy * trim + ny },
    to: { x: to.x - ux * trim + nx, y: to.y - uy * trim + ny },
  };
}

/** The point at `progress` (0..1) along a segment. */
export function along(segment: { readonly from: Point; readonly to: Point }, progress: number): Point {
  return {
    x: segment.from.x + (segment.to.x - segment.from.x) * progress,
    y: segment.from.y + (segment.to.y - segment.from.y) * progress,
  };
}

type Segment = { readonly from: Point; readonly to: Point };
const segmentCache = new WeakMap<ClusterLayout, Map<string, Segment>>();

/** The directed link a message travels on, computed once per layout and pair of nodes. */
export function messageSegment(layout: ClusterLayout, from: NodeId, to: NodeId): Segment {
  let cache = segmentCache.get(layout);
  if (cache === undefined) {
    cache = new Map();
    segmentCache.set(layout, cache);
  }
  const key = `${from}>${to}`;
  let segment = cache.get(key);
  if (segment === undefined) {
    segment = linkSegment(nodePoint(layout, from), nodePoint(layout, to), layout.nodeRadius);
    cache.set(key, segment);
  }
  return segment;
}

export interface MessagePlacement {
  readonly x: number;
  readonly y: number;
  readonly progress: number;
  /** 1 while travelling; fades to 0 after a loss. */
  readonly opacity: number;
}

/** How long (virtual ms) a lost message takes to fade out where it was lost. */
export const lossFadeMs = 160;

/**
 * Where a message is drawn at `time`. A message the network will lose travels until `lostAt`,
 * then stays where it was lost and fades out over lossFadeMs.
 */
export function placeMessage(
  layout: ClusterLayout,
  message: {
    readonly from: NodeId;
    readonly to: NodeId;
    readonly sentAt: number;
    readonly deliverAt: number;
    readonly lostAt: number | null;
  },
  time: number,
): MessagePlacement {
  const segment = messageSegment(layout, message.from, message.to);
  const stopAt = message.lostAt ?? message.deliverAt;
  const progress = tripProgress(message.sentAt, message.deliverAt, Math.min(time, stopAt));
  const point = along(segment, progress);
  const opacity =
    message.lostAt === null || time <= message.lostAt
      ? 1
      : Math.max(0, 1 - (time - message.lostAt) / lossFadeMs);
  return { x: point.x, y: point.y, progress, opacity };
}

/** Fraction (0..1) of a timer that is still left at `time`; 0 when expired, 1 when just armed. */
export function timerRemaining(deadline: number, totalMs: number, time: number): number {
  if (!Number.isFinite(deadline) || totalMs <= 0) return 0;
  return Math.min(1, Math.max(0, (deadline - time) / totalMs));
}

const ringArc = arc<{
  innerRadius: number;
  outerRadius: number;
  startAngle: number;
  endAngle: number;
}>();

/** SVG path of a draining ring of `fraction` (clockwise from 12 o'clock) between two radii. */
export function timerArcPath(fraction: number, innerRadius: number, outerRadius: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  if (clamped === 0) return '';
  return ringArc({ innerRadius, outerRadius, startAngle: 0, endAngle: clamped * 2 * Math.PI }) ?? '';
}

/** Unordered replica pairs, for drawing the links of the ring. */
export function replicaPairs(replicaCount: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < replicaCount; a++) for (let b = a + 1; b < replicaCount; b++) pairs.push([a, b]);
  return pairs;
}
