/**
 * The paper's messages (VR Revisited, fig. 2-4 and §5.2), one discriminated union on `type`.
 * Names are the paper's in snake case; fields are the paper's: v = view, n = op-number, k = commit-number.
 * Beyond the paper: pre_view_change (a backup asks before it deposes its primary, as Raft's PreVote)
 * and the crash-vector recovery of DISC 2017 (crash_vector_request / crash_vector_response, and a
 * `crashVector` on every message between replicas, absent when the scenario runs the paper's recovery).
 */
import type { CrashVector } from './crash-vector.ts';
import type { ClientId, ReplicaId } from './types.ts';

/** One log slot: the client request that was assigned an op-number, and the view it was prepared in. */
export interface LogEntry {
  readonly op: string;
  readonly client: ClientId;
  readonly request: number;
  readonly view: number;
}

/** The state machine's changes after a commit-number (what state transfer ships instead of re-execution). */
export type StateDelta =
  | {
      readonly kind: 'kv';
      readonly sinceCommit: number;
      readonly entries: readonly (readonly [string, string])[];
    }
  | {
      readonly kind: 'log';
      readonly sinceCommit: number;
      readonly from: number;
      readonly entries: readonly string[];
    };

/** A client-table row: the latest executed request of a client and its cached reply. */
export interface ClientTableRow {
  readonly client: ClientId;
  readonly request: number;
  readonly result: string;
  /** The op-number that executed it: lets a delta ship only rows changed after a commit-number. */
  readonly op: number;
}

/** What NewState and the primary's RecoveryResponse carry beside the log suffix. */
export interface StateTransfer {
  readonly delta: StateDelta;
  readonly clientTable: readonly ClientTableRow[];
}

export interface RequestMessage {
  readonly type: 'request';
  /** The epoch the client believes current (absent in epoch 0): an older one is refused with new_epoch. */
  readonly epoch?: number;
  readonly client: ClientId;
  readonly request: number;
  readonly op: string;
}
export interface PrepareMessage {
  readonly type: 'prepare';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly opNumber: number;
  readonly commitNumber: number;
  readonly entry: LogEntry;
}
export interface PrepareOkMessage {
  readonly type: 'prepare_ok';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly opNumber: number;
  readonly replica: ReplicaId;
}
export interface ReplyMessage {
  readonly type: 'reply';
  /** The replying replica's epoch and group (absent in epoch 0): clients learn the configuration here. */
  readonly epoch?: number;
  readonly members?: readonly ReplicaId[];
  readonly view: number;
  readonly request: number;
  readonly result: string;
  readonly replica: ReplicaId;
}
export interface CommitMessage {
  readonly type: 'commit';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly commitNumber: number;
}
export interface StartViewChangeMessage {
  readonly type: 'start_view_change';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly replica: ReplicaId;
}
export interface DoViewChangeMessage {
  readonly type: 'do_view_change';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly log: readonly LogEntry[];
  readonly lastNormalView: number;
  readonly opNumber: number;
  readonly commitNumber: number;
  readonly replica: ReplicaId;
}
export interface StartViewMessage {
  readonly type: 'start_view';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly log: readonly LogEntry[];
  readonly opNumber: number;
  readonly commitNumber: number;
}
export interface GetStateMessage {
  readonly type: 'get_state';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  /** The requester holds log entries 1..opNumber that agree with `view`'s log. */
  readonly opNumber: number;
  /** The requester's state machine is at this commit-number: the delta starts after it. */
  readonly commitNumber: number;
  readonly replica: ReplicaId;
}
export interface NewStateMessage {
  readonly type: 'new_state';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  /** Entries below stay as the requester had them; `entries` are ops fromOp+1..opNumber. */
  readonly fromOp: number;
  readonly entries: readonly LogEntry[];
  readonly opNumber: number;
  readonly commitNumber: number;
  readonly state: StateTransfer;
  /**
   * §7: committed ops only, for a replica of an older epoch or outside the group; taken only by the
   * epoch transfer it answers (absent otherwise).
   */
  readonly committedOnly?: boolean;
}
export interface RecoveryMessage {
  readonly type: 'recovery';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly replica: ReplicaId;
  readonly nonce: number;
}
export interface RecoveryResponseMessage {
  readonly type: 'recovery_response';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  /** The sender's group when its epoch is not 0: a restarted replica knows no configuration. */
  readonly members?: readonly ReplicaId[];
  readonly view: number;
  readonly nonce: number;
  readonly replica: ReplicaId;
  /** Only the primary of `view` sends its state; the others send null. */
  readonly primaryState: {
    readonly log: readonly LogEntry[];
    readonly opNumber: number;
    readonly commitNumber: number;
    readonly state: StateTransfer;
  } | null;
}

/** A backup that lost its primary asks whether the others did too, before it starts a view change. */
export interface PreViewChangeMessage {
  readonly type: 'pre_view_change';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  /** The view whose primary the sender no longer hears. */
  readonly view: number;
  readonly replica: ReplicaId;
}
/** "I do not hear that primary either": f of these let the asker start the view change. */
export interface PreViewChangeOkMessage {
  readonly type: 'pre_view_change_ok';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  readonly view: number;
  readonly replica: ReplicaId;
}
/** A restarted replica asks for the group's crash vector first (it forgot its own incarnation). */
export interface CrashVectorRequestMessage {
  readonly type: 'crash_vector_request';
  readonly epoch?: number;
  readonly replica: ReplicaId;
  readonly nonce: number;
}
export interface CrashVectorResponseMessage {
  readonly type: 'crash_vector_response';
  readonly crashVector?: CrashVector;
  /** The sender's epoch (§7); absent in epoch 0, so runs without reconfiguration keep their traces. */
  readonly epoch?: number;
  /** The sender's group when its epoch is not 0. */
  readonly members?: readonly ReplicaId[];
  readonly nonce: number;
  readonly replica: ReplicaId;
}

/**
 * §7: a replica that entered `epoch` tells a replica that must join it (a new member, or one still in
 * an older epoch): fetch the state up to `opNumber`, the reconfiguration op, from the sender or anyone.
 */
export interface StartEpochMessage {
  readonly type: 'start_epoch';
  readonly crashVector?: CrashVector;
  readonly epoch: number;
  readonly members: readonly ReplicaId[];
  readonly opNumber: number;
  readonly commitNumber: number;
  readonly replica: ReplicaId;
}
/** §7: a member of `epoch` holds the state the epoch started from (old members may shut down on f'+1). */
export interface EpochStartedMessage {
  readonly type: 'epoch_started';
  readonly crashVector?: CrashVector;
  readonly epoch: number;
  readonly replica: ReplicaId;
}
/** To a client whose request names an older epoch (or that asked a replica that left): the group now. */
export interface NewEpochMessage {
  readonly type: 'new_epoch';
  readonly epoch: number;
  readonly members: readonly ReplicaId[];
  readonly replica: ReplicaId;
}

export type Message =
  | RequestMessage
  | PrepareMessage
  | PrepareOkMessage
  | ReplyMessage
  | CommitMessage
  | StartViewChangeMessage
  | DoViewChangeMessage
  | StartViewMessage
  | GetStateMessage
  | NewStateMessage
  | RecoveryMessage
  | RecoveryResponseMessage
  | PreViewChangeMessage
  | PreViewChangeOkMessage
  | CrashVectorRequestMessage
  | CrashVectorResponseMessage
  | StartEpochMessage
  | EpochStartedMessage
  | NewEpochMessage;

export type MessageType = Message['type'];

export const messageTypes: readonly MessageType[] = [
  'request',
  'prepare',
  'prepare_ok',
  'reply',
  'commit',
  'start_view_change',
  'do_view_change',
  'start_view',
  'get_state',
  'new_state',
  'recovery',
  'recovery_response',
  'pre_view_change',
  'pre_view_change_ok',
  'crash_vector_request',
  'crash_vector_response',
  'start_epoch',
  'epoch_started',
  'new_epoch',
];

/** The view a message speaks for, or null for messages that carry none (request, the recovery messages). */
export function messageView(message: Message): number | null {
  switch (message.type) {
    case 'request':
    case 'recovery':
    case 'crash_vector_request':
    case 'crash_vector_response':
    case 'start_epoch':
    case 'epoch_started':
    case 'new_epoch':
      return null;
    default:
      return message.view;
  }
}

/** The epoch a message speaks for (0 when it names none). */
export function messageEpoch(message: Message): number {
  return message.epoch ?? 0;
}
