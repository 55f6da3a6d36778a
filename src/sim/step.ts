/**
 * The step buffer: what one step of the world produces, in storage reused from step to step.
 * Speed lives here so that the world's loop can read as the simulation it is ("the node acts, its
 * sends go out, the event is recorded and checked"):
 * - the outbox keeps a step's sends and notes in arrays with counts: no envelope per send, no array
 *   truncated per step (both showed in profiles);
 * - the event is one object of one shape for every kind of trace event: six object literals made
 *   every checker's reads of `event.kind` and `event.node` megamorphic, and allocated per step;
 * - the checker chain calls each of the first checkers from a call site of its own.
 */
import {
  AssertionError,
  Outbox,
  type Message,
  type MessageType,
  type NodeId,
  type Note,
  type ReplicaTimer,
} from '../protocol/index.ts';
import type { Checker, WorldView } from './checkers/checker.ts';
import { noteCode, noteIgnored } from './note-codes.ts';
import type { Action } from './scenario-types.ts';
import type { LossReason, TraceEvent, TraceEventKind, Violation } from './trace.ts';

const noNotes: readonly Note[] = [];

/** A step's sends and notes, with the kind of each note as a note-codes.ts number. */
export class StepOutbox extends Outbox {
  readonly sendTo: NodeId[] = [];
  readonly sendMessage: Message[] = [];
  sendCount = 0;
  readonly noteList: Note[] = [];
  readonly noteCodes: number[] = [];
  noteCount = 0;

  override send(to: NodeId, message: Message): void {
    this.sendTo[this.sendCount] = to;
    this.sendMessage[this.sendCount++] = message;
  }

  override note(note: Note): void {
    this.noteCodes[this.noteCount] = noteCode(note);
    this.noteList[this.noteCount++] = note;
  }

  override ignore(messageType: MessageType, reason: string): void {
    this.noteCodes[this.noteCount] = noteIgnored;
    this.noteList[this.noteCount++] = { kind: 'ignored', messageType, reason };
  }

  clear(): void {
    this.sendCount = 0;
    this.noteCount = 0;
  }

  /** The notes as an exact-size array: the outbox's own keeps its spare capacity. */
  stepNotes(): readonly Note[] {
    const list = this.noteList;
    // Literals for the usual one or two notes: inline allocations, where slice() is a builtin call.
    switch (this.noteCount) {
      case 0:
        return noNotes;
      case 1:
        return [list[0]];
      case 2:
        return [list[0], list[1]];
      default:
        return list.slice(0, this.noteCount);
    }
  }
}

/**
 * Every field of every kind of trace event, in one object reused by every step; fields of other
 * kinds than the current one hold stale values. Checkers must not keep it (none does), and the
 * journal copies the fields of its kind into its columns.
 */
export class StepEvent {
  index = 0;
  time = 0;
  firstSent = 0;
  sentCount = 0;
  notes: readonly Note[] | null = null;
  kind: TraceEventKind = 'deliver';
  node: NodeId | null = null;
  msgId = 0;
  reason: LossReason = 'network';
  timer: ReplicaTimer | 'clientRetry' = 'heartbeat';
  action: Action | null = null;
  op = '';
  error = '';

  deliver(node: NodeId, msgId: number): void {
    this.kind = 'deliver';
    this.node = node;
    this.msgId = msgId;
  }

  lose(node: NodeId, msgId: number, reason: LossReason): void {
    this.kind = 'lose';
    this.node = node;
    this.msgId = msgId;
    this.reason = reason;
  }

  timerFired(node: NodeId, timer: ReplicaTimer | 'clientRetry'): void {
    this.kind = 'timer';
    this.node = node;
    this.timer = timer;
  }

  workload(node: NodeId, op: string): void {
    this.kind = 'workload';
    this.node = node;
    this.op = op;
  }

  acted(node: NodeId | null, action: Action): void {
    this.kind = 'action';
    this.node = node;
    this.action = action;
  }

  /** A failed protocol assertion turns the step into a crash-stop of its node. */
  crashStop(error: string): void {
    this.kind = 'crash-stop';
    this.node ??= 0;
    this.error = error;
  }

  /** The event as the trace types it (the same object: valid until the next step). */
  asTraceEvent(): TraceEvent {
    return this as unknown as TraceEvent;
  }
}

/** The message of a failed protocol assertion; anything else is a bug of the simulator and is thrown. */
export function assertionMessage(error: unknown): string {
  if (!(error instanceof AssertionError)) throw error;
  return error.message;
}

/**
 * The run's checkers, called after every event. The first four are called from a call site each:
 * a run's checker at a position is always of the same class, so each site stays monomorphic and
 * can be inlined. One site in a loop saw all four classes, and that dispatch cost ~200
 * instructions per event.
 */
export class CheckerChain {
  constructor(readonly checkers: readonly Checker[]) {}

  /** Appends what the checkers object to at this event to `found`; returns whether any did. */
  check(world: WorldView, event: TraceEvent, found: Violation[]): boolean {
    const checkers = this.checkers;
    const count = checkers.length;
    const before = found.length;
    let violation: Violation | null;
    if (count > 0 && (violation = checkers[0].afterEvent(world, event)) !== null) found.push(violation);
    if (count > 1 && (violation = checkers[1].afterEvent(world, event)) !== null) found.push(violation);
    if (count > 2 && (violation = checkers[2].afterEvent(world, event)) !== null) found.push(violation);
    if (count > 3 && (violation = checkers[3].afterEvent(world, event)) !== null) found.push(violation);
    for (let i = 4; i < count; i++)
      if ((violation = checkers[i].afterEvent(world, event)) !== null) found.push(violation);
    return found.length !== before;
  }

  clone(): CheckerChain {
    return new CheckerChain(this.checkers.map((checker) => checker.clone()));
  }
}
