/**
 * Indexes over a run's journal for the debugging views: status intervals per replica, commit and
 * view-start marks, and the longest message trip (so that the messages crossing a time window can be
 * found by binary search on send time). Scanned incrementally as the journal grows; rebuilt when the
 * run forks (generation changes) or the journal shrinks. Pure: no DOM, no React.
 */
import type { Message, NodeId, ReplicaStatus } from '../../protocol/index.ts';
import type { ReplicaStatusName } from '../../sim/snapshot.ts';
import type { MessageRecord, TraceEvent, TraceReader } from '../../sim/trace.ts';
import { nodeName } from '../format.ts';

/** Statuses a note may move a replica to (anything else in an imported trace is ignored). */
const knownStatuses: ReadonlySet<ReplicaStatus> = new Set([
  'normal',
  'view-change',
  'recovering',
  'spare',
  'leaving',
  'retired',
]);

export interface StatusChange {
  readonly time: number;
  readonly status: ReplicaStatusName;
}

export interface Mark {
  readonly kind: 'commit' | 'view';
  readonly time: number;
  readonly node: number;
  readonly index: number;
  readonly label: string;
}

export class TraceIndex {
  generation = -1;
  scannedEvents = 0;
  scannedMessages = 0;
  maxTrip = 0;
  /** statusChanges[replica]: status from each time on (starts normal at 0). */
  statusChanges: StatusChange[][] = [];
  marks: Mark[] = [];

  /** Brings the index up to date with `trace`; cheap when nothing changed. */
  update(trace: TraceReader, generation: number, replicas: number): void {
    if (
      generation !== this.generation ||
      trace.eventCount < this.scannedEvents ||
      trace.messageCount < this.scannedMessages ||
      this.statusChanges.length !== replicas
    ) {
      this.generation = generation;
      this.scannedEvents = 0;
      this.scannedMessages = 0;
      this.maxTrip = 0;
      this.marks = [];
      this.statusChanges = Array.from({ length: replicas }, () => [{ time: 0, status: 'normal' as const }]);
    }
    const messages = trace.messageCount;
    for (let id = this.scannedMessages; id < messages; id++) {
      const trip = flightEnd(trace, id) - trace.messageSentAt(id);
      if (trip > this.maxTrip) this.maxTrip = trip;
    }
    this.scannedMessages = messages;
    const events = trace.eventCount;
    for (let index = this.scannedEvents; index < events; index++) this.scan(trace, index);
    this.scannedEvents = events;
  }

  private setStatus(node: number, time: number, status: ReplicaStatusName): void {
    // Only own indices: an imported trace could name "__proto__" or a fraction.
    if (!Number.isInteger(node) || node < 0 || node >= this.statusChanges.length) return;
    const changes = this.statusChanges[node];
    if (changes[changes.length - 1].status !== status) changes.push({ time, status });
  }

  private scan(trace: TraceReader, index: number): void {
    const kind = trace.eventKind(index);
    const time = trace.eventTime(index);
    if (kind === 'action') {
      // Actions are rare: the whole event is read only for them.
      const action = (trace.event(index) as Extract<TraceEvent, { kind: 'action' }>).action;
      if (typeof action === 'object' && action !== null) {
        if (action.type === 'crash') this.setStatus(action.replica, time, 'crashed');
        else if (action.type === 'restart') this.setStatus(action.replica, time, 'recovering');
      }
    }
    const count = trace.eventNoteCount(index);
    if (count === 0) return;
    const node = trace.eventNode(index);
    if (typeof node !== 'number') return;
    for (let nth = 0; nth < count; nth++) {
      const note = trace.eventNote(index, nth);
      if (typeof note !== 'object' || note === null) continue;
      switch (note.kind) {
        case 'status':
          if (knownStatuses.has(note.to)) this.setStatus(node, time, note.to);
          break;
        case 'recovery-started':
          this.setStatus(node, time, 'recovering');
          break;
        case 'recovered':
          this.setStatus(node, time, 'normal');
          break;
        case 'view-started':
          if (note.primary === node)
            this.marks.push({
              kind: 'view',
              time,
              node,
              index,
              label: `view ${note.view} started at replica ${node}`,
            });
          break;
        case 'executed': {
          if (kind !== 'deliver') break;
          const id = trace.eventMessageId(index);
          const type = id >= 0 && id < trace.messageCount ? trace.messageBody(id).type : undefined;
          if (type === 'prepare_ok' || type === 'request')
            this.marks.push({
              kind: 'commit',
              time,
              node,
              index,
              label: `commit op ${note.opNumber} at replica ${node}`,
            });
          break;
        }
        default:
          break;
      }
    }
  }
}

/** When a message's flight ends: where it is lost, or where it arrives. */
function flightEnd(trace: TraceReader, id: number): number {
  return trace.messageLostAt(id) ?? trace.messageDeliverAt(id);
}

/** First index whose time is >= `time` in an array sorted by `timeOf`. */
export function lowerBound<T>(items: readonly T[], time: number, timeOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(items[mid]) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The ids of the messages whose flight overlaps [from, to]: a binary search on send time (messages
 * are recorded in send order), then a filter.
 */
export function messagesInWindow(
  trace: TraceReader,
  maxTrip: number,
  from: number,
  to: number,
  visit: (id: number) => void,
): void {
  const count = trace.messageCount;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (trace.messageSentAt(mid) < from - maxTrip) lo = mid + 1;
    else hi = mid;
  }
  for (let id = lo; id < count; id++) {
    if (trace.messageSentAt(id) > to) break;
    if (flightEnd(trace, id) >= from) visit(id);
  }
}

function messageFacts(message: Message): string[] {
  const facts: string[] = [];
  const fields = message as unknown as Record<string, unknown>;
  if (typeof fields.opNumber === 'number') facts.push(`op ${fields.opNumber}`);
  if (typeof fields.request === 'number' && message.type !== 'prepare')
    facts.push(`request ${fields.request}`);
  if (typeof fields.view === 'number') facts.push(`view ${fields.view}`);
  return facts;
}

/** `prepare from replica 0 to replica 2, op 7, view 1` (lost: `, lost`). */
export function arrowName(record: MessageRecord): string {
  const parts = [
    `${record.message.type} from ${nodeName(record.from)} to ${nodeName(record.to)}`,
    ...messageFacts(record.message),
  ];
  if (record.lostAt !== null) parts.push('lost');
  return parts.join(', ');
}

/** The lane of a node, or -1 when it has none (a replica past the count, an unknown client). */
export function laneOf(node: NodeId, replicas: number, clients: readonly string[]): number {
  if (typeof node === 'number') return Number.isInteger(node) && node >= 0 && node < replicas ? node : -1;
  const client = clients.indexOf(node);
  return client < 0 ? -1 : replicas + client;
}

/** At most this many time-axis ticks are drawn, whatever the window. */
export const ticksMax = 200;

/**
 * The time-axis step for a window of `span` ms drawn `plotWidth` px wide: a nice number of ms whose
 * ticks are at least as far apart as the widest label (`labelChars` characters of 10px text).
 */
export function tickStep(span: number, plotWidth: number, labelChars: number): number {
  const minPx = labelChars * 6 + 10;
  const ticks = Math.max(1, Math.min(8, Math.floor(plotWidth / minPx)));
  return niceStep(span / ticks);
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * The tick times of [from, to]: computed as first + i * step (never by adding to a float, which stops
 * advancing far beyond 2^53) and at most ticksMax of them.
 */
export function timeTicks(from: number, to: number, step: number): number[] {
  const ticks: number[] = [];
  if (!(step > 0) || !Number.isFinite(from) || !Number.isFinite(to)) return ticks;
  const first = Math.ceil(from / step) * step;
  for (let i = 0; i < ticksMax; i++) {
    const t = first + i * step;
    if (t > to) break;
    ticks.push(t);
  }
  return ticks;
}

/** An event count in 0..events: NaN and fractions (from odd input) never reach the cursor. */
export function clampCount(count: number, events: number): number {
  if (!Number.isFinite(count)) return count === Infinity ? events : 0;
  return Math.max(0, Math.min(events, Math.floor(count)));
}
