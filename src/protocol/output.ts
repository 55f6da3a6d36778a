/**
 * What a step of a replica or client produces beside its new state: messages to send and notes
 * (protocol facts for the trace, captions and checkers). Timers are deadlines held in the node's
 * state, read by the driver with nextDeadline() after each step.
 */
import type { CrashVector } from './crash-vector.ts';
import type { LogEntry, Message, MessageType } from './message.ts';
import type { ClientId, NodeId, ReplicaId } from './types.ts';

/**
 * §7 adds three: `spare` (a slot in no group yet, silent until told to start an epoch), `leaving`
 * (out of the new group, answering get_state until f'+1 epoch_started) and `retired` (silent for good).
 */
export type ReplicaStatus = 'normal' | 'view-change' | 'recovering' | 'spare' | 'leaving' | 'retired';

export interface Envelope {
  readonly to: NodeId;
  readonly message: Message;
}

export type Note =
  /** A message was ignored; the reason doubles as its caption. */
  | { readonly kind: 'ignored'; readonly messageType: MessageType; readonly reason: string }
  | {
      readonly kind: 'status';
      readonly from: ReplicaStatus;
      readonly to: ReplicaStatus;
      readonly view: number;
    }
  | { readonly kind: 'view-change-started'; readonly view: number; readonly reason: string }
  /** A backup lost its primary and asks the others (pre_view_change) before it starts a view change. */
  | { readonly kind: 'view-change-probed'; readonly view: number; readonly reason: string }
  | {
      readonly kind: 'view-started';
      readonly view: number;
      readonly primary: ReplicaId;
      readonly via: string;
    }
  /** The primary assigned an op-number to a request. */
  | { readonly kind: 'prepared'; readonly opNumber: number; readonly entry: LogEntry }
  /** An op was executed by the state machine, in order. */
  | {
      readonly kind: 'executed';
      readonly opNumber: number;
      readonly entry: LogEntry;
      readonly result: string;
      readonly digest: number;
    }
  /** Committed ops were installed from a delta instead of being executed one by one. */
  | {
      readonly kind: 'state-installed';
      readonly via: 'new_state' | 'recovery';
      readonly commitNumber: number;
      readonly opNumber: number;
      readonly deltaItems: number;
      readonly digest: number;
    }
  | {
      readonly kind: 'state-requested';
      readonly view: number;
      readonly target: ReplicaId;
      readonly reason: string;
    }
  | { readonly kind: 'recovery-started'; readonly nonce: number }
  /** §7: this replica moved to an epoch, whose group `members` a reconfiguration op `startOp` named. */
  | {
      readonly kind: 'epoch-started';
      readonly epoch: number;
      readonly members: readonly ReplicaId[];
      readonly startOp: number;
    }
  /** A recovering replica learned the group's crash vector and took the next incarnation. */
  | {
      readonly kind: 'incarnation-started';
      readonly incarnation: number;
      readonly crashVector: CrashVector;
    }
  /** This replica learned that `replica` restarted: what it had stored from the old incarnation is void. */
  | {
      readonly kind: 'incarnation-seen';
      readonly replica: ReplicaId;
      readonly incarnation: number;
      /** What was dropped, by message type (do_view_change, prepare_ok, ...). */
      readonly dropped: readonly MessageType[];
    }
  | {
      readonly kind: 'recovered';
      readonly view: number;
      readonly primary: ReplicaId;
      readonly responders: ReplicaId[];
    }
  /** Client side: a request was issued (invoke) or its reply accepted (return). */
  | { readonly kind: 'invoked'; readonly client: ClientId; readonly request: number; readonly op: string }
  | {
      readonly kind: 'completed';
      readonly client: ClientId;
      readonly request: number;
      readonly op: string;
      readonly result: string;
      readonly replica: ReplicaId;
      readonly view: number;
    }
  | { readonly kind: 'client-retry'; readonly client: ClientId; readonly request: number }
  /** A driver's remark (e.g. an action that had nothing to act on). */
  | { readonly kind: 'info'; readonly text: string };

/** Every kind of note, for readers of traces written elsewhere (a file, a TCP cluster). */
export const noteKinds = [
  'ignored',
  'status',
  'view-change-started',
  'view-change-probed',
  'view-started',
  'prepared',
  'executed',
  'state-installed',
  'state-requested',
  'recovery-started',
  'epoch-started',
  'incarnation-started',
  'incarnation-seen',
  'recovered',
  'invoked',
  'completed',
  'client-retry',
  'info',
] as const satisfies readonly Note['kind'][];
// A kind missing from the list above fails to compile here.
const everyNoteKindListed: Exclude<Note['kind'], (typeof noteKinds)[number]> extends never ? true : never =
  true;
void everyNoteKindListed;

/** The note of one kind, e.g. NoteOf<'executed'>. */
export type NoteOf<K extends Note['kind']> = Extract<Note, { readonly kind: K }>;

/** Collects a step's sends and notes. One Outbox per step; the driver drains it. */
export class Outbox {
  readonly sends: Envelope[] = [];
  readonly notes: Note[] = [];

  send(to: NodeId, message: Message): void {
    this.sends.push({ to, message });
  }

  note(note: Note): void {
    this.notes.push(note);
  }

  ignore(messageType: MessageType, reason: string): void {
    this.notes.push({ kind: 'ignored', messageType, reason });
  }

  /** Empties the outbox for the next step (the driver copies out what it keeps). */
  reset(): void {
    this.sends.length = 0;
    this.notes.length = 0;
  }
}
