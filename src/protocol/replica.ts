/**
 * A VR Revisited replica as a sans-I/O state machine (Liskov & Cowling 2012).
 *
 * Inputs: onMessage(from, message, now), onTimer(kind, now), and construction (a fresh start, or a
 * restart after a crash, which enters recovery). Outputs go to an Outbox: messages and notes.
 * Timers are deadlines in `deadlines`; the driver asks nextDeadline() and calls onTimer when due.
 * Nothing here reads a clock or a random source: `now` and the recovery entropy come with the input.
 *
 * Handlers read in one direction: ignore with a reason, assert, act. A deliberately broken variant
 * (a mutation, mutation.ts) shows as one visible hook, `this.breaks('name')`, beside the paper's step.
 *
 * Beyond the paper, each documented in the README ("Protocol choices"):
 * - Recovery with crash vectors (DISC 2017, crash-vector.ts) unless the scenario asks for the paper's.
 * - One nonce per recovery: a resend keeps it, so the answers gathered so far still count.
 * - A backup that loses its primary first asks the others (pre_view_change, as Raft's PreVote); a
 *   backup cut off or paused then cannot depose a primary the rest still hears.
 * - View-change timeouts grow with each view that failed to start and carry a per-replica jitter.
 */
import { AppendOnly } from './append-only.ts';
import { assert, AssertionError, assertNever } from './assert.ts';
import {
  fromDeadIncarnation,
  mergeCrashVectors,
  newerIncarnations,
  recoveryModeDefault,
  zeroCrashVector,
  type CrashVector,
  type RecoveryMode,
} from './crash-vector.ts';
import type {
  ClientTableRow,
  CommitMessage,
  CrashVectorRequestMessage,
  CrashVectorResponseMessage,
  DoViewChangeMessage,
  EpochStartedMessage,
  GetStateMessage,
  LogEntry,
  Message,
  MessageType,
  NewStateMessage,
  PrepareMessage,
  PrepareOkMessage,
  PreViewChangeMessage,
  PreViewChangeOkMessage,
  RecoveryMessage,
  RecoveryResponseMessage,
  ReplyMessage,
  NewEpochMessage,
  RequestMessage,
  StartViewChangeMessage,
  StartEpochMessage,
  StartViewMessage,
  StateTransfer,
} from './message.ts';
import {
  configurationsIn,
  groupFaults,
  initialConfiguration,
  isReconfigurationOp,
  parseReconfiguration,
  primaryIn,
  type Configuration,
} from './configuration.ts';
import type { Mutation } from './mutation.ts';
import { type Outbox, type ReplicaStatus } from './output.ts';
import { ackWatermark, QuorumTally } from './quorum.ts';
import { deltaItemCount, type StateMachine, type StateMachineKind } from './state-machine.ts';
import { createStateMachine } from './state-machines/index.ts';
import type { Timing } from './timing.ts';
import { isReplicaId, type ClientId, type NodeId, type ReplicaId } from './types.ts';

export const timerKinds = [
  'heartbeat',
  'prepareRetry',
  'viewChange',
  'viewChangeResend',
  'stateTransfer',
  'recovery',
] as const;
export type ReplicaTimer = (typeof timerKinds)[number];

/** Prepares a primary resends to one lagging backup per retry tick: bounded, the rest follow. */
export const prepareResendMax = 4;
/** Out-of-order prepares a backup holds while it fetches the gap. */
export const pendingPreparesMax = 64;
/** A view-change timeout doubles per step of the backoff, up to 2^this times the base... */
export const viewChangeBackoffMax = 16;
/** ...and at most this long: enough for a view change over links seconds long. */
export const viewChangeWaitMsMax = 120_000;
/** A mistaken suspicion doubles a backup's primary timeout, up to 2^this times the base... */
export const primaryTimeoutDoublingsMax = 8;
/** ...and this many messages from the primary without one halve it again. */
export const primaryTimeoutCalmMessages = 128;

export interface ReplicaConfig {
  readonly id: ReplicaId;
  /** Replica slots that may ever exist (§7): ids are 0..replicaCount-1. */
  readonly replicaCount: number;
  /** The group of epoch 0 (default: every slot). Slots outside it start as spares. */
  readonly members?: readonly ReplicaId[];
  readonly stateMachine: StateMachineKind;
  readonly timing: Timing;
  readonly mutation: Mutation;
  /** The paper's §4.3, or with crash vectors (the default: crash-vector.ts). */
  readonly recovery?: RecoveryMode;
}

/** Where a recovering replica is: learning the crash vector (crash vectors only), then the state. */
export type RecoveryPhase = 'crash-vector' | 'state';

interface PendingTransfer {
  /** The view whose state we asked for. */
  readonly view: number;
  /** §7: the later epoch whose starting state we fetch (then only committed state is asked for). */
  readonly epoch?: number;
  /** We asked for everything after this op-number. */
  readonly fromOp: number;
  attempt: number;
  target: ReplicaId;
}

type Deadlines = Record<ReplicaTimer, number>;

function noDeadlines(): Deadlines {
  return {
    heartbeat: Infinity,
    prepareRetry: Infinity,
    viewChange: Infinity,
    viewChangeResend: Infinity,
    stateTransfer: Infinity,
    recovery: Infinity,
  };
}

/** A nonce never used before by this incarnation: the entropy comes with the restart input. */
export function recoveryNonce(entropy: number): number {
  return (Math.imul(entropy ^ 0x5bd1e995, 0x27d4eb2d) + 0x9e3779b1) >>> 0;
}

/**
 * The random part of a view-change timeout, from 0 to range - 1: a hash of the driver's entropy,
 * the replica and the view, so replicas that lost the same primary do not all time out together.
 */
export function timeoutJitter(entropy: number, replica: number, view: number, range: number): number {
  if (range <= 0) return 0;
  let h = Math.imul(entropy ^ Math.imul(replica + 1, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(view + 1, 0xc2b2ae35), 0x27d4eb2d);
  h ^= h >>> 16;
  return (h >>> 0) % range;
}

export class Replica {
  readonly id: ReplicaId;
  readonly replicaCount: number;
  /** Faults the current group tolerates (changes with the epoch). */
  f: number;
  readonly config: ReplicaConfig;
  /** Whether this replica runs recovery with crash vectors (config.recovery). */
  readonly crashVectors: boolean;

  status: ReplicaStatus = 'normal';
  /** §7: the current epoch, its group (the primary of view v is members[v mod n]) and where it began. */
  epoch = 0;
  members: readonly ReplicaId[];
  /** Every configuration this replica knows of, epoch 0 first (a committed reconfiguration adds one). */
  configurations: readonly Configuration[];
  /** A leaving replica's count of epoch_started from the new group: f'+1 and it retires. */
  epochStarted: QuorumTally | null = null;
  view = 0;
  /** The latest view in which this replica's status was normal (the paper's v'). */
  lastNormalView = 0;
  commitNumber = 0;
  log = new AppendOnly<LogEntry>();
  stateMachine: StateMachine;
  /** Latest executed request per client, with its cached reply. */
  clientTable = new Map<ClientId, ClientTableRow>();
  /** Latest request-number per client, executed or still in the log: duplicates are dropped against it. */
  latestRequest = new Map<ClientId, number>();
  deadlines: Deadlines = noDeadlines();
  /** From the driver with the start or restart input: the random part of timeouts, the nonce. */
  entropy = 0;

  // Primary in normal status: each backup's cumulative PrepareOk ("I hold 1..n").
  acks: Int32Array;
  /** Whether a Prepare went out since the last heartbeat tick (then no Commit is needed). */
  preparedSinceHeartbeat = false;

  // Backup in normal status: when it last heard from its primary, and its question to the others.
  primaryHeardAt = 0;
  /**
   * How far this backup trusts silence: its primary timeout is the base doubled this many times.
   * Each time it suspected a primary that then turned out alive (it heard from it while asking the
   * others) the wait doubles; after many messages without such a mistake it halves again. Links
   * whose latency varies more than the timeout then stop deposing a working primary.
   */
  primaryTimeoutDoublings = 0;
  /** Messages heard from the primary since the last mistaken suspicion or easing. */
  primaryHeardCalmly = 0;
  /** pre_view_change answers while this backup asks whether the others lost the primary too. */
  probe: QuorumTally | null = null;
  /**
   * The view-change backoff: one more for each view change this replica enters, one less (once per
   * view) when it sees a view work. Each step doubles the wait for a view change to complete.
   */
  viewChangeBackoff = 0;
  /** The view whose working already eased the backoff (once per view). */
  backoffEasedIn = -1;

  // View change.
  startViewChanges: QuorumTally;
  doViewChanges: (DoViewChangeMessage | null)[];
  doViewChangeSent = false;

  // State transfer.
  pendingTransfer: PendingTransfer | null = null;
  pendingPrepares = new Map<number, PrepareMessage>();
  /** The highest commit-number a commit message announced beyond what we hold (a gap to fetch). */
  knownCommit = 0;

  // Recovery.
  recoveryPhase: RecoveryPhase = 'state';
  /** Resends of this recovery's messages (one nonce for all of them). */
  recoveryAttempt = 0;
  nonce = 0;
  recoveryResponses: (RecoveryResponseMessage | null)[];
  crashVectorResponses: (CrashVectorResponseMessage | null)[];
  /** The latest incarnation of each replica known here (crash-vector.ts); all zero in paper mode. */
  crashVector: CrashVector;
  /**
   * Speed only: the last vector each replica's messages carried. A vector never changes once sent,
   * so one already merged has nothing new (ours only grows): the next message needs one comparison.
   */
  private vectorSeenFrom: (CrashVector | undefined)[] = [];

  constructor(config: ReplicaConfig) {
    assert(
      config.id >= 0 && config.id < config.replicaCount,
      `replica ${config.id} is not in the configuration`,
    );
    this.config = config;
    this.id = config.id;
    this.replicaCount = config.replicaCount;
    this.crashVectors = (config.recovery ?? recoveryModeDefault) === 'crash-vectors';
    this.stateMachine = createStateMachine(config.stateMachine);
    this.acks = new Int32Array(config.replicaCount);
    this.doViewChanges = new Array<DoViewChangeMessage | null>(config.replicaCount).fill(null);
    this.recoveryResponses = new Array<RecoveryResponseMessage | null>(config.replicaCount).fill(null);
    this.crashVectorResponses = new Array<CrashVectorResponseMessage | null>(config.replicaCount).fill(null);
    this.crashVector = zeroCrashVector(config.replicaCount);
    const first = config.members ?? initialConfiguration(config.replicaCount).members;
    this.configurations = [{ epoch: 0, members: first, startOp: 0 }];
    this.members = first;
    this.f = groupFaults(first);
    this.startViewChanges = new QuorumTally(this.f);
    if (!first.includes(this.id)) this.status = 'spare';
  }

  /** A replica of a brand-new cluster: view 0, normal, empty log. */
  static start(config: ReplicaConfig, now: number, entropy = 0): Replica {
    const replica = new Replica(config);
    replica.entropy = entropy >>> 0;
    if (replica.status === 'spare') return replica;
    if (replica.isPrimary()) replica.deadlines.heartbeat = now + config.timing.heartbeatMs;
    else replica.awaitPrimary(now);
    return replica;
  }

  /** A replica restarted after a crash: it has lost its state and must recover (§4.3). */
  static restart(config: ReplicaConfig, now: number, entropy: number, out: Outbox): Replica {
    const replica = new Replica(config);
    replica.status = 'recovering';
    replica.entropy = entropy >>> 0;
    replica.nonce = recoveryNonce(replica.entropy);
    replica.recoveryPhase = replica.crashVectors ? 'crash-vector' : 'state';
    out.note({ kind: 'recovery-started', nonce: replica.nonce });
    replica.sendRecoveryRound(now, out);
    return replica;
  }

  /** Whether this replica runs the deliberately broken variant `mutation` (mutation.ts). */
  breaks(mutation: Mutation): boolean {
    return this.config.mutation === mutation;
  }

  /** The crash vector messages carry: ours with crash vectors, none with the paper's recovery. */
  private get sentCrashVector(): CrashVector | undefined {
    return this.crashVectors ? this.crashVector : undefined;
  }

  /** This incarnation's number (0 until the replica first recovers with crash vectors). */
  get incarnation(): number {
    return this.crashVector[this.id];
  }

  get opNumber(): number {
    return this.log.length;
  }

  get primary(): ReplicaId {
    return primaryIn(this.members, this.view);
  }

  /** The primary of `view` in this replica's epoch: members[view mod n] (§4, §7). */
  primaryOfView(view: number): ReplicaId {
    return primaryIn(this.members, view);
  }

  isMember(replica: ReplicaId): boolean {
    return this.members.includes(replica);
  }

  /** The epoch messages carry: none in epoch 0, so runs without reconfiguration keep their traces. */
  private get sentEpoch(): number | undefined {
    return this.epoch === 0 ? undefined : this.epoch;
  }

  isPrimary(): boolean {
    return this.primary === this.id;
  }

  nextDeadline(): number {
    const d = this.deadlines;
    return Math.min(
      d.heartbeat,
      d.prepareRetry,
      d.viewChange,
      d.viewChangeResend,
      d.stateTransfer,
      d.recovery,
    );
  }

  /** The earliest timer due at `now`, if any. */
  dueTimer(now: number): ReplicaTimer | null {
    // The kinds in timerKinds order, by name: a loop of keyed loads cost more on every wake-up.
    const d = this.deadlines;
    let due: ReplicaTimer | null = null;
    let at = 0;
    if (d.heartbeat <= now) {
      due = 'heartbeat';
      at = d.heartbeat;
    }
    if (d.prepareRetry <= now && (due === null || d.prepareRetry < at)) {
      due = 'prepareRetry';
      at = d.prepareRetry;
    }
    if (d.viewChange <= now && (due === null || d.viewChange < at)) {
      due = 'viewChange';
      at = d.viewChange;
    }
    if (d.viewChangeResend <= now && (due === null || d.viewChangeResend < at)) {
      due = 'viewChangeResend';
      at = d.viewChangeResend;
    }
    if (d.stateTransfer <= now && (due === null || d.stateTransfer < at)) {
      due = 'stateTransfer';
      at = d.stateTransfer;
    }
    if (d.recovery <= now && (due === null || d.recovery < at)) due = 'recovery';
    return due;
  }

  // ---------------------------------------------------------------- dispatch

  onMessage(from: NodeId, message: Message, now: number, out: Outbox): void {
    this.dispatch(from, message, now, out);
    // A committed reconfiguration moves us to its epoch once the step that committed it is done.
    if (this.epochDue()) this.enterLatestEpoch(now, out);
  }

  private dispatch(from: NodeId, message: Message, now: number, out: Outbox): void {
    if (this.status === 'retired') return out.ignore(message.type, 'retired: silent for good');
    if (
      this.status === 'recovering' &&
      message.type !== 'recovery_response' &&
      message.type !== 'crash_vector_response'
    ) {
      // §4.3: a recovering replica takes no part in the protocol until it has recovered.
      out.ignore(message.type, 'recovering: answers nothing until recovery completes');
      return;
    }
    const sender =
      message.type === 'request' || (message.epoch ?? 0) === this.epoch
        ? expectedSender(message, this.members)
        : 'any replica';
    if (sender === 'any replica' ? typeof from !== 'number' : sender !== from)
      return out.ignore(message.type, `sent by ${from}, but only ${sender} may send it`);
    if (this.crashVectors && isReplicaId(from) && !this.admitCrashVector(from, message, out)) return;
    if (isReplicaId(from) && this.crossesEpochs(from, message, now, out)) return;
    if (this.status === 'spare' || this.status === 'leaving')
      return this.onMessageOutsideGroup(from, message, now, out);
    switch (message.type) {
      case 'request':
        return this.onRequest(from, message, now, out);
      case 'prepare':
        return this.onPrepare(message, now, out);
      case 'prepare_ok':
        return this.onPrepareOk(from, message, now, out);
      case 'commit':
        return this.onCommit(message, now, out);
      case 'pre_view_change':
        return this.onPreViewChange(message, now, out);
      case 'pre_view_change_ok':
        return this.onPreViewChangeOk(message, now, out);
      case 'start_view_change':
        return this.onStartViewChange(message, now, out);
      case 'do_view_change':
        return this.onDoViewChange(message, now, out);
      case 'start_view':
        return this.onStartView(message, now, out);
      case 'get_state':
        return this.onGetState(message, out);
      case 'new_state':
        return this.onNewState(message, now, out);
      case 'crash_vector_request':
        this.heardRecovering(message.replica, now);
        return this.onCrashVectorRequest(message, out);
      case 'crash_vector_response':
        return this.onCrashVectorResponse(message, now, out);
      case 'recovery':
        this.heardRecovering(message.replica, now);
        return this.onRecovery(message, out);
      case 'recovery_response':
        return this.onRecoveryResponse(message, now, out);
      case 'start_epoch':
        return this.onStartEpoch(message, now, out);
      case 'epoch_started':
        return out.ignore('epoch_started', 'not leaving the group');
      case 'reply':
        return out.ignore('reply', 'replies are for clients');
      case 'new_epoch':
        return out.ignore('new_epoch', 'new_epoch is for clients');
      default:
        return assertNever(message, 'message');
    }
  }

  onTimer(kind: ReplicaTimer, now: number, out: Outbox): void {
    this.fire(kind, now, out);
    if (this.epochDue()) this.enterLatestEpoch(now, out);
  }

  private fire(kind: ReplicaTimer, now: number, out: Outbox): void {
    // Each timer clears its own field: a store keyed by the timer's name was a megamorphic lookup.
    const d = this.deadlines;
    switch (kind) {
      case 'heartbeat':
        d.heartbeat = Infinity;
        return this.onHeartbeatTimeout(now, out);
      case 'prepareRetry':
        d.prepareRetry = Infinity;
        return this.onPrepareRetryTimeout(now, out);
      case 'viewChange':
        d.viewChange = Infinity;
        return this.onViewChangeTimeout(now, out);
      case 'viewChangeResend':
        d.viewChangeResend = Infinity;
        return this.onViewChangeResendTimeout(now, out);
      case 'stateTransfer':
        d.stateTransfer = Infinity;
        return this.onStateTransferTimeout(now, out);
      case 'recovery':
        d.recovery = Infinity;
        return this.onRecoveryTimeout(now, out);
      default:
        return assertNever(kind, 'timer');
    }
  }

  // ---------------------------------------------------------------- normal operation (§4.1)

  private onRequest(from: NodeId, message: RequestMessage, now: number, out: Outbox): void {
    if (this.status !== 'normal') return out.ignore('request', 'not in normal status');
    const theirEpoch = message.epoch ?? 0;
    // §7: a request for an older epoch is refused, naming the group now; no epoch but ours takes requests.
    if (theirEpoch < this.epoch) return out.send(message.client, this.newEpochMessage());
    if (theirEpoch > this.epoch) return out.ignore('request', `names epoch ${theirEpoch}, later than ours`);
    if (!this.isPrimary()) return out.ignore('request', `not the primary of view ${this.view}`);
    if (!this.breaks('ignore-client-table')) {
      const latest = this.latestRequest.get(message.client) ?? 0;
      if (message.request < latest)
        return out.ignore('request', `older than request ${latest} of ${message.client}`);
      if (message.request === latest) {
        const row = this.clientTable.get(message.client);
        if (row === undefined || row.request !== message.request)
          return out.ignore('request', 'already in progress');
        // §4.1 step 2: resend the cached reply for the latest request.
        out.send(message.client, this.replyMessage(row.request, row.result));
        return;
      }
    }
    if (this.reconfigurationPending())
      return out.ignore('request', 'a reconfiguration ends this epoch: no new ops in it');
    const entry: LogEntry = {
      op: message.op,
      client: message.client,
      request: message.request,
      view: this.view,
    };
    this.log.push(entry);
    this.latestRequest.set(message.client, message.request);
    const opNumber = this.opNumber;
    out.note({ kind: 'prepared', opNumber, entry });
    if (this.breaks('start-epoch-before-commit') && isReconfigurationOp(entry.op)) {
      const members = parseReconfiguration(entry.op, this.replicaCount);
      if (typeof members !== 'string')
        this.learnConfiguration(this.latestConfiguration.epoch + 1, members, opNumber);
    }
    const prepare = this.prepareOf(opNumber, entry);
    for (const replica of this.members) if (replica !== this.id) out.send(replica, prepare);
    this.preparedSinceHeartbeat = true;
    if (this.deadlines.prepareRetry === Infinity)
      this.deadlines.prepareRetry = now + this.config.timing.prepareRetryMs;
    this.commitAcknowledged(out);
  }

  private onPrepare(message: PrepareMessage, now: number, out: Outbox): void {
    if (message.view < this.view) {
      if (this.breaks('prepare-during-view-change') && this.status === 'view-change')
        return this.acceptPrepareOfOldView(message, out);
      return out.ignore('prepare', `older view ${message.view} < ${this.view}`);
    }
    if (message.view > this.view) return this.learnOfLaterView(message.view, 'prepare', now, out);
    if (this.status !== 'normal')
      return out.ignore('prepare', 'view change in progress: waiting for start_view');
    if (this.isPrimary()) return out.ignore('prepare', 'the primary does not take prepares');
    assert(this.status === 'normal', 'a backup accepts prepares only in normal status');
    this.heardFromPrimary(now);
    if (message.opNumber > this.opNumber + 1) {
      // §4.1 step 4: never acknowledge op n before holding 1..n-1; hold it and fetch the gap.
      if (this.pendingPrepares.size < pendingPreparesMax) this.pendingPrepares.set(message.opNumber, message);
      if (this.breaks('ack-with-gap')) this.sendPrepareOk(this.view, message.opNumber, out);
      this.watchGap(now);
      return;
    }
    if (message.opNumber === this.opNumber + 1) {
      this.appendPrepared(message.entry);
      this.appendPendingPrepares();
    }
    // Acknowledge cumulatively: a lost PrepareOk is repaired by the next one.
    this.sendPrepareOk(this.view, this.opNumber, out);
    this.executeUpTo(Math.min(message.commitNumber, this.opNumber), false, out);
  }

  /** Mutation `prepare-during-view-change`: the rule of §4.2 step 1 switched off. */
  private acceptPrepareOfOldView(message: PrepareMessage, out: Outbox): void {
    if (message.opNumber !== this.opNumber + 1) return out.ignore('prepare', 'out of order');
    this.appendPrepared(message.entry);
    this.sendPrepareOk(message.view, this.opNumber, out);
  }

  /** PrepareOk(v, n) to v's primary: "I hold ops 1..n of view v" (§4.1 step 4). */
  private sendPrepareOk(view: number, opNumber: number, out: Outbox): void {
    out.send(this.primaryOfView(view), {
      type: 'prepare_ok',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view,
      opNumber,
      replica: this.id,
    });
  }

  private appendPrepared(entry: LogEntry): void {
    this.log.push(entry);
    const latest = this.latestRequest.get(entry.client) ?? 0;
    if (entry.request > latest) this.latestRequest.set(entry.client, entry.request);
  }

  private appendPendingPrepares(): void {
    if (this.pendingPrepares.size === 0) return; // the usual case: no iterator for an empty map
    for (const opNumber of this.pendingPrepares.keys())
      if (opNumber <= this.opNumber) this.pendingPrepares.delete(opNumber);
    let next = this.pendingPrepares.get(this.opNumber + 1);
    while (next !== undefined) {
      this.pendingPrepares.delete(next.opNumber);
      this.appendPrepared(next.entry);
      next = this.pendingPrepares.get(this.opNumber + 1);
    }
  }

  private onPrepareOk(from: NodeId, message: PrepareOkMessage, _now: number, out: Outbox): void {
    if (message.view < this.view)
      return out.ignore('prepare_ok', `older view ${message.view} < ${this.view}`);
    if (message.view > this.view) return out.ignore('prepare_ok', `from a later view ${message.view}`);
    if (this.status !== 'normal') return out.ignore('prepare_ok', 'not in normal status');
    if (!this.isPrimary()) return out.ignore('prepare_ok', 'not the primary');
    if (message.replica === this.id || !this.isMember(message.replica))
      return out.ignore('prepare_ok', 'sender is not a backup of this configuration');
    if (message.opNumber > this.opNumber)
      return out.ignore('prepare_ok', `op ${message.opNumber} was never prepared`);
    if (message.opNumber <= this.acks[message.replica]) return out.ignore('prepare_ok', 'already counted');
    this.acks[message.replica] = message.opNumber;
    this.easeBackoff(); // a backup follows this view: it works
    this.commitAcknowledged(out);
    // Everyone holds everything: stop the resend timer, so the next prepare gets a full interval.
    if (ackWatermark(this.acks, this.id, this.members.length - 1) >= this.opNumber)
      this.deadlines.prepareRetry = Infinity;
  }

  /** Commit every op that f backups hold (§4.1 step 5): the primary's own copy makes f+1. */
  private commitAcknowledged(out: Outbox): void {
    assert(this.isPrimary() && this.status === 'normal', 'only a normal primary commits');
    const required = this.breaks('commit-without-quorum') ? this.f - 1 : this.f;
    const held = Math.min(ackWatermark(this.acks, this.id, required), this.opNumber);
    if (held > this.commitNumber) this.executeUpTo(held, true, out);
  }

  /** Executes committed ops in order up to `target`; the primary replies to each client. */
  private executeUpTo(target: number, reply: boolean, out: Outbox): void {
    // Not assert(): its message would be formatted on every call, and this runs for every op.
    if (target > this.opNumber)
      throw new AssertionError(`cannot execute op ${target} beyond op-number ${this.opNumber}`);
    while (this.commitNumber < target) {
      const opNumber = this.commitNumber + 1;
      const entry = this.log.at(opNumber - 1);
      const result = isReconfigurationOp(entry.op)
        ? this.executeReconfiguration(entry.op, opNumber)
        : this.stateMachine.apply(entry.op, opNumber);
      this.commitNumber = opNumber;
      this.clientTable.set(entry.client, {
        client: entry.client,
        request: entry.request,
        result,
        op: opNumber,
      });
      out.note({ kind: 'executed', opNumber, entry, result, digest: this.stateMachine.digest() });
      if (reply) out.send(entry.client, this.replyMessage(entry.request, result));
    }
  }

  /**
   * §7: a committed reconfiguration names the next epoch's group. The replica moves to that epoch
   * once the step that committed it is done (enterLatestEpoch); a group the slots do not allow
   * starts nothing and its client hears why.
   */
  private executeReconfiguration(op: string, opNumber: number): string {
    const members = parseReconfiguration(op, this.replicaCount);
    if (typeof members === 'string') return `refused: ${members}`;
    const epoch = this.latestConfiguration.epoch + 1;
    this.configurations = [...this.configurations, { epoch, members, startOp: opNumber }];
    return `epoch ${epoch}: replicas ${members.join(' ')}`;
  }

  /** Mutations only: a configuration taken on trust, not from the committed log. */
  private learnConfiguration(epoch: number, members: readonly ReplicaId[], startOp: number): void {
    this.configurations = [...this.configurations, { epoch, members, startOp }];
  }

  get latestConfiguration(): Configuration {
    return this.configurations[this.configurations.length - 1];
  }

  /** Whether the uncommitted suffix holds a reconfiguration: then this epoch takes no further op. */
  reconfigurationPending(): boolean {
    for (let opNumber = this.commitNumber + 1; opNumber <= this.opNumber; opNumber++)
      if (isReconfigurationOp(this.log.at(opNumber - 1).op)) return true;
    return false;
  }

  /** A reply names the latest configuration this replica knows, so the client learns of a new group. */
  private replyMessage(request: number, result: string): ReplyMessage {
    const latest = this.latestConfiguration;
    if (latest.epoch === 0) return { type: 'reply', view: this.view, request, result, replica: this.id };
    return {
      type: 'reply',
      epoch: latest.epoch,
      members: latest.members,
      view: latest.epoch === this.epoch ? this.view : 0,
      request,
      result,
      replica: this.id,
    };
  }

  private newEpochMessage(): NewEpochMessage {
    return { type: 'new_epoch', epoch: this.epoch, members: this.members, replica: this.id };
  }

  private onCommit(message: CommitMessage, now: number, out: Outbox): void {
    if (message.view < this.view) return out.ignore('commit', `older view ${message.view} < ${this.view}`);
    if (message.view > this.view) return this.learnOfLaterView(message.view, 'commit', now, out);
    if (this.status !== 'normal')
      return out.ignore('commit', 'view change in progress: waiting for start_view');
    if (this.isPrimary()) return out.ignore('commit', 'the primary sends commits, it does not take them');
    this.heardFromPrimary(now);
    if (message.commitNumber > this.opNumber) {
      this.knownCommit = Math.max(this.knownCommit, message.commitNumber);
      this.watchGap(now);
    }
    this.executeUpTo(Math.min(message.commitNumber, this.opNumber), false, out);
  }

  private onHeartbeatTimeout(now: number, out: Outbox): void {
    if (this.status !== 'normal' || !this.isPrimary()) return;
    // §4.1 step 6: an idle primary tells the backups it is alive, and what is committed.
    if (!this.preparedSinceHeartbeat) {
      const commit: CommitMessage = {
        type: 'commit',
        crashVector: this.sentCrashVector,
        epoch: this.sentEpoch,
        view: this.view,
        commitNumber: this.commitNumber,
      };
      for (const replica of this.members) if (replica !== this.id) out.send(replica, commit);
    }
    this.preparedSinceHeartbeat = false;
    this.deadlines.heartbeat = now + this.config.timing.heartbeatMs;
  }

  /** Resends the first unacknowledged prepares to each lagging backup, so lost messages do not stall commits. */
  private onPrepareRetryTimeout(now: number, out: Outbox): void {
    if (this.status !== 'normal' || !this.isPrimary()) return;
    let lagging = false;
    for (const replica of this.members) {
      if (replica === this.id || this.acks[replica] >= this.opNumber) continue;
      lagging = true;
      const last = Math.min(this.opNumber, this.acks[replica] + prepareResendMax);
      for (let opNumber = this.acks[replica] + 1; opNumber <= last; opNumber++) {
        out.send(replica, this.prepareOf(opNumber, this.log.at(opNumber - 1)));
      }
    }
    if (lagging) {
      this.askTheNextGroup(out);
      this.deadlines.prepareRetry = now + this.config.timing.prepareRetryMs;
    }
  }

  /**
   * A primary whose backups stopped answering while a reconfiguration waits in its log: they may
   * have committed it without us and retired (silent for good), so the group to ask is the new one.
   * Its members answer an older epoch's prepare with start_epoch, and this replica moves on or
   * retires instead of resending to the retired forever. Beyond the paper, which leaves a member
   * cut off during the change to the operator.
   */
  private askTheNextGroup(out: Outbox): void {
    for (let opNumber = this.commitNumber + 1; opNumber <= this.opNumber; opNumber++) {
      const entry = this.log.at(opNumber - 1);
      if (!isReconfigurationOp(entry.op)) continue;
      const members = parseReconfiguration(entry.op, this.replicaCount);
      if (typeof members === 'string') continue;
      for (const replica of members)
        if (!this.members.includes(replica)) out.send(replica, this.prepareOf(opNumber, entry));
      return;
    }
  }

  /** The Prepare for the entry at `opNumber`, as this primary sends it now (§4.1 step 3). */
  private prepareOf(opNumber: number, entry: PrepareMessage['entry']): PrepareMessage {
    return {
      type: 'prepare',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      opNumber,
      commitNumber: this.commitNumber,
      entry,
    };
  }

  // ---------------------------------------------------------------- view change (§4.2)

  private onViewChangeTimeout(now: number, out: Outbox): void {
    if (this.status !== 'normal' && this.status !== 'view-change') return;
    // Waiting for a later epoch's state does not stop this one's view changes: if the replica that
    // committed the reconfiguration failed, only a new primary of this epoch can commit it again.
    const pending = this.pendingTransfer;
    if (pending !== null && pending.epoch === undefined && pending.view > this.view) {
      // We already know a later view exists: wait for its state rather than start an older view.
      this.deadlines.viewChange = now + this.viewChangeTimeout();
      return;
    }
    if (this.status === 'normal') return this.probePrimary(now, out);
    this.startViewChange(this.view + 1, `view change to view ${this.view} stalled`, now, out);
  }

  /**
   * How long to wait for the primary (the base timeout), or for a view change to complete: the base
   * doubled per step of the backoff, plus up to half the base of per-replica jitter. Without the
   * backoff, a view change that needs longer than the timeout (slow links, a timeout near one round
   * trip) never completes. The backoff eases one step per view that works rather than starting
   * over: on links slow next to the timers, a replica whose view half worked must not become the
   * one that times out first and drags everyone into the next view.
   */
  viewChangeTimeout(): number {
    const base = this.config.timing.viewChangeTimeoutMs;
    const jitter = this.jitterMs();
    if (this.status !== 'view-change') return this.primaryTimeoutMs() + jitter;
    const doublings = Math.max(0, this.viewChangeBackoff - 1);
    return Math.min(base * 2 ** Math.min(doublings, viewChangeBackoffMax), viewChangeWaitMsMax) + jitter;
  }

  /** How long a backup goes without word from its primary before it suspects it (adapts to the link). */
  primaryTimeoutMs(): number {
    return this.config.timing.viewChangeTimeoutMs << this.primaryTimeoutDoublings;
  }

  /** This replica's jitter in the current view (a hash, kept per view: every prepare re-arms the timer). */
  private jitterMs(): number {
    if (this.jitterView !== this.view) {
      this.jitterView = this.view;
      this.jitter = timeoutJitter(
        this.entropy,
        this.id,
        this.view,
        this.config.timing.viewChangeTimeoutMs >> 1,
      );
    }
    return this.jitter;
  }

  private jitterView = -1;
  private jitter = 0;

  /**
   * `replica` is recovering: it has no state and cannot lead a view. If it is the primary of the
   * view we are changing to, waiting out a backed-off timeout for it is pointless: we move on after
   * the base timeout. Without this, several primaries in a row that are down (a rolling restart)
   * cost a doubled timeout each.
   */
  private heardRecovering(replica: ReplicaId, now: number): void {
    if (this.status !== 'view-change' || replica !== this.primary || replica === this.id) return;
    const soon = now + this.config.timing.viewChangeTimeoutMs;
    if (this.deadlines.viewChange > soon) this.deadlines.viewChange = soon;
  }

  /** A backup heard its primary at work (a Prepare or a Commit): the view works, and the primary is alive. */
  private heardFromPrimary(now: number): void {
    this.adaptPrimaryTimeout();
    this.easeBackoff();
    this.awaitPrimary(now);
  }

  /** Heard from the primary: if we were asking about it, we suspected it wrongly. */
  private adaptPrimaryTimeout(): void {
    if (this.probe !== null) {
      if (this.primaryTimeoutDoublings < primaryTimeoutDoublingsMax) this.primaryTimeoutDoublings++;
      this.primaryHeardCalmly = 0;
    } else if (++this.primaryHeardCalmly >= primaryTimeoutCalmMessages) {
      if (this.primaryTimeoutDoublings > 0) this.primaryTimeoutDoublings--;
      this.primaryHeardCalmly = 0;
    }
  }

  /** The current view works: one step less backoff, once per view. */
  private easeBackoff(): void {
    if (this.backoffEasedIn === this.view) return;
    this.backoffEasedIn = this.view;
    if (this.viewChangeBackoff > 0) this.viewChangeBackoff--;
  }

  /** Waits a timeout for the primary: it counts as heard now (its view just started, or ours did). */
  private awaitPrimary(now: number): void {
    this.primaryHeardAt = now;
    this.probe = null;
    this.deadlines.viewChange = now + this.viewChangeTimeout();
  }

  /**
   * §4.2 step 1 has a backup that hears nothing from its primary start a view change at once. We
   * first ask the others, as Raft's PreVote does: only when f of them lost the primary too does it
   * start. A backup that was cut off or paused (its overdue timer firing before it reads the
   * heartbeats waiting for it) then cannot depose a primary the others still hear.
   */
  private probePrimary(now: number, out: Outbox): void {
    assert(this.status === 'normal' && !this.isPrimary(), 'a normal backup asks about its primary');
    this.probe = new QuorumTally(this.f);
    out.note({
      kind: 'view-change-probed',
      view: this.view,
      reason: `no word from primary ${this.primary} for ${now - this.primaryHeardAt} ms`,
    });
    const message: PreViewChangeMessage = {
      type: 'pre_view_change',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      replica: this.id,
    };
    for (const replica of this.members) if (replica !== this.id) out.send(replica, message);
    this.askOutsiders(out);
    this.deadlines.viewChange = now + this.viewChangeTimeout();
  }

  /**
   * §7: a replica that lost its primary may be the one left behind: the group it knows may have
   * moved to a later epoch and shut down. It asks the slots outside its group too; a replica of a
   * later epoch answers with its own. It sends them its epoch and group (start_epoch): a spare that
   * group names joins, any other ignores it. (No slots outside the group: nothing is sent.)
   */
  private askOutsiders(out: Outbox): void {
    if (this.members.length === this.replicaCount) return;
    const message = this.startEpochMessage();
    for (let replica = 0; replica < this.replicaCount; replica++)
      if (replica !== this.id && !this.members.includes(replica)) out.send(replica, message);
  }

  /**
   * Whether we would join: not while we are the normal primary of that view, or a backup of it that
   * heard its primary lately. A replica behind the asker (an older view) cannot vouch for the
   * asker's primary and agrees.
   */
  private onPreViewChange(message: PreViewChangeMessage, now: number, out: Outbox): void {
    if (message.view < this.view)
      return out.ignore('pre_view_change', `older view ${message.view} < ${this.view}`);
    if (message.replica === this.id || !this.isMember(message.replica))
      return out.ignore('pre_view_change', 'sender is not another replica of this configuration');
    if (message.view === this.view && this.status === 'normal') {
      if (this.isPrimary())
        return out.ignore('pre_view_change', `we are the primary of view ${this.view}, and alive`);
      const heardAgo = now - this.primaryHeardAt;
      if (heardAgo < this.primaryTimeoutMs())
        return out.ignore('pre_view_change', `primary ${this.primary} was heard ${heardAgo} ms ago`);
    }
    out.send(message.replica, {
      type: 'pre_view_change_ok',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: message.view,
      replica: this.id,
    });
  }

  private onPreViewChangeOk(message: PreViewChangeOkMessage, now: number, out: Outbox): void {
    if (this.probe === null || this.status !== 'normal' || message.view !== this.view)
      return out.ignore('pre_view_change_ok', `not asking about the primary of view ${message.view}`);
    if (message.replica === this.id || !this.isMember(message.replica))
      return out.ignore('pre_view_change_ok', 'sender is not another replica of this configuration');
    if (!this.probe.add(message.replica)) return;
    this.probe = null;
    this.startViewChange(
      this.view + 1,
      `no word from primary ${this.primary}, and ${this.f} other${this.f === 1 ? '' : 's'} agree`,
      now,
      out,
    );
  }

  /** Fires the view-change timer now (the scenario's `timeout` action): a view change, no asking. */
  forceViewChangeTimeout(now: number, out: Outbox): void {
    if (this.status === 'recovering')
      return out.ignore('start_view_change', 'recovering: cannot start a view change');
    if (this.status !== 'normal' && this.status !== 'view-change')
      return out.ignore('start_view_change', 'in no group: cannot start a view change');
    this.startViewChange(this.view + 1, 'view-change timer fired by hand', now, out);
  }

  private startViewChange(view: number, reason: string, now: number, out: Outbox): void {
    assert(view > this.view, `a view change moves to a later view (${view} > ${this.view})`);
    assert(this.status !== 'recovering', 'a recovering replica takes no part in view changes');
    const previous = this.status;
    this.view = view;
    this.status = 'view-change';
    this.viewChangeBackoff++;
    this.resetViewChangeState();
    this.clearNormalState();
    out.note({ kind: 'view-change-started', view, reason });
    if (previous !== 'view-change') out.note({ kind: 'status', from: previous, to: 'view-change', view });
    this.broadcastStartViewChange(out);
    this.deadlines.viewChange = now + this.viewChangeTimeout();
    this.deadlines.viewChangeResend = now + this.config.timing.prepareRetryMs;
    // With f = 0 no other replica's word is needed.
    if (this.startViewChanges.checkReached()) this.sendDoViewChange(now, out);
  }

  private resetViewChangeState(): void {
    this.startViewChanges = new QuorumTally(this.f);
    this.doViewChanges.fill(null);
    this.doViewChangeSent = false;
  }

  /** Forget what only a normal replica of the old view needs. */
  private clearNormalState(): void {
    this.acks.fill(0);
    this.probe = null;
    this.pendingPrepares.clear();
    this.knownCommit = 0;
    this.pendingTransfer = null;
    this.deadlines.heartbeat = Infinity;
    this.deadlines.prepareRetry = Infinity;
    this.deadlines.stateTransfer = Infinity;
  }

  private broadcastStartViewChange(out: Outbox): void {
    const message = this.lastStartViewChange();
    for (const replica of this.members) if (replica !== this.id) out.send(replica, message);
  }

  private lastStartViewChange(): StartViewChangeMessage {
    return {
      type: 'start_view_change',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      replica: this.id,
    };
  }

  /** A lost StartViewChange or DoViewChange delays the view change but never wedges it. */
  private onViewChangeResendTimeout(now: number, out: Outbox): void {
    if (this.status !== 'view-change') return;
    this.broadcastStartViewChange(out);
    this.askOutsiders(out);
    if (this.doViewChangeSent && this.primary !== this.id) out.send(this.primary, this.doViewChangeMessage());
    this.deadlines.viewChangeResend = now + this.config.timing.prepareRetryMs;
  }

  private onStartViewChange(message: StartViewChangeMessage, now: number, out: Outbox): void {
    if (message.view < this.view)
      return out.ignore('start_view_change', `older view ${message.view} < ${this.view}`);
    if (message.replica === this.id || !this.isMember(message.replica))
      return out.ignore('start_view_change', 'sender is not another replica of this configuration');
    if (message.view > this.view)
      this.startViewChange(
        message.view,
        `replica ${message.replica} moved to view ${message.view}`,
        now,
        out,
      );
    if (this.status === 'normal') return this.resendStartView(message.replica, 'start_view_change', out);
    assert(
      this.status === 'view-change' && this.view === message.view,
      'counting votes for our own view change',
    );
    if (this.startViewChanges.add(message.replica)) this.sendDoViewChange(now, out);
  }

  private doViewChangeMessage(): DoViewChangeMessage {
    return {
      type: 'do_view_change',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      log: this.log.slice(),
      lastNormalView: this.lastNormalView,
      opNumber: this.opNumber,
      commitNumber: this.commitNumber,
      replica: this.id,
    };
  }

  /** §4.2 step 2: after f StartViewChange from others, tell the new primary what we hold. */
  private sendDoViewChange(now: number, out: Outbox): void {
    assert(this.status === 'view-change', 'DoViewChange is sent in view-change status');
    assert(!this.doViewChangeSent, 'DoViewChange is sent once per view (then only resent)');
    this.doViewChangeSent = true;
    const message = this.doViewChangeMessage();
    if (this.primary === this.id) this.onDoViewChange(message, now, out);
    else out.send(this.primary, message);
  }

  private onDoViewChange(message: DoViewChangeMessage, now: number, out: Outbox): void {
    if (message.view < this.view)
      return out.ignore('do_view_change', `older view ${message.view} < ${this.view}`);
    if (!this.isMember(message.replica))
      return out.ignore('do_view_change', 'sender is not in this configuration');
    const problem =
      message.lastNormalView >= message.view
        ? `last normal view ${message.lastNormalView} is not before view ${message.view}`
        : logProblem(message.log, message);
    if (problem !== null) return out.ignore('do_view_change', problem);
    if (message.view > this.view)
      this.startViewChange(
        message.view,
        `replica ${message.replica} moved to view ${message.view}`,
        now,
        out,
      );
    if (this.status === 'normal') return this.resendStartView(message.replica, 'do_view_change', out);
    if (this.primary !== this.id) return out.ignore('do_view_change', `not the primary of view ${this.view}`);
    if (this.doViewChanges[message.replica] !== null) return out.ignore('do_view_change', 'already counted');
    this.doViewChanges[message.replica] = message;
    // §4.2 step 3: f+1 DoViewChange, our own among them.
    const received = this.doViewChanges.filter((m) => m !== null).length;
    const required = this.breaks('start-view-without-quorum') ? 1 : this.f + 1;
    if (this.doViewChanges[this.id] !== null && received >= required) this.startView(now, out);
  }

  /** The replica missed our StartView: it is still in view change for the view we lead. */
  private resendStartView(
    replica: ReplicaId,
    because: 'start_view_change' | 'do_view_change',
    out: Outbox,
  ): void {
    if (!this.isPrimary() || replica === this.id) return out.ignore(because, 'view already started');
    out.send(replica, this.startViewMessage());
  }

  private startViewMessage(): StartViewMessage {
    return {
      type: 'start_view',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      log: this.log.slice(),
      opNumber: this.opNumber,
      commitNumber: this.commitNumber,
    };
  }

  /** The log the new view starts from: greatest last-normal view, then greatest op-number (§4.2 step 3). */
  chooseLog(received: readonly DoViewChangeMessage[]): DoViewChangeMessage {
    assert(received.length > 0, 'a log is chosen from at least one DoViewChange');
    let best = received[0];
    for (const candidate of received) {
      const later = this.breaks('longest-log-wins')
        ? candidate.opNumber > best.opNumber
        : candidate.lastNormalView > best.lastNormalView ||
          (candidate.lastNormalView === best.lastNormalView && candidate.opNumber > best.opNumber);
      if (later) best = candidate;
    }
    return best;
  }

  private startView(now: number, out: Outbox): void {
    assert(this.status === 'view-change' && this.isPrimary(), 'only the new primary starts a view');
    const received = this.doViewChanges.filter((m): m is DoViewChangeMessage => m !== null);
    const best = this.chooseLog(received);
    if (best.log.length < this.commitNumber)
      // Only a lost commit or a forged DoViewChange gets here: refuse to start the view on it.
      return out.ignore(
        'do_view_change',
        `the chosen log lacks ops we executed (up to ${this.commitNumber})`,
      );
    const commitNumber = Math.max(...received.map((m) => m.commitNumber));
    this.installLog(best.log, 0);
    this.transitionToNormal('view-change', now, out);
    out.note({
      kind: 'view-started',
      view: this.view,
      primary: this.id,
      via: `log of replica ${best.replica}`,
    });
    // Execute first, so StartView carries the commit-number the new view starts from (§4.2 step 3).
    this.executeUpTo(Math.min(commitNumber, this.opNumber), true, out);
    const startView = this.startViewMessage();
    for (const replica of this.members) if (replica !== this.id) out.send(replica, startView);
    this.commitAcknowledged(out);
  }

  private onStartView(message: StartViewMessage, now: number, out: Outbox): void {
    if (message.view < this.view)
      return out.ignore('start_view', `older view ${message.view} < ${this.view}`);
    if (message.view === this.view && this.status === 'normal')
      return out.ignore('start_view', 'already in this view');
    if (this.primaryOfView(message.view) === this.id) return out.ignore('start_view', 'we are its primary');
    const problem = logProblem(message.log, message);
    if (problem !== null) return out.ignore('start_view', problem);
    if (message.log.length < this.commitNumber)
      // Only a lost commit or a forged message looks like this: refuse it rather than assert.
      return out.ignore(
        'start_view',
        `its log of ${message.log.length} ops lacks ops we executed (up to ${this.commitNumber})`,
      );
    const previous = this.status;
    this.view = message.view;
    this.installLog(message.log, 0);
    this.transitionToNormal(previous, now, out);
    out.note({ kind: 'view-started', view: this.view, primary: this.primary, via: 'start_view' });
    // §4.2 step 5: execute what is committed; acknowledge the uncommitted suffix we now hold.
    this.executeUpTo(Math.min(message.commitNumber, this.opNumber), false, out);
    if (this.opNumber > 0) this.sendPrepareOk(this.view, this.opNumber, out);
  }

  /** Keeps our first `keep` entries, appends `entries` after them, and recomputes the latest request per client. */
  private installLog(entries: readonly LogEntry[], keep: number): void {
    assert(keep <= this.opNumber, `cannot keep ${keep} entries of a log of ${this.opNumber}`);
    if (keep === 0) this.log = new AppendOnly(entries.slice());
    else {
      this.log.truncate(keep);
      for (const entry of entries) this.log.push(entry);
    }
    // Ops up to our commit-number are the same in every log (agreement), so executed state stays valid.
    assert(this.opNumber >= this.commitNumber, 'an installed log holds every op we executed');
    this.recomputeLatestRequests();
  }

  private recomputeLatestRequests(): void {
    this.latestRequest.clear();
    for (const [client, row] of this.clientTable) this.latestRequest.set(client, row.request);
    for (let opNumber = this.commitNumber + 1; opNumber <= this.opNumber; opNumber++) {
      const entry = this.log.at(opNumber - 1);
      if (entry.request > (this.latestRequest.get(entry.client) ?? 0))
        this.latestRequest.set(entry.client, entry.request);
    }
  }

  /** Status becomes normal in the current view; every timer is armed or stopped for the new role. */
  private transitionToNormal(from: ReplicaStatus, now: number, out: Outbox): void {
    assert(
      from !== 'normal' || this.view > this.lastNormalView || this.pendingTransfer !== null,
      'a transition changes something',
    );
    this.status = 'normal';
    this.lastNormalView = this.view;
    this.resetViewChangeState();
    this.clearNormalState();
    this.deadlines.viewChangeResend = Infinity;
    this.deadlines.recovery = Infinity;
    if (this.isPrimary()) {
      this.deadlines.viewChange = Infinity;
      this.deadlines.heartbeat = now + this.config.timing.heartbeatMs;
      this.preparedSinceHeartbeat = false;
      if (this.opNumber > this.commitNumber)
        this.deadlines.prepareRetry = now + this.config.timing.prepareRetryMs;
    } else {
      // Not yet proof the view works (the primary may not hear us): that is its first Prepare or Commit.
      this.awaitPrimary(now);
    }
    if (from !== 'normal') out.note({ kind: 'status', from, to: 'normal', view: this.view });
  }

  // ---------------------------------------------------------------- state transfer (§5.2)

  /**
   * We heard from a later view. Our uncommitted suffix may be wrong, so we fetch everything after our
   * commit-number, but keep our log and view until the new state arrives and is installed at once:
   * truncating first could lose a committed op if another view change happens meanwhile (§5.2).
   */
  private learnOfLaterView(view: number, via: 'prepare' | 'commit', now: number, out: Outbox): void {
    if (this.breaks('truncate-before-new-state')) this.truncateAndAdoptView(view, now, out);
    if (this.pendingTransfer !== null && this.pendingTransfer.view >= view)
      return out.ignore(via, `waiting for the state of view ${this.pendingTransfer.view}`);
    this.requestState(view, this.commitNumber, `heard of later view ${view}`, now, out);
  }

  /** The mutation truncate-before-new-state: drop the uncommitted suffix and join `view` at once. */
  private truncateAndAdoptView(view: number, now: number, out: Outbox): void {
    this.log.truncate(this.commitNumber);
    this.recomputeLatestRequests();
    const previous = this.status;
    this.view = view;
    this.transitionToNormal(previous, now, out);
  }

  private requestState(view: number, fromOp: number, reason: string, now: number, out: Outbox): void {
    if (this.pendingTransfer !== null && this.pendingTransfer.view >= view) return;
    const target = this.primaryOfView(view);
    this.pendingTransfer = {
      view,
      fromOp,
      attempt: 0,
      target: target === this.id ? (target + 1) % this.replicaCount : target,
    };
    out.note({ kind: 'state-requested', view, target: this.pendingTransfer.target, reason });
    this.sendGetState(now, out);
  }

  private sendGetState(now: number, out: Outbox): void {
    const pending = this.pendingTransfer;
    assert(pending !== null, 'a state request is pending');
    out.send(pending.target, {
      type: 'get_state',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: pending.view,
      opNumber: pending.fromOp,
      commitNumber: this.commitNumber,
      replica: this.id,
    });
    this.deadlines.stateTransfer = now + this.config.timing.prepareRetryMs;
  }

  /** A backup missing ops in its own view gives reordering a moment to fill the gap before fetching. */
  private watchGap(now: number): void {
    if (this.pendingTransfer === null && this.deadlines.stateTransfer === Infinity)
      this.deadlines.stateTransfer = now + this.config.timing.prepareRetryMs;
  }

  private hasGap(): boolean {
    if (this.knownCommit > this.opNumber) return true;
    for (const opNumber of this.pendingPrepares.keys()) if (opNumber > this.opNumber + 1) return true;
    return false;
  }

  /** No NewState yet: ask the next replica (the first may be down or have moved on). */
  private onStateTransferTimeout(now: number, out: Outbox): void {
    if (this.status === 'recovering' || this.status === 'retired') return;
    if (this.status === 'leaving') return this.resendStartEpoch(now, out);
    const pending = this.pendingTransfer;
    if (pending === null) {
      if (this.status === 'normal' && !this.isPrimary() && this.hasGap())
        this.requestState(this.view, this.opNumber, `ops missing after op ${this.opNumber}`, now, out);
      return;
    }
    if (this.settleTransfer()) return;
    pending.attempt++;
    pending.target = (pending.target + 1) % this.replicaCount;
    if (pending.target === this.id) pending.target = (pending.target + 1) % this.replicaCount;
    this.sendGetState(now, out);
  }

  /**
   * A transfer within our own view exists to fill a gap. When the gap closed by other means
   * (retransmitted prepares, a NewState with nothing new), it ends: else the replica asked again
   * every retry interval forever, and every answer shipped a log suffix. Returns whether it ended.
   */
  private settleTransfer(): boolean {
    const pending = this.pendingTransfer;
    if (
      pending === null ||
      pending.epoch !== undefined ||
      pending.view !== this.view ||
      this.status !== 'normal' ||
      this.hasGap()
    )
      return false;
    this.endTransfer();
    return true;
  }

  private endTransfer(): void {
    this.pendingTransfer = null;
    this.deadlines.stateTransfer = Infinity;
  }

  private onGetState(message: GetStateMessage, out: Outbox): void {
    // §7: a replica of an older epoch, or one outside our group, gets committed state only.
    if ((message.epoch ?? 0) < this.epoch || !this.isMember(message.replica) || this.status === 'leaving')
      return this.sendCommittedState(message, out);
    if (this.status !== 'normal' || this.view !== message.view)
      return out.ignore('get_state', `not normal in view ${message.view}`);
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('get_state', 'sender is not another replica');
    if (message.opNumber > this.opNumber)
      return out.ignore('get_state', `we hold less than op ${message.opNumber}`);
    out.send(message.replica, {
      type: 'new_state',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      fromOp: message.opNumber,
      entries: this.log.slice(message.opNumber),
      opNumber: this.opNumber,
      commitNumber: this.commitNumber,
      state: this.stateSince(message.commitNumber),
    });
  }

  /** The committed log after the requester's op-number (it crosses epochs: the reconfiguration ops are in it). */
  private sendCommittedState(message: GetStateMessage, out: Outbox): void {
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('get_state', 'sender is not another replica');
    if (!this.hasState()) return out.ignore('get_state', `no state to give (${this.status})`);
    if (message.opNumber > this.commitNumber)
      return out.ignore('get_state', `we committed less than op ${message.opNumber}`);
    out.send(message.replica, {
      type: 'new_state',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      view: this.view,
      fromOp: message.opNumber,
      entries: this.log.slice(message.opNumber, this.commitNumber),
      opNumber: this.commitNumber,
      commitNumber: this.commitNumber,
      state: this.stateSince(message.commitNumber),
      committedOnly: true,
    });
  }

  /** Only what changed after `sinceCommit`: the state machine's delta and the client-table rows. */
  private stateSince(sinceCommit: number): StateTransfer {
    const since = Math.min(sinceCommit, this.commitNumber);
    const clientTable: ClientTableRow[] = [];
    for (const row of this.clientTable.values()) if (row.op > since) clientTable.push(row);
    return { delta: this.stateMachine.delta(since), clientTable };
  }

  private onNewState(message: NewStateMessage, now: number, out: Outbox): void {
    if (this.pendingTransfer?.epoch !== undefined || (message.epoch ?? 0) !== this.epoch)
      return this.onNewStateOfLaterEpoch(message, out);
    if (message.committedOnly === true)
      return out.ignore('new_state', 'committed state for an epoch transfer we no longer wait for');
    if (message.view < this.view) return out.ignore('new_state', `older view ${message.view} < ${this.view}`);
    if (message.view === this.view && this.status !== 'normal')
      return out.ignore('new_state', 'view change in progress');
    if (message.view > this.view && message.fromOp > this.commitNumber)
      return out.ignore('new_state', 'does not start within our committed prefix');
    if (message.view === this.view && message.fromOp > this.opNumber)
      return out.ignore('new_state', 'leaves a gap in our log');
    if (message.opNumber < this.commitNumber)
      return out.ignore('new_state', 'holds less than our committed prefix');
    const problem = newStateProblem(message, this.stateMachine, this.commitNumber);
    if (problem !== null) return out.ignore('new_state', problem);
    const laterView = message.view > this.view;
    if (!laterView && message.opNumber <= this.opNumber && message.commitNumber <= this.commitNumber) {
      // Retransmitted prepares may have closed the gap first: then the transfer is done too.
      this.settleTransfer();
      return out.ignore('new_state', 'nothing new');
    }
    if (laterView || message.opNumber > this.opNumber) this.installLog(message.entries, message.fromOp);
    if (message.commitNumber > this.commitNumber) this.installCommitted(message, out);
    if (laterView) {
      const previous = this.status;
      this.view = message.view;
      this.transitionToNormal(previous, now, out);
      out.note({ kind: 'view-started', view: this.view, primary: this.primary, via: 'new_state' });
    } else {
      this.appendPendingPrepares();
      this.deadlines.viewChange = now + this.viewChangeTimeout();
    }
    if (this.pendingTransfer !== null && this.pendingTransfer.view <= this.view) this.endTransfer();
    if (!this.isPrimary() && this.opNumber > 0) this.sendPrepareOk(this.view, this.opNumber, out);
  }

  /**
   * §7: committed state that crosses into a later epoch. Installed at once (the log after our
   * commit-number, the delta, the client table); the reconfiguration ops in it name the epochs we
   * then enter. A replica that answered without the op we wait for leaves the transfer pending.
   */
  private onNewStateOfLaterEpoch(message: NewStateMessage, out: Outbox): void {
    const pending = this.pendingTransfer;
    if (pending === null || pending.epoch === undefined)
      return out.ignore('new_state', `of epoch ${message.epoch ?? 0}, while we are in epoch ${this.epoch}`);
    if (message.opNumber !== message.commitNumber)
      return out.ignore('new_state', 'holds uncommitted ops: not an epoch transfer');
    if (message.fromOp > this.commitNumber)
      return out.ignore('new_state', 'does not start within our committed prefix');
    if (message.commitNumber <= this.commitNumber) return out.ignore('new_state', 'nothing new');
    const problem = newStateProblem(message, this.stateMachine, this.commitNumber);
    if (problem !== null) return out.ignore('new_state', problem);
    this.installLog(message.entries, message.fromOp);
    this.installCommitted(message, out);
    if (this.latestConfiguration.epoch < pending.epoch)
      out.ignore('new_state', `still short of epoch ${pending.epoch}: asking on`);
  }

  /** Takes committed state from a NewState: the delta when it starts at or below our commit, else execution. */
  private installCommitted(message: NewStateMessage, out: Outbox): void {
    const { delta, clientTable } = message.state;
    if (delta.sinceCommit > this.commitNumber)
      return this.executeUpTo(Math.min(message.commitNumber, this.opNumber), false, out);
    this.stateMachine.applyDelta(delta, message.commitNumber);
    for (const row of clientTable) {
      const mine = this.clientTable.get(row.client);
      if (mine === undefined || mine.op < row.op) this.clientTable.set(row.client, row);
    }
    this.learnConfigurations(this.commitNumber, message.commitNumber);
    this.commitNumber = message.commitNumber;
    this.recomputeLatestRequests();
    out.note({
      kind: 'state-installed',
      via: 'new_state',
      commitNumber: this.commitNumber,
      opNumber: this.opNumber,
      deltaItems: deltaItemCount(delta) + clientTable.length,
      digest: this.stateMachine.digest(),
    });
  }

  /** Committed ops from+1..to installed without execution: the reconfigurations among them still count. */
  private learnConfigurations(from: number, to: number): void {
    const found = configurationsIn(this.log, from, to, this.latestConfiguration, this.replicaCount);
    if (found.length > 0) this.configurations = [...this.configurations, ...found];
  }

  // ---------------------------------------------------------------- recovery (§4.3)

  /**
   * Sends this recovery's request to every other replica: first, with crash vectors, the request
   * for the group's crash vector, then Recovery. A resend keeps the nonce: it names one recovery,
   * not one attempt, so the answers gathered so far still count. Taking a fresh nonce per resend
   * threw them away, and a recovery whose round trip took longer than the retry interval never ended.
   */
  private sendRecoveryRound(now: number, out: Outbox): void {
    assert(this.status === 'recovering', 'only a recovering replica sends Recovery');
    const message: CrashVectorRequestMessage | RecoveryMessage =
      this.recoveryPhase === 'crash-vector'
        ? { type: 'crash_vector_request', replica: this.id, nonce: this.nonce }
        : {
            type: 'recovery',
            crashVector: this.sentCrashVector,
            epoch: this.sentEpoch,
            replica: this.id,
            nonce: this.nonce,
          };
    for (let replica = 0; replica < this.replicaCount; replica++)
      if (replica !== this.id) out.send(replica, message);
    this.deadlines.recovery = now + this.config.timing.recoveryRetryMs;
  }

  private onRecoveryTimeout(now: number, out: Outbox): void {
    if (this.status !== 'recovering') return;
    this.recoveryAttempt++;
    this.sendRecoveryRound(now, out);
  }

  /** Any replica that is not recovering itself tells a restarted one the crash vector it knows. */
  private onCrashVectorRequest(message: CrashVectorRequestMessage, out: Outbox): void {
    if (!this.crashVectors)
      return out.ignore('crash_vector_request', "the paper's recovery has no crash vectors");
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('crash_vector_request', 'sender is not another replica');
    out.send(message.replica, {
      type: 'crash_vector_response',
      crashVector: this.crashVector,
      epoch: this.sentEpoch,
      members: this.epoch === 0 ? undefined : this.members,
      nonce: message.nonce,
      replica: this.id,
    });
  }

  /**
   * With f+1 answers the restarted replica knows every incarnation any quorum knows (each answer
   * was merged into our vector on arrival), its own old one among them: it takes the next one and
   * asks for the state. Its Recovery carries the new vector, and the f+1 replicas that answer it
   * learn the new incarnation before this replica takes part in anything.
   */
  private onCrashVectorResponse(message: CrashVectorResponseMessage, now: number, out: Outbox): void {
    if (this.status !== 'recovering' || this.recoveryPhase !== 'crash-vector')
      return out.ignore('crash_vector_response', 'not learning the crash vector');
    if (message.nonce !== this.nonce) return out.ignore('crash_vector_response', 'stale nonce');
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('crash_vector_response', 'sender is not another replica');
    this.crashVectorResponses[message.replica] = message;
    if (this.latestGroupAnswers(this.crashVectorResponses) === null) return;
    const vector = this.crashVector.slice();
    vector[this.id]++;
    this.crashVector = vector;
    this.recoveryPhase = 'state';
    out.note({ kind: 'incarnation-started', incarnation: vector[this.id], crashVector: vector });
    this.sendRecoveryRound(now, out);
  }

  private onRecovery(message: RecoveryMessage, out: Outbox): void {
    if (this.status !== 'normal') return out.ignore('recovery', 'only normal replicas answer recovery');
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('recovery', 'sender is not another replica');
    const primaryState = this.isPrimary()
      ? {
          log: this.log.slice(),
          opNumber: this.opNumber,
          commitNumber: this.commitNumber,
          state: this.stateSince(0),
        }
      : null;
    out.send(message.replica, {
      type: 'recovery_response',
      crashVector: this.sentCrashVector,
      epoch: this.sentEpoch,
      members: this.epoch === 0 ? undefined : this.members,
      view: this.view,
      nonce: message.nonce,
      replica: this.id,
      primaryState,
    });
  }

  private onRecoveryResponse(message: RecoveryResponseMessage, now: number, out: Outbox): void {
    if (this.status !== 'recovering') return out.ignore('recovery_response', 'not recovering');
    if (this.recoveryPhase !== 'state')
      return out.ignore('recovery_response', 'still learning the crash vector');
    if (message.nonce !== this.nonce) return out.ignore('recovery_response', 'stale nonce');
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('recovery_response', 'sender is not another replica');
    const state = message.primaryState;
    if (state !== null) {
      const problem = this.stateMachine.deltaProblem(state.state.delta) ?? logProblem(state.log, state);
      if (problem !== null) return out.ignore('recovery_response', problem);
    }
    this.recoveryResponses[message.replica] = message;
    const latest = this.latestGroupAnswers(this.recoveryResponses);
    if (latest === null) return;
    const { members, answers: responses } = latest;
    const latestView = Math.max(...responses.map((m) => m.view));
    const fromPrimary = this.breaks('recovery-without-primary')
      ? responses.filter((m) => m.primaryState !== null).sort((a, b) => b.view - a.view)[0]
      : responses.find((m) => m.view === latestView && m.replica === primaryIn(members, latestView));
    if (fromPrimary === undefined || fromPrimary.primaryState === null) return; // §4.3: wait for the latest primary
    // §7: an uncommitted reconfiguration may have committed elsewhere and started a later epoch, whose
    // view 0 this replica may have led before it crashed (view 0 of an epoch starts without a
    // quorum). Its state must then come from that epoch's group: wait for answers naming it.
    const { log, commitNumber } = fromPrimary.primaryState;
    for (let opNumber = commitNumber + 1; opNumber <= log.length; opNumber++)
      if (isReconfigurationOp(log[opNumber - 1].op)) return;
    this.completeRecovery(fromPrimary, responses, now, out);
  }

  /**
   * A restarted replica knows no configuration: the answers name their epoch and group. It counts
   * f'+1 answers from the group of the latest epoch among them (§4.3 within that epoch), or null.
   */
  private latestGroupAnswers<M extends RecoveryResponseMessage | CrashVectorResponseMessage>(
    received: readonly (M | null)[],
  ): { members: readonly ReplicaId[]; answers: M[] } | null {
    let epoch = 0;
    let members = this.configurations[0].members;
    for (const m of received)
      if (m !== null && (m.epoch ?? 0) > epoch && m.members !== undefined) {
        epoch = m.epoch ?? 0;
        members = m.members;
      }
    const answers = received.filter(
      (m): m is M => m !== null && (m.epoch ?? 0) === epoch && members.includes(m.replica),
    );
    return answers.length < groupFaults(members) + 1 ? null : { members, answers };
  }

  private completeRecovery(
    fromPrimary: RecoveryResponseMessage,
    responses: readonly RecoveryResponseMessage[],
    now: number,
    out: Outbox,
  ): void {
    const state = fromPrimary.primaryState;
    assert(state !== null, 'recovery adopts the state of a primary');
    assert(this.commitNumber === 0 && this.opNumber === 0, 'a recovering replica starts from nothing');
    this.view = fromPrimary.view;
    this.stateMachine.applyDelta(state.state.delta, state.commitNumber);
    for (const row of state.state.clientTable) this.clientTable.set(row.client, row);
    this.commitNumber = state.commitNumber;
    this.installLog(state.log, 0);
    // §7: the committed log names every epoch; this replica's configuration may be long gone.
    this.learnConfigurations(0, this.commitNumber);
    const config = this.latestConfiguration;
    if (config.epoch > 0) {
      this.epoch = config.epoch;
      this.members = config.members;
      this.f = groupFaults(config.members);
      this.resetViewChangeState();
      out.note({
        kind: 'epoch-started',
        epoch: config.epoch,
        members: config.members,
        startOp: config.startOp,
      });
    }
    const member = this.isMember(this.id);
    if (member) this.transitionToNormal('recovering', now, out);
    else {
      // §7: recovered, but the group no longer has us: silent until a reconfiguration names us again.
      this.status = 'spare';
      this.deadlines = noDeadlines();
      out.note({ kind: 'status', from: 'recovering', to: 'spare', view: this.view });
    }
    this.recoveryResponses.fill(null);
    this.crashVectorResponses.fill(null);
    out.note({
      kind: 'state-installed',
      via: 'recovery',
      commitNumber: this.commitNumber,
      opNumber: this.opNumber,
      deltaItems: deltaItemCount(state.state.delta) + state.state.clientTable.length,
      digest: this.stateMachine.digest(),
    });
    out.note({
      kind: 'recovered',
      view: this.view,
      primary: fromPrimary.replica,
      responders: responses.map((m) => m.replica),
    });
    if (member && this.opNumber > 0 && !this.isPrimary()) this.sendPrepareOk(this.view, this.opNumber, out);
  }

  // ---------------------------------------------------------------- reconfiguration (§7)

  /** Whether this replica holds a state it can serve (not a spare, recovering or retired). */
  hasState(): boolean {
    return this.status === 'normal' || this.status === 'view-change' || this.status === 'leaving';
  }

  /** A committed reconfiguration is known here whose epoch this replica has not entered yet. */
  private epochDue(): boolean {
    return this.latestConfiguration.epoch > this.epoch;
  }

  /**
   * A message from another epoch. From a later one: this replica is behind, and fetches the state
   * first (the log up to the reconfiguration op names the new group). From an older one: the sender
   * is behind; it is told where the group went. State transfer, recovery and the epoch messages work
   * across epochs and go on to their handlers. Returns whether the message was dealt with here.
   */
  private crossesEpochs(from: ReplicaId, message: Message, now: number, out: Outbox): boolean {
    switch (message.type) {
      case 'request':
      case 'reply':
      case 'new_epoch':
      case 'get_state':
      case 'new_state':
      case 'start_epoch':
      case 'epoch_started':
      case 'recovery':
      case 'recovery_response':
      case 'crash_vector_request':
      case 'crash_vector_response':
        return false;
      default:
        break;
    }
    const epoch = message.epoch ?? 0;
    if (epoch === this.epoch) return false;
    if (epoch > this.epoch) {
      this.learnOfLaterEpoch(epoch, from, message.type, now, out);
      return true;
    }
    out.ignore(message.type, `older epoch ${epoch} < ${this.epoch}`);
    if (this.hasState()) out.send(from, this.startEpochMessage());
    return true;
  }

  private learnOfLaterEpoch(
    epoch: number,
    from: ReplicaId,
    via: MessageType,
    now: number,
    out: Outbox,
  ): void {
    const pending = this.pendingTransfer;
    if (pending !== null && pending.epoch !== undefined && pending.epoch >= epoch)
      return out.ignore(via, `waiting for the state of epoch ${pending.epoch}`);
    if (this.status === 'leaving') return this.retireAfterLaterEpoch(epoch, out);
    this.requestEpochState(epoch, from, `heard of later epoch ${epoch}`, now, out);
  }

  /** Asks for the committed state after our commit-number: it holds the reconfiguration op that starts `epoch`. */
  private requestEpochState(
    epoch: number,
    target: ReplicaId,
    reason: string,
    now: number,
    out: Outbox,
  ): void {
    assert(epoch > this.epoch, 'an epoch transfer fetches a later epoch');
    assert(target !== this.id, 'an epoch transfer asks another replica');
    this.pendingTransfer = { view: 0, epoch, fromOp: this.commitNumber, attempt: 0, target };
    out.note({ kind: 'state-requested', view: 0, target, reason });
    this.sendGetState(now, out);
  }

  private startEpochMessage(): StartEpochMessage {
    return {
      type: 'start_epoch',
      crashVector: this.sentCrashVector,
      epoch: this.epoch,
      members: this.members,
      opNumber: this.latestConfiguration.startOp,
      commitNumber: this.commitNumber,
      replica: this.id,
    };
  }

  /** A spare (in no group yet) or a leaving replica (out of the new one) takes only what §7 gives it. */
  private onMessageOutsideGroup(from: NodeId, message: Message, now: number, out: Outbox): void {
    const leaving = this.status === 'leaving';
    switch (message.type) {
      case 'start_epoch':
        return this.onStartEpoch(message, now, out);
      case 'new_state':
        // Only the state of a later epoch this replica asked for (a late answer finds none pending).
        if (this.pendingTransfer?.epoch !== undefined) return this.onNewState(message, now, out);
        break;
      case 'get_state':
        if (leaving) return this.onGetState(message, out);
        break;
      case 'epoch_started':
        if (leaving) return this.onEpochStarted(message, out);
        break;
      case 'request':
        // A client that knows only the old group still finds the new one.
        if (leaving) return out.send(message.client, this.newEpochMessage());
        break;
      default:
        break;
    }
    if (leaving) return out.ignore(message.type, 'leaving: out of the group');
    out.ignore(message.type, 'spare: in no group yet');
  }

  /**
   * §7: told to start an epoch. A member of it that holds its state confirms (epoch_started); one
   * that does not fetches the state from the sender first (the sender, an old member, holds it).
   */
  private onStartEpoch(message: StartEpochMessage, now: number, out: Outbox): void {
    if (message.replica === this.id || message.replica >= this.replicaCount)
      return out.ignore('start_epoch', 'sender is not another replica');
    if (message.epoch <= this.epoch) {
      const config = this.configurations.find((c) => c.epoch === message.epoch);
      const held =
        this.hasState() &&
        config !== undefined &&
        config.members.includes(this.id) &&
        (this.status !== 'leaving' || message.epoch < this.epoch);
      // The group moved on past that epoch: say where it is now. A replica still leaving an older
      // epoch then retires, instead of waiting for confirmations from members that retired since.
      if (this.hasState() && message.epoch < this.epoch && this.status !== 'leaving')
        return out.send(message.replica, this.startEpochMessage());
      if (held)
        return out.send(message.replica, {
          type: 'epoch_started',
          crashVector: this.sentCrashVector,
          epoch: message.epoch,
          replica: this.id,
        });
      // The group moved on past that epoch: say where it is now.
      if (this.hasState() && message.epoch < this.epoch)
        return out.send(message.replica, this.startEpochMessage());
      return out.ignore('start_epoch', `not a member holding the state of epoch ${message.epoch}`);
    }
    const pending = this.pendingTransfer;
    if (pending !== null && pending.epoch !== undefined && pending.epoch >= message.epoch)
      return out.ignore('start_epoch', `already fetching the state of epoch ${pending.epoch}`);
    if (this.status === 'leaving') return this.retireAfterLaterEpoch(message.epoch, out);
    if (this.status === 'spare' && !message.members.includes(this.id))
      return out.ignore('start_epoch', 'a spare not in the group it names');
    if (this.breaks('serve-before-transfer'))
      return this.learnConfiguration(message.epoch, message.members, message.opNumber);
    this.requestEpochState(message.epoch, message.replica, `told to start epoch ${message.epoch}`, now, out);
  }

  /** A leaving replica counts the new group's confirmations: f'+1 and it shuts down (§7). */
  private onEpochStarted(message: EpochStartedMessage, out: Outbox): void {
    assert(this.status === 'leaving', 'only a leaving replica counts epoch_started');
    if (message.epoch !== this.epoch) return out.ignore('epoch_started', `not for epoch ${this.epoch}`);
    if (!this.isMember(message.replica)) return out.ignore('epoch_started', 'sender is not in the new group');
    assert(this.epochStarted !== null, 'a leaving replica counts epoch_started');
    if (this.epochStarted.add(message.replica)) this.retire(out);
  }

  /** §7: a replica that left shuts down, silent forever. */
  private retire(out: Outbox): void {
    const from = this.status;
    this.status = 'retired';
    this.epochStarted = null;
    this.pendingTransfer = null;
    this.deadlines = noDeadlines();
    out.note({ kind: 'status', from, to: 'retired', view: this.view });
  }

  /**
   * A leaving replica heard of an epoch after the one it left for: that epoch's reconfiguration was
   * committed by the group it handed over to, so that group held the state. Its work is done.
   */
  private retireAfterLaterEpoch(epoch: number, out: Outbox): void {
    assert(this.status === 'leaving' && epoch > this.epoch, 'a later epoch ends a leaving replica');
    out.note({
      kind: 'info',
      text: `epoch ${epoch} started after epoch ${this.epoch}: the handover is done`,
    });
    this.retire(out);
  }

  /**
   * A leaving replica resends start_epoch to every other slot until f'+1 members of the new group
   * confirmed: its members answer epoch_started, and any replica of a later epoch says so.
   */
  private resendStartEpoch(now: number, out: Outbox): void {
    const message = this.startEpochMessage();
    for (let replica = 0; replica < this.replicaCount; replica++)
      if (replica !== this.id && this.epochStarted !== null && !this.epochStarted.has(replica))
        out.send(replica, message);
    this.deadlines.stateTransfer = now + this.config.timing.prepareRetryMs;
  }

  /**
   * Moves to the latest epoch a committed reconfiguration started. A member of the new group becomes
   * a normal replica of its view 0 (views restart per epoch) and tells the replicas leaving that it
   * holds the state; the old primary tells the newcomers to start. A replica that leaves waits for
   * f'+1 epoch_started (answering get_state meanwhile) before it shuts down.
   */
  private enterLatestEpoch(now: number, out: Outbox): void {
    const config = this.latestConfiguration;
    const previous = this.configurations[this.configurations.length - 2];
    assert(config.epoch > this.epoch, 'a replica moves to a later epoch');
    assert(
      this.commitNumber >= config.startOp ||
        this.breaks('start-epoch-before-commit') ||
        this.breaks('serve-before-transfer'),
      'a replica enters an epoch holding the op that started it',
    );
    const from = this.status;
    const wasPrimary = from === 'normal' && this.isPrimary();
    this.epoch = config.epoch;
    this.members = config.members;
    this.f = groupFaults(config.members);
    this.view = 0;
    this.lastNormalView = 0;
    this.jitterView = -1;
    this.backoffEasedIn = -1;
    this.epochStarted = null;
    this.resetViewChangeState();
    this.clearNormalState();
    this.deadlines = noDeadlines();
    out.note({
      kind: 'epoch-started',
      epoch: config.epoch,
      members: config.members,
      startOp: config.startOp,
    });
    const member = config.members.includes(this.id);
    if (member) {
      this.status = 'normal';
      if (this.isPrimary()) this.deadlines.heartbeat = now + this.config.timing.heartbeatMs;
      else this.awaitPrimary(now);
      if (this.opNumber > this.commitNumber && this.isPrimary())
        this.deadlines.prepareRetry = now + this.config.timing.prepareRetryMs;
      if (from !== 'normal') out.note({ kind: 'status', from, to: 'normal', view: 0 });
      const confirm: EpochStartedMessage = {
        type: 'epoch_started',
        crashVector: this.sentCrashVector,
        epoch: config.epoch,
        replica: this.id,
      };
      for (const replica of previous.members)
        if (!config.members.includes(replica)) out.send(replica, confirm);
      if (wasPrimary) {
        const start = this.startEpochMessage();
        for (const replica of config.members)
          if (replica !== this.id && !previous.members.includes(replica)) out.send(replica, start);
      }
      return;
    }
    if (from === 'spare' || !previous.members.includes(this.id)) {
      this.status = 'spare';
      return;
    }
    this.status = 'leaving';
    out.note({ kind: 'status', from, to: 'leaving', view: 0 });
    this.epochStarted = new QuorumTally(this.f + 1);
    if (this.breaks('retire-at-once')) return this.retire(out);
    const start = this.startEpochMessage();
    for (const replica of config.members) out.send(replica, start);
    this.deadlines.stateTransfer = now + this.config.timing.prepareRetryMs;
  }

  // ---------------------------------------------------------------- crash vectors (DISC 2017)

  /**
   * Every message between replicas carries its sender's crash vector. One from an incarnation we
   * know to be dead is dropped; a newer one is merged, and what we stored from the old incarnations
   * it reveals is forgotten. Returns whether the message may be handled.
   */
  private admitCrashVector(from: ReplicaId, message: Message, out: Outbox): boolean {
    if (
      message.type === 'request' ||
      message.type === 'reply' ||
      message.type === 'new_epoch' ||
      message.type === 'crash_vector_request'
    )
      return true;
    const theirs = message.crashVector;
    if (theirs === undefined || theirs.length !== this.replicaCount) {
      out.ignore(message.type, 'carries no crash vector of this configuration');
      return false;
    }
    if (fromDeadIncarnation(this.crashVector, theirs, from)) {
      out.ignore(
        message.type,
        `from incarnation ${theirs[from]} of replica ${from}, which restarted since (now ${this.crashVector[from]})`,
      );
      return false;
    }
    if (this.vectorSeenFrom[from] === theirs) return true;
    // Only we bump our own entry; a newer one elsewhere would mean another copy of us is running.
    const learning = this.status === 'recovering' && this.recoveryPhase === 'crash-vector';
    if (!learning && theirs[this.id] > this.crashVector[this.id]) {
      out.ignore(message.type, `names incarnation ${theirs[this.id]} of us, newer than ours`);
      return false;
    }
    this.vectorSeenFrom[from] = theirs;
    const newer = newerIncarnations(this.crashVector, theirs);
    if (newer === 0) return true;
    const merged = mergeCrashVectors(this.crashVector, theirs);
    this.crashVector = merged;
    for (let replica = 0; replica < this.replicaCount; replica++)
      if ((newer & (1 << replica)) !== 0 && replica !== this.id)
        out.note({
          kind: 'incarnation-seen',
          replica,
          incarnation: merged[replica],
          dropped: this.forgetIncarnation(replica),
        });
    return true;
  }

  /** `replica` restarted: whatever it told us before no longer counts toward any quorum. */
  private forgetIncarnation(replica: ReplicaId): MessageType[] {
    const dropped: MessageType[] = [];
    if (this.doViewChanges[replica] !== null) {
      this.doViewChanges[replica] = null;
      dropped.push('do_view_change');
    }
    if (this.startViewChanges.remove(replica)) dropped.push('start_view_change');
    if (this.acks[replica] > 0) {
      this.acks[replica] = 0;
      dropped.push('prepare_ok');
    }
    if (this.probe !== null && this.probe.remove(replica)) dropped.push('pre_view_change_ok');
    if (this.recoveryResponses[replica] !== null) {
      this.recoveryResponses[replica] = null;
      dropped.push('recovery_response');
    }
    return dropped;
  }

  // ---------------------------------------------------------------- time travel

  clone(): Replica {
    const copy = new Replica(this.config);
    copy.status = this.status;
    copy.view = this.view;
    copy.lastNormalView = this.lastNormalView;
    copy.commitNumber = this.commitNumber;
    copy.log = this.log.clone();
    copy.stateMachine = this.stateMachine.clone();
    copy.clientTable = new Map(this.clientTable);
    copy.latestRequest = new Map(this.latestRequest);
    copy.deadlines = { ...this.deadlines };
    copy.acks = this.acks.slice();
    copy.preparedSinceHeartbeat = this.preparedSinceHeartbeat;
    copy.startViewChanges = this.startViewChanges.clone();
    copy.doViewChanges = this.doViewChanges.slice();
    copy.doViewChangeSent = this.doViewChangeSent;
    copy.pendingTransfer = this.pendingTransfer === null ? null : { ...this.pendingTransfer };
    copy.pendingPrepares = new Map(this.pendingPrepares);
    copy.knownCommit = this.knownCommit;
    copy.entropy = this.entropy;
    copy.primaryHeardAt = this.primaryHeardAt;
    copy.primaryTimeoutDoublings = this.primaryTimeoutDoublings;
    copy.primaryHeardCalmly = this.primaryHeardCalmly;
    copy.viewChangeBackoff = this.viewChangeBackoff;
    copy.backoffEasedIn = this.backoffEasedIn;
    copy.probe = this.probe === null ? null : this.probe.clone();
    copy.recoveryPhase = this.recoveryPhase;
    copy.recoveryAttempt = this.recoveryAttempt;
    copy.nonce = this.nonce;
    copy.recoveryResponses = this.recoveryResponses.slice();
    copy.crashVectorResponses = this.crashVectorResponses.slice();
    copy.crashVector = this.crashVector;
    copy.vectorSeenFrom = this.vectorSeenFrom.slice();
    copy.epoch = this.epoch;
    copy.members = this.members;
    copy.f = this.f;
    copy.configurations = this.configurations;
    copy.epochStarted = this.epochStarted === null ? null : this.epochStarted.clone();
    return copy;
  }
}

/**
 * Who may send a message: a PrepareOk is counted only from the replica it names, a Prepare only from
 * its view's primary, and so on. For NewState any replica may answer (the sender is checked as a replica).
 */
function expectedSender(message: Message, members: readonly ReplicaId[]): NodeId | 'any replica' {
  switch (message.type) {
    case 'request':
      return message.client;
    case 'prepare':
    case 'commit':
    case 'start_view':
      return primaryIn(members, message.view);
    case 'new_state':
      return 'any replica';
    default:
      return message.replica;
  }
}

function newStateProblem(
  message: NewStateMessage,
  machine: StateMachine,
  commitNumber: number,
): string | null {
  if (message.entries.length !== message.opNumber - message.fromOp)
    return `${message.entries.length} entries do not span ops ${message.fromOp + 1}..${message.opNumber}`;
  if (message.commitNumber > message.opNumber)
    return `commit-number ${message.commitNumber} beyond op-number ${message.opNumber}`;
  if (message.commitNumber > commitNumber && message.state.delta.sinceCommit <= commitNumber)
    return machine.deltaProblem(message.state.delta);
  return null;
}

/** A log shipped with its op- and commit-number that does not add up (only a forged message does this). */
function logProblem(
  log: readonly LogEntry[],
  numbers: { readonly opNumber: number; readonly commitNumber: number },
): string | null {
  if (log.length !== numbers.opNumber)
    return `its log holds ${log.length} ops, not op-number ${numbers.opNumber}`;
  if (numbers.commitNumber > numbers.opNumber)
    return `commit-number ${numbers.commitNumber} beyond op-number ${numbers.opNumber}`;
  return null;
}
