/**
 * The journal: a run's whole trace, every event and every message sent, kept for time travel, the
 * views and exports. A long run holds millions of them, so they are stored in columns (typed arrays
 * in fixed-size chunks, never copied as they grow) rather than as one object each: an event with no
 * notes costs about 28 bytes, a message record about 37 plus the message itself. event() and
 * message() rebuild the objects the world recorded, field for field and in the same key order
 * (traceHash and exports serialise them).
 */
import {
  timerKinds,
  type Message,
  type NodeId,
  type Note,
  type NoteOf,
  type ReplicaTimer,
} from '../protocol/index.ts';
import type { Action } from './scenario-types.ts';
import type { LossReason, MessageRecord, TraceEvent, TraceEventKind, TraceReader } from './trace.ts';

const chunkBits = 13;
/** Entries per chunk: a chunk of events is about 230 KB, one of messages about 270 KB. */
const chunkSize = 1 << chunkBits;
const chunkMask = chunkSize - 1;

const eventKinds: readonly TraceEventKind[] = [
  'deliver',
  'lose',
  'timer',
  'action',
  'workload',
  'crash-stop',
];
const deliverCode = 0;
const loseCode = 1;
const timerCode = 2;
const actionCode = 3;
const workloadCode = 4;
const crashStopCode = 5;
/** Set in an event's kind byte when its notes are null (an imported step), not an empty list. */
const notesNullFlag = 0x80;
const kindMask = 0x7f;

const timers: readonly (ReplicaTimer | 'clientRetry')[] = [...timerKinds, 'clientRetry'];
const lossReasons: readonly LossReason[] = ['network', 'cut', 'partition', 'rule', 'by hand', 'crashed'];

/** Executed notes remembered for sharing: replicas execute an op within a few events of each other. */
const recentOps = 256;

/** Replicas 0..31 are their own node code; other nodes (clients) get codes from a table after them. */
const replicaCodes = 32;
const nullNode = 0xffff;

class EventChunk {
  /** Kind code, with notesNullFlag. */
  readonly kinds = new Uint8Array(chunkSize);
  /** A lose event's loss reason, or a timer event's timer. */
  readonly details = new Uint8Array(chunkSize);
  readonly nodes = new Uint16Array(chunkSize);
  readonly times = new Float64Array(chunkSize);
  readonly firstSent = new Int32Array(chunkSize);
  readonly sentCounts = new Int32Array(chunkSize);
  /** msgId of a deliver or lose; the side-table index of an action, a workload op or a crash error. */
  readonly payloads = new Int32Array(chunkSize);
  /** Where the event's notes start in the journal's flat note list. */
  readonly noteStarts = new Int32Array(chunkSize);
}

class MessageChunk {
  readonly froms = new Uint16Array(chunkSize);
  readonly tos = new Uint16Array(chunkSize);
  readonly sentAts = new Float64Array(chunkSize);
  readonly deliverAts = new Float64Array(chunkSize);
  /** NaN for null. */
  readonly lostAts = new Float64Array(chunkSize);
  /** 0 for null, else 1 + the reason's index in lossReasons. */
  readonly lossReasons = new Uint8Array(chunkSize);
  /** -1 for null. */
  readonly duplicateOf = new Int32Array(chunkSize);
  readonly sentBy = new Int32Array(chunkSize);
}

export class Journal implements TraceReader {
  private storedEvents = 0;
  private storedMessages = 0;
  private truncations = 0;
  private readonly eventChunks: EventChunk[] = [];
  private readonly messageChunks: MessageChunk[] = [];
  /** Every event's notes, end to end: event i's are noteStart(i) .. noteEnd(i) - 1. */
  private readonly notes: Note[] = [];
  /** The rare payloads that are not numbers: actions, workload ops, crash-stop errors, in event order. */
  private readonly extras: (Action | string)[] = [];
  /** The messages themselves, by id: shared with the replicas' logs and the in-flight records. */
  private readonly bodies: Message[] = [];
  /** Nodes by code - replicaCodes, and their codes. */
  private readonly nodeTable: NodeId[] = [];
  private readonly nodeCodes = new Map<NodeId, number>();
  /** The latest executed note of each op-number modulo recentOps, to share equal ones. */
  private readonly recentExecuted = new Array<NoteOf<'executed'> | undefined>(recentOps);

  get eventCount(): number {
    return this.storedEvents;
  }

  get messageCount(): number {
    return this.storedMessages;
  }

  get revision(): number {
    return this.truncations;
  }

  // ---------------------------------------------------------------- writing

  appendEvent(event: TraceEvent): void {
    const index = this.storedEvents;
    if (event.index !== index) throw new RangeError(`event ${event.index} appended at ${index}`);
    if ((index & chunkMask) === 0 && index >> chunkBits === this.eventChunks.length)
      this.eventChunks.push(new EventChunk());
    const chunk = this.eventChunks[index >> chunkBits];
    const j = index & chunkMask;
    chunk.times[j] = event.time;
    chunk.firstSent[j] = event.firstSent;
    chunk.sentCounts[j] = event.sentCount;
    chunk.nodes[j] = this.nodeCode(event.node);
    chunk.noteStarts[j] = this.notes.length;
    const notes = event.notes;
    if (notes !== null) for (let i = 0; i < notes.length; i++) this.notes.push(this.shared(notes[i]));
    let code: number;
    let detail = 0;
    let payload = 0;
    switch (event.kind) {
      case 'deliver':
        code = deliverCode;
        payload = event.msgId;
        break;
      case 'lose':
        code = loseCode;
        payload = event.msgId;
        detail = codeOf(lossReasons, event.reason);
        break;
      case 'timer':
        code = timerCode;
        detail = codeOf(timers, event.timer);
        break;
      case 'action':
        code = actionCode;
        payload = this.extras.push(event.action) - 1;
        break;
      case 'workload':
        code = workloadCode;
        payload = this.extras.push(event.op) - 1;
        break;
      case 'crash-stop':
        code = crashStopCode;
        payload = this.extras.push(event.error) - 1;
        break;
    }
    chunk.kinds[j] = notes === null ? code | notesNullFlag : code;
    chunk.details[j] = detail;
    chunk.payloads[j] = payload;
    this.storedEvents = index + 1;
  }

  appendMessage(record: MessageRecord): void {
    const id = this.storedMessages;
    if (record.id !== id) throw new RangeError(`message ${record.id} appended at ${id}`);
    if ((id & chunkMask) === 0 && id >> chunkBits === this.messageChunks.length)
      this.messageChunks.push(new MessageChunk());
    const chunk = this.messageChunks[id >> chunkBits];
    const j = id & chunkMask;
    chunk.froms[j] = this.nodeCode(record.from);
    chunk.tos[j] = this.nodeCode(record.to);
    chunk.sentAts[j] = record.sentAt;
    chunk.deliverAts[j] = record.deliverAt;
    chunk.lostAts[j] = record.lostAt ?? NaN;
    chunk.lossReasons[j] = record.lossReason === null ? 0 : codeOf(lossReasons, record.lossReason) + 1;
    chunk.duplicateOf[j] = record.duplicateOf ?? -1;
    chunk.sentBy[j] = record.sentBy;
    this.bodies.push(record.message);
    this.storedMessages = id + 1;
  }

  /** Forgets everything from event `events` and message `messages` on (the run forked there). */
  truncate(events: number, messages: number): void {
    if (!(events >= 0 && messages >= 0))
      throw new RangeError(`cannot keep ${events} events, ${messages} messages`);
    if (events < this.storedEvents || messages < this.storedMessages) this.truncations++;
    if (events < this.eventCount) {
      this.notes.length = this.noteStart(events);
      // The first dropped event with a side-table payload marks where the kept ones end.
      for (let i = events; i < this.eventCount; i++) {
        const code = this.kindCode(i);
        if (code === actionCode || code === workloadCode || code === crashStopCode) {
          this.extras.length = this.eventChunks[i >> chunkBits].payloads[i & chunkMask];
          break;
        }
      }
      this.storedEvents = events;
      this.eventChunks.length = (events + chunkMask) >> chunkBits;
    }
    if (messages < this.messageCount) {
      this.storedMessages = messages;
      this.bodies.length = messages;
      this.messageChunks.length = (messages + chunkMask) >> chunkBits;
    }
  }

  // ---------------------------------------------------------------- whole objects

  event(index: number): TraceEvent {
    if (!(index >= 0 && index < this.eventCount)) throw new RangeError(`no event ${index}`);
    const chunk = this.eventChunks[index >> chunkBits];
    const j = index & chunkMask;
    const time = chunk.times[j];
    const firstSent = chunk.firstSent[j];
    const sentCount = chunk.sentCounts[j];
    const kinds = chunk.kinds[j];
    const notes =
      (kinds & notesNullFlag) === 0 ? this.notes.slice(chunk.noteStarts[j], this.noteEnd(index)) : null;
    const node = this.nodeOf(chunk.nodes[j]);
    const payload = chunk.payloads[j];
    // One literal per kind, in the order the world builds them: serialised, they must be identical.
    switch (kinds & kindMask) {
      case deliverCode:
        return { index, time, firstSent, sentCount, notes, kind: 'deliver', node: node!, msgId: payload };
      case loseCode:
        return {
          index,
          time,
          firstSent,
          sentCount,
          notes,
          kind: 'lose',
          node: node!,
          msgId: payload,
          reason: lossReasons[chunk.details[j]],
        };
      case timerCode:
        return {
          index,
          time,
          firstSent,
          sentCount,
          notes,
          kind: 'timer',
          node: node!,
          timer: timers[chunk.details[j]],
        };
      case actionCode:
        return {
          index,
          time,
          firstSent,
          sentCount,
          notes,
          kind: 'action',
          node,
          action: this.extras[payload] as Action,
        };
      case workloadCode:
        return {
          index,
          time,
          firstSent,
          sentCount,
          notes,
          kind: 'workload',
          node: node!,
          op: this.extras[payload] as string,
        };
      default:
        return {
          index,
          time,
          firstSent,
          sentCount,
          notes,
          kind: 'crash-stop',
          node: node!,
          error: this.extras[payload] as string,
        };
    }
  }

  message(id: number): MessageRecord {
    if (!(id >= 0 && id < this.messageCount)) throw new RangeError(`no message ${id}`);
    const chunk = this.messageChunks[id >> chunkBits];
    const j = id & chunkMask;
    const lostAt = chunk.lostAts[j];
    const lossReason = chunk.lossReasons[j];
    const duplicateOf = chunk.duplicateOf[j];
    return {
      id,
      from: this.nodeOf(chunk.froms[j])!,
      to: this.nodeOf(chunk.tos[j])!,
      message: this.bodies[id],
      sentAt: chunk.sentAts[j],
      deliverAt: chunk.deliverAts[j],
      lostAt: Number.isNaN(lostAt) ? null : lostAt,
      lossReason: lossReason === 0 ? null : lossReasons[lossReason - 1],
      duplicateOf: duplicateOf < 0 ? null : duplicateOf,
      sentBy: chunk.sentBy[j],
    };
  }

  /** Events from..to - 1 as objects (tests, exports, hashing: not for per-frame loops). */
  *events(from = 0, to = this.eventCount): Generator<TraceEvent, void, undefined> {
    for (let i = from; i < Math.min(to, this.eventCount); i++) yield this.event(i);
  }

  *messages(from = 0, to = this.messageCount): Generator<MessageRecord, void, undefined> {
    for (let id = from; id < Math.min(to, this.messageCount); id++) yield this.message(id);
  }

  // ---------------------------------------------------------------- fields, for loops over many

  eventTime(index: number): number {
    return this.eventChunks[index >> chunkBits].times[index & chunkMask];
  }

  eventKind(index: number): TraceEventKind {
    return eventKinds[this.kindCode(index)];
  }

  eventNode(index: number): NodeId | null {
    return this.nodeOf(this.eventChunks[index >> chunkBits].nodes[index & chunkMask]);
  }

  eventMessageId(index: number): number {
    const code = this.kindCode(index);
    return code === deliverCode || code === loseCode
      ? this.eventChunks[index >> chunkBits].payloads[index & chunkMask]
      : -1;
  }

  eventFirstSent(index: number): number {
    return this.eventChunks[index >> chunkBits].firstSent[index & chunkMask];
  }

  eventSentCount(index: number): number {
    return this.eventChunks[index >> chunkBits].sentCounts[index & chunkMask];
  }

  eventNoteCount(index: number): number {
    return this.noteEnd(index) - this.noteStart(index);
  }

  eventNote(index: number, nth: number): Note {
    return this.notes[this.noteStart(index) + nth];
  }

  messageBody(id: number): Message {
    return this.bodies[id];
  }

  messageFrom(id: number): NodeId {
    return this.nodeOf(this.messageChunks[id >> chunkBits].froms[id & chunkMask])!;
  }

  messageTo(id: number): NodeId {
    return this.nodeOf(this.messageChunks[id >> chunkBits].tos[id & chunkMask])!;
  }

  messageSentAt(id: number): number {
    return this.messageChunks[id >> chunkBits].sentAts[id & chunkMask];
  }

  messageDeliverAt(id: number): number {
    return this.messageChunks[id >> chunkBits].deliverAts[id & chunkMask];
  }

  messageLostAt(id: number): number | null {
    const lostAt = this.messageChunks[id >> chunkBits].lostAts[id & chunkMask];
    return Number.isNaN(lostAt) ? null : lostAt;
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Every replica executing an op notes the same fact (the op, its result, the digest after it): the
   * journal keeps one copy. Notes come from the protocol's literals, so equal fields serialise alike.
   */
  private shared(note: Note): Note {
    if (note.kind !== 'executed') return note;
    const slot = note.opNumber % recentOps;
    const seen = this.recentExecuted[slot];
    if (
      seen !== undefined &&
      seen.opNumber === note.opNumber &&
      seen.entry === note.entry &&
      seen.result === note.result &&
      seen.digest === note.digest
    )
      return seen;
    this.recentExecuted[slot] = note;
    return note;
  }

  private kindCode(index: number): number {
    return this.eventChunks[index >> chunkBits].kinds[index & chunkMask] & kindMask;
  }

  /** Where event `index`'s notes start; the note count for index === eventCount. */
  private noteStart(index: number): number {
    return index < this.eventCount
      ? this.eventChunks[index >> chunkBits].noteStarts[index & chunkMask]
      : this.notes.length;
  }

  private noteEnd(index: number): number {
    return this.noteStart(index + 1);
  }

  private nodeCode(node: NodeId | null): number {
    if (node === null) return nullNode;
    if (typeof node === 'number' && node >= 0 && node < replicaCodes && (node | 0) === node) return node;
    let code = this.nodeCodes.get(node);
    if (code === undefined) {
      code = replicaCodes + this.nodeTable.length;
      if (code >= nullNode) throw new RangeError('more distinct nodes than a journal can name');
      this.nodeTable.push(node);
      this.nodeCodes.set(node, code);
    }
    return code;
  }

  private nodeOf(code: number): NodeId | null {
    if (code < replicaCodes) return code;
    return code === nullNode ? null : this.nodeTable[code - replicaCodes];
  }
}

function codeOf<T>(values: readonly T[], value: T): number {
  const code = values.indexOf(value);
  if (code < 0) throw new RangeError(`${String(value)} cannot be journaled`);
  return code;
}
