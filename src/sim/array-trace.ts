/**
 * A trace held as the plain arrays it was read in (an imported file, a merged TCP trace), read
 * through the same interface as a run's journal. Its content comes from outside: readers of fields
 * that the import does not check (notes) get a neutral value rather than a surprise.
 */
import type { Message, NodeId, Note } from '../protocol/index.ts';
import type { MessageRecord, TraceEvent, TraceEventKind, TraceReader } from './trace.ts';

export class ArrayTrace implements TraceReader {
  constructor(
    readonly events: readonly TraceEvent[],
    readonly messages: readonly MessageRecord[],
  ) {}

  get eventCount(): number {
    return this.events.length;
  }

  get messageCount(): number {
    return this.messages.length;
  }

  /** A recorded trace never changes. */
  get revision(): number {
    return 0;
  }

  event(index: number): TraceEvent {
    return this.events[index];
  }

  message(id: number): MessageRecord {
    return this.messages[id];
  }

  eventTime(index: number): number {
    return this.events[index].time;
  }

  eventKind(index: number): TraceEventKind {
    return this.events[index].kind;
  }

  eventNode(index: number): NodeId | null {
    return this.events[index].node;
  }

  eventMessageId(index: number): number {
    const event = this.events[index];
    return event.kind === 'deliver' || event.kind === 'lose' ? event.msgId : -1;
  }

  eventNoteCount(index: number): number {
    const notes: unknown = this.events[index].notes;
    return Array.isArray(notes) ? notes.length : 0;
  }

  eventNote(index: number, nth: number): Note {
    return this.events[index].notes![nth];
  }

  messageBody(id: number): Message {
    return this.messages[id].message;
  }

  messageFrom(id: number): NodeId {
    return this.messages[id].from;
  }

  messageTo(id: number): NodeId {
    return this.messages[id].to;
  }

  messageSentAt(id: number): number {
    return this.messages[id].sentAt;
  }

  messageDeliverAt(id: number): number {
    return this.messages[id].deliverAt;
  }

  messageLostAt(id: number): number | null {
    return this.messages[id].lostAt;
  }
}
