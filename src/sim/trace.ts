/**
 * The trace: every event of a run, in order. It is what the event log, the diagrams, exports and
 * checkers read. Captions are computed on demand from the structured fields, never stored.
 */
import type { Message, NodeId, Note, ReplicaTimer } from '../protocol/index.ts';
import type { Action } from './scenario-types.ts';

export type LossReason = 'network' | 'cut' | 'partition' | 'rule' | 'by hand' | 'crashed';

/** One message as sent: immutable once recorded. Its fate (delivered or lost) is in the events. */
export interface MessageRecord {
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly message: Message;
  readonly sentAt: number;
  /** When it arrives, or, for a lost message, when it would have. */
  readonly deliverAt: number;
  /** Set when the network loses it at send time: the time it is lost (half-way along the link). */
  readonly lostAt: number | null;
  readonly lossReason: LossReason | null;
  /** The original's id when this record is a network duplicate. */
  readonly duplicateOf: number | null;
  /** Index of the event that sent it. */
  readonly sentBy: number;
}

export interface Violation {
  readonly checker: string;
  readonly time: number;
  readonly event: number;
  readonly message: string;
  /** Replicas and op-numbers involved, for highlighting. */
  readonly replicas?: readonly number[];
  readonly ops?: readonly number[];
}

export type TraceEvent = {
  readonly index: number;
  readonly time: number;
  /** Messages sent during this event have ids firstSent .. firstSent + sentCount - 1. */
  readonly firstSent: number;
  readonly sentCount: number;
  readonly notes: readonly Note[] | null;
} & (
  | { readonly kind: 'deliver'; readonly node: NodeId; readonly msgId: number }
  | { readonly kind: 'lose'; readonly node: NodeId; readonly msgId: number; readonly reason: LossReason }
  | { readonly kind: 'timer'; readonly node: NodeId; readonly timer: ReplicaTimer | 'clientRetry' }
  | { readonly kind: 'action'; readonly node: NodeId | null; readonly action: Action }
  | { readonly kind: 'workload'; readonly node: NodeId; readonly op: string }
  | { readonly kind: 'crash-stop'; readonly node: NodeId; readonly error: string }
);

export type TraceEventKind = TraceEvent['kind'];

export function nodeLabel(node: NodeId): string {
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}

/**
 * Reading a trace event by event and message by message: a run's journal (columns) or a trace
 * recorded elsewhere (ArrayTrace). Loops over many events read fields one at a time; event() and
 * message() build a whole object, for the few that are shown. Indices must be below the counts.
 */
export interface TraceReader {
  readonly eventCount: number;
  readonly messageCount: number;
  /** Changes whenever recorded events or messages are dropped (the run forked): derived data is stale. */
  readonly revision: number;
  event(index: number): TraceEvent;
  message(id: number): MessageRecord;
  eventTime(index: number): number;
  eventKind(index: number): TraceEventKind;
  eventNode(index: number): NodeId | null;
  /** The message a deliver or lose event is about; -1 for other kinds. */
  eventMessageId(index: number): number;
  eventNoteCount(index: number): number;
  eventNote(index: number, nth: number): Note;
  messageBody(id: number): Message;
  messageFrom(id: number): NodeId;
  messageTo(id: number): NodeId;
  messageSentAt(id: number): number;
  messageDeliverAt(id: number): number;
  messageLostAt(id: number): number | null;
}
