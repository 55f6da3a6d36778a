/**
 * The deterministic world: replicas, clients, the network and an event queue in virtual time.
 * A run is fully defined by its scenario (config + seed + timed actions): the same scenario gives
 * the same trace, bit for bit, in Node and in the browser. Time is virtual and every random draw
 * comes from the seeded generator; nothing here reads the outside world.
 */
import {
  AssertionError,
  Client,
  clientIndex,
  clientName,
  isReplicaId,
  Outbox,
  Replica,
  type Message,
  type MessageType,
  type NodeId,
  type Note,
  type NoteOf,
  type ReplicaConfig,
  type ReplicaTimer,
} from '../protocol/index.ts';
import type { Checker } from './checkers/checker.ts';
import { EventQueue, kindCode } from './event-queue.ts';
import { noteCode, noteCompleted, noteIgnored, noteRecovered } from './note-codes.ts';
import type { Journal } from './journal.ts';
import { Network } from './network.ts';
import { Rng } from './rng.ts';
import type { Action, Scenario } from './scenario-types.ts';
import type { LossReason, MessageRecord, TraceEvent, TraceEventKind, Violation } from './trace.ts';
import { nextWorkloadOp, workloadThinkMs } from './workload.ts';

export interface WorldOptions {
  /** Where the world writes what happened; shared by a run's worlds (a replay writes nothing new). */
  readonly journal?: Journal | null;
  readonly checkers?: readonly Checker[];
  /** Stop at the first violation (the UI and the CLI do; a checker test may not). */
  readonly stopOnViolation?: boolean;
}

interface Rngs {
  readonly network: Rng;
  readonly faults: Rng;
  readonly workload: Rng;
  /** The entropy each replica starts with (the random part of its timeouts). */
  readonly replicas: Rng;
}

const noNotes: readonly Note[] = [];
/** Set by World.clone() for the constructor it calls: the world to copy and the copy's journal. */
let cloning: { readonly from: World; readonly journal: Journal | null } | null = null;
const deliverCode = kindCode.deliver;
const loseCode = kindCode.lose;
const wakeCode = kindCode.wake;
const workloadCode = kindCode.workload;
/** What a step's node does (act()). */
const actNothing = 0;
const actDeliver = 1;
const actReplicaTimer = 2;
const actClientRetry = 3;
const actWorkload = 4;
const actAction = 5;

export class World {
  readonly scenario: Scenario;
  readonly replicaCount: number;
  readonly actions: readonly Action[];
  now = 0;
  /** Logical events processed so far (deliveries, losses, timers, actions, workload requests). */
  eventCount = 0;
  nextSeq = 0;
  nextMessageId = 0;
  nextAction = 0;
  replicas: (Replica | null)[];
  clients: Client[];
  network: Network;
  queue = new EventQueue();
  /** When each node's wake event is due (Infinity: none queued): replicas first, then clients. */
  wakeAt: Float64Array;
  workloadRemaining: Int32Array;
  rngs: Rngs;
  /** Per replica: 1 while paused (pause / resume actions). */
  paused: Uint8Array;
  /** Per replica: messages that arrived while it was paused, in arrival order. */
  pausedInbox: MessageRecord[][];
  /**
   * Replicas without their state right now (crashed, or restarted and still recovering), and the
   * most there ever were at once. Once more than f lose it together, nobody may be left to answer a
   * recovery, and liveness is no longer promised (checkers/liveness.ts).
   */
  stateless = 0;
  statelessMax = 0;
  checkers: Checker[];
  violations: Violation[] = [];
  halted = false;
  journal: Journal | null;
  readonly stopOnViolation: boolean;
  /** Reused by every step: a step's notes are handed to its trace event, its sends consumed at once. */
  private outbox = new StepOutbox();
  /** The current step's event, handed to checkers: one object of one shape, reused every step. */
  private readonly event = new StepEvent();
  /**
   * The messages the current step sent (ids stepFirstSent .. nextMessageId - 1), for checkers, with
   * or without a journal. Overwritten in place, never truncated: entries past the step's count are
   * stale.
   */
  stepMessages: MessageRecord[] = [];
  stepFirstSent = 0;
  /** The record the current step delivers (valid while a deliver event is published). */
  private stepDelivered: MessageRecord | null = null;

  constructor(scenario: Scenario, options: WorldOptions = {}) {
    this.scenario = scenario;
    this.replicaCount = scenario.replicas;
    const source = cloning;
    if (source !== null) {
      // clone(): a deep copy of everything mutable; logs and messages are shared, they never change.
      cloning = null;
      const from = source.from;
      this.actions = from.actions;
      this.journal = source.journal;
      this.stopOnViolation = from.stopOnViolation;
      this.now = from.now;
      this.eventCount = from.eventCount;
      this.nextSeq = from.nextSeq;
      this.nextMessageId = from.nextMessageId;
      this.nextAction = from.nextAction;
      this.replicas = from.replicas.map((replica) => (replica === null ? null : replica.clone()));
      this.clients = from.clients.map((client) => client.clone());
      this.network = from.network.clone();
      this.queue = from.queue.clone();
      this.wakeAt = from.wakeAt.slice();
      this.workloadRemaining = from.workloadRemaining.slice();
      this.rngs = {
        network: from.rngs.network.clone(),
        faults: from.rngs.faults.clone(),
        workload: from.rngs.workload.clone(),
        replicas: from.rngs.replicas.clone(),
      };
      this.paused = from.paused.slice();
      this.pausedInbox = from.pausedInbox.map((inbox) => inbox.slice());
      this.stateless = from.stateless;
      this.statelessMax = from.statelessMax;
      this.checkers = from.checkers.map((checker) => checker.clone());
      this.violations = from.violations.slice();
      this.halted = from.halted;
      this.stepFirstSent = from.stepFirstSent;
      return;
    }
    this.actions = sortActions(scenario.actions);
    this.journal = options.journal ?? null;
    this.stopOnViolation = options.stopOnViolation ?? true;
    this.checkers = (options.checkers ?? []).map((checker) => checker.clone());
    const root = Rng.fromSeed(scenario.seed);
    this.rngs = {
      network: root.fork('network'),
      faults: root.fork('faults'),
      workload: root.fork('workload'),
      replicas: root.fork('replicas'),
    };
    this.network = new Network(scenario.network);
    this.replicas = [];
    for (let id = 0; id < scenario.replicas; id++)
      this.replicas.push(Replica.start(this.replicaConfig(id), 0, this.rngs.replicas.nextUint32()));
    this.paused = new Uint8Array(scenario.replicas);
    this.pausedInbox = Array.from({ length: scenario.replicas }, () => []);
    this.clients = [];
    for (let index = 0; index < scenario.clients; index++)
      this.clients.push(
        new Client({ id: clientName(index), replicaCount: scenario.replicas, timing: scenario.timing }),
      );
    this.wakeAt = new Float64Array(scenario.replicas + scenario.clients).fill(Infinity);
    for (let node = 0; node < this.wakeAt.length; node++) this.scheduleWake(node);
    this.workloadRemaining = new Int32Array(scenario.clients).fill(scenario.workload?.requestsPerClient ?? 0);
    for (let index = 0; index < scenario.clients; index++)
      if (this.workloadRemaining[index] > 0)
        this.scheduleWorkload(index, workloadThinkMs(this.rngs.workload));
  }

  replicaConfig(id: number): ReplicaConfig {
    const s = this.scenario;
    return {
      id,
      replicaCount: s.replicas,
      stateMachine: s.stateMachine,
      timing: s.timing,
      mutation: s.mutation,
      recovery: s.recovery,
    };
  }

  // ---------------------------------------------------------------- stepping

  /** Time of the next event (action or queued), or Infinity. Discards stale wake-ups on the way. */
  nextTime(): number {
    const actionAt = this.nextAction < this.actions.length ? this.actions[this.nextAction].at : Infinity;
    return Math.min(actionAt, this.nextQueuedTime());
  }

  private nextQueuedTime(): number {
    const queue = this.queue;
    while (queue.size > 0) {
      // A wake-up is stale when its node's timer moved since it was queued.
      if (queue.topKind !== wakeCode || this.wakeAt[queue.topTarget] === queue.topTime) return queue.topTime;
      queue.removeTop();
    }
    return Infinity;
  }

  /** Processes one event if there is one at or before `limit`; returns whether it did. */
  step(limit = this.scenario.until): boolean {
    const before = this.eventCount;
    // A wake-up whose timer was pushed back records nothing: keep going until something happens.
    while (!this.halted && this.eventCount === before) {
      const queuedAt = this.nextQueuedTime();
      const actionAt = this.nextAction < this.actions.length ? this.actions[this.nextAction].at : Infinity;
      // Actions at time t come before queued events at t: a live action and a replayed one then agree.
      if (actionAt <= queuedAt) {
        if (actionAt > limit) return false;
        this.applyAction(this.actions[this.nextAction++]);
      } else {
        if (queuedAt > limit) return false;
        this.handleTop();
      }
    }
    return this.eventCount !== before;
  }

  /** Runs every event up to and including time `limit`. */
  runUntil(limit: number): void {
    while (this.step(limit));
    if (!this.halted && limit !== Infinity && limit > this.now)
      this.now = Math.min(limit, this.scenario.until);
  }

  runToEnd(): void {
    this.runUntil(this.scenario.until);
  }

  /** Pops the queue's earliest event and processes it. */
  private handleTop(): void {
    const queue = this.queue;
    const kind = queue.topKind;
    const target = queue.topTarget;
    const message = queue.topMessage;
    this.now = queue.topTime;
    queue.removeTop();
    switch (kind) {
      case deliverCode:
        return this.deliver(message!);
      case loseCode:
        return this.lose(message!, message!.lossReason ?? 'network');
      case wakeCode:
        return this.wake(target);
      default:
        return this.issueWorkload(target);
    }
  }

  // Each kind of step fills in the world's one StepEvent once the step is done, then publishes it.

  private deliver(record: MessageRecord): void {
    const to = record.to;
    if (isReplicaId(to) && this.replicas[to] === null) return this.lose(record, 'crashed');
    // A paused replica reads nothing: the message waits for it (no event until it resumes).
    if (isReplicaId(to) && this.paused[to] === 1) return void this.pausedInbox[to].push(record);
    this.stepDelivered = record;
    const error = this.act(
      actDeliver,
      to,
      isReplicaId(to) ? to : this.replicaCount + this.clientIndexOf(to),
      record,
    );
    const event = this.event;
    event.kind = 'deliver';
    event.node = to;
    event.msgId = record.id;
    this.publish(error);
  }

  private lose(record: MessageRecord, reason: LossReason): void {
    const error = this.act(actNothing, record.to, null, null);
    const event = this.event;
    event.kind = 'lose';
    event.node = record.to;
    event.msgId = record.id;
    event.reason = reason;
    this.publish(error);
  }

  private wake(node: number): void {
    this.wakeAt[node] = Infinity;
    const event = this.event;
    if (node < this.replicaCount) {
      // A paused replica's timers fall due but do not fire: resume() wakes it.
      if (this.paused[node] === 1) return;
      const replica = this.replicas[node];
      const timer: ReplicaTimer | null = replica === null ? null : replica.dueTimer(this.now);
      if (replica === null || timer === null) return this.scheduleWake(node);
      const error = this.act(actReplicaTimer, node, node, timer);
      event.kind = 'timer';
      event.node = node;
      event.timer = timer;
      this.publish(error);
      return;
    }
    const client = this.clients[node - this.replicaCount];
    if (client.retryAt > this.now) return this.scheduleWake(node);
    const error = this.act(actClientRetry, client.id, node, null);
    event.kind = 'timer';
    event.node = client.id;
    event.timer = 'clientRetry';
    this.publish(error);
  }

  private issueWorkload(index: number): void {
    if (this.workloadRemaining[index] <= 0) return;
    this.workloadRemaining[index]--;
    const client = this.clients[index];
    const op = nextWorkloadOp(
      this.scenario,
      client.id,
      client.requestNumber + client.queue.length + 1,
      this.rngs.workload,
    );
    const error = this.act(actWorkload, client.id, this.replicaCount + index, op);
    const event = this.event;
    event.kind = 'workload';
    event.node = client.id;
    event.op = op;
    this.publish(error);
  }

  // ---------------------------------------------------------------- actions

  private applyAction(action: Action): void {
    this.now = Math.max(this.now, action.at);
    const node = actionNode(action);
    const nodeIndex =
      node === null ? null : isReplicaId(node) ? node : this.replicaCount + this.clientIndexOf(node);
    const error = this.act(actAction, node, nodeIndex, action);
    const event = this.event;
    event.kind = 'action';
    event.node = node;
    event.action = action;
    this.publish(error);
  }

  private performAction(action: Action, out: Outbox): void {
    switch (action.type) {
      case 'request': {
        const client = this.clients[action.client];
        if (!client.submit(action.op, this.now, out))
          out.note({ kind: 'info', text: `client c${action.client}'s queue is full` });
        return;
      }
      case 'crash': {
        const replica = this.replicas[action.replica];
        if (replica === null)
          return out.note({ kind: 'info', text: `replica ${action.replica} is already crashed` });
        if (replica.status !== 'recovering') this.countStateless(1);
        this.replicas[action.replica] = null;
        this.wakeAt[action.replica] = Infinity;
        this.unpause(action.replica);
        return;
      }
      case 'restart':
        if (this.replicas[action.replica] !== null)
          return out.note({ kind: 'info', text: `replica ${action.replica} is running: nothing to restart` });
        this.replicas[action.replica] = Replica.restart(
          this.replicaConfig(action.replica),
          this.now,
          this.rngs.faults.nextUint32(),
          out,
        );
        return;
      case 'pause':
        if (this.replicas[action.replica] === null || this.paused[action.replica] === 1)
          return out.note({
            kind: 'info',
            text: `replica ${action.replica} is not running: nothing to pause`,
          });
        this.paused[action.replica] = 1;
        return;
      case 'resume':
        if (this.paused[action.replica] === 0)
          return out.note({ kind: 'info', text: `replica ${action.replica} is not paused` });
        return this.resume(action.replica);
      case 'partition':
        return this.network.partition(action.groups);
      case 'heal':
        return this.network.heal();
      case 'cut':
        return this.network.cut(action.from, action.to);
      case 'mend':
        return this.network.mend(action.from, action.to);
      case 'drop':
        if (action.id !== undefined) return this.dropInFlight(action.id);
        return this.network.addRule({
          from: action.from,
          to: action.to,
          message: action.message,
          remaining: action.count ?? 1,
        });
      case 'duplicate':
        return this.duplicateInFlight(action.id);
      case 'network':
        this.network.params = {
          latencyMs: action.latencyMs ?? this.network.params.latencyMs,
          dropRate: action.dropRate ?? this.network.params.dropRate,
          duplicateRate: action.duplicateRate ?? this.network.params.duplicateRate,
        };
        return;
      case 'timeout': {
        const replica = this.replicas[action.replica];
        if (replica === null) return out.note({ kind: 'info', text: `replica ${action.replica} is crashed` });
        if (this.paused[action.replica] === 1)
          return out.note({ kind: 'info', text: `replica ${action.replica} is paused` });
        replica.forceViewChangeTimeout(this.now, out);
        return;
      }
      case 'workload': {
        const queued = this.queue.items();
        for (let index = 0; index < this.clients.length; index++) {
          // A client's workload goes on by itself while a workload step is queued for it, or while a
          // request is outstanding (its reply schedules the next): start it only when neither holds.
          const going =
            this.clients[index].pending !== null ||
            queued.some((event) => event.kind === 'workload' && event.target === index);
          this.workloadRemaining[index] = action.requestsPerClient;
          if (action.requestsPerClient > 0 && !going)
            this.scheduleWorkload(index, this.now + workloadThinkMs(this.rngs.workload));
        }
        return;
      }
    }
  }

  /**
   * A paused replica wakes: its overdue timers fire first (the wake-up is queued first), then the
   * messages that waited for it arrive, in the order they came. A real process does the same: a
   * Node event loop runs due timers before it polls its sockets.
   */
  private resume(replica: number): void {
    const inbox = this.pausedInbox[replica];
    this.unpause(replica);
    this.wakeAt[replica] = Infinity;
    this.scheduleWake(replica);
    for (const record of inbox) this.queue.add(this.now, this.nextSeq++, deliverCode, record.id, record);
  }

  private unpause(replica: number): void {
    this.paused[replica] = 0;
    if (this.pausedInbox[replica].length > 0) this.pausedInbox[replica] = [];
  }

  private countStateless(change: number): void {
    this.stateless += change;
    if (this.stateless > this.statelessMax) this.statelessMax = this.stateless;
  }

  /** Loses one message in flight: its delivery becomes a loss at the moment of the action. */
  private dropInFlight(id: number): void {
    const items = this.queue.items();
    const found = items.find((event) => event.kind === 'deliver' && event.message!.id === id);
    if (found === undefined) return;
    const rest = items.filter((event) => event !== found);
    this.queue = new EventQueue([]);
    for (const event of rest) this.queue.push(event);
    const record: MessageRecord = { ...found.message!, lostAt: this.now, lossReason: 'by hand' };
    this.queue.push({ time: this.now, seq: this.nextSeq++, kind: 'lose', target: id, message: record });
  }

  private duplicateInFlight(id: number): void {
    const found = this.queue.items().find((event) => event.kind === 'deliver' && event.message!.id === id);
    if (found === undefined) return;
    const original = found.message!;
    const delay = original.deliverAt - original.sentAt;
    this.recordMessage(
      original.from,
      original.to,
      original.message,
      this.now + Math.max(1, delay),
      null,
      original.id,
    );
  }

  // ---------------------------------------------------------------- one step: act, send, record, check

  /**
   * The first half of a step: the node acts on `input` (by `code`: the message record delivered,
   * the replica timer due, the workload op, the action), its sends go out, its timer is
   * rescheduled. Returns the assertion that stopped it, if any. A switch rather than a closure per
   * step: closures and their contexts were much of a run's garbage. The input is an argument, not a
   * field of the world: storing a fresh object in the long-lived world costs a write barrier.
   */
  private act(
    code: number,
    from: NodeId | null,
    nodeIndex: number | null,
    input: MessageRecord | ReplicaTimer | string | Action | null,
  ): string | null {
    const out = this.outbox;
    out.clear();
    this.stepFirstSent = this.nextMessageId;
    let crashError: string | null = null;
    try {
      switch (code) {
        case actDeliver: {
          const record = input as MessageRecord;
          if (typeof record.to === 'number')
            this.replicas[record.to]!.onMessage(record.from, record.message, this.now, out);
          else if (record.message.type === 'reply')
            this.clients[nodeIndex! - this.replicaCount].onReply(record.from, record.message, this.now, out);
          else out.ignore(record.message.type, 'clients only take replies');
          break;
        }
        case actReplicaTimer:
          this.replicas[nodeIndex!]!.onTimer(input as ReplicaTimer, this.now, out);
          break;
        case actClientRetry:
          this.clients[nodeIndex! - this.replicaCount].onRetryTimeout(this.now, out);
          break;
        case actWorkload:
          this.clients[nodeIndex! - this.replicaCount].submit(input as string, this.now, out);
          break;
        case actAction:
          this.performAction(input as Action, out);
          break;
        default:
          break;
      }
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      crashError = error.message;
    }
    if (crashError === null && from !== null)
      for (let i = 0; i < out.sendCount; i++) this.send(from, out.sendTo[i], out.sendMessage[i]);
    if (nodeIndex !== null) this.scheduleWake(nodeIndex);
    this.afterNotes(out.noteList, out.noteCodes, out.noteCount);
    return crashError;
  }

  /** The step's notes as an exact-size array: the outbox's array keeps its spare capacity. */
  private stepNotes(): readonly Note[] {
    const out = this.outbox;
    const list = out.noteList;
    // Literals for the usual one or two notes: inline allocations, where slice() is a builtin call.
    switch (out.noteCount) {
      case 0:
        return noNotes;
      case 1:
        return [list[0]];
      case 2:
        return [list[0], list[1]];
      default:
        return list.slice(0, out.noteCount);
    }
  }

  /**
   * The second half of a step: complete its event (a failed assertion turns it into a crash-stop of
   * the same node), record it and let the checkers see it.
   */
  private publish(crashError: string | null): void {
    const event = this.event;
    event.index = this.eventCount;
    event.time = this.now;
    event.firstSent = this.stepFirstSent;
    event.sentCount = this.nextMessageId - this.stepFirstSent;
    event.notes = this.stepNotes();
    if (crashError !== null) {
      event.kind = 'crash-stop';
      event.node ??= 0;
      event.error = crashError;
    }
    // The StepEvent is reused by the next step: checkers must not keep it (none does), and the
    // journal copies the fields of its kind into its columns.
    const published = event as unknown as TraceEvent;
    const journal = this.journal;
    if (journal !== null && journal.eventCount === this.eventCount) journal.appendEvent(published);
    this.eventCount++;
    if (crashError !== null)
      this.addViolation({ checker: 'assertion', time: this.now, event: event.index, message: crashError });
    const checkers = this.checkers;
    const count = checkers.length;
    // One call site per position for the first four: a run's checker at a position is always of the
    // same class, so each site stays monomorphic and can be inlined. One site in a loop saw all four
    // classes, and that dispatch cost ~200 instructions per event.
    if (count > 0) this.check(checkers[0].afterEvent(this, published));
    if (count > 1) this.check(checkers[1].afterEvent(this, published));
    if (count > 2) this.check(checkers[2].afterEvent(this, published));
    if (count > 3) this.check(checkers[3].afterEvent(this, published));
    for (let i = 4; i < count; i++) this.check(checkers[i].afterEvent(this, published));
  }

  private check(violation: Violation | null): void {
    if (violation !== null) this.addViolation(violation);
  }

  /** The message the step being published delivered (for observers; null for other steps). */
  deliveredRecord(): MessageRecord | null {
    return this.event.kind === 'deliver' ? this.stepDelivered : null;
  }

  /**
   * The kind of each of `event`'s notes as a note-codes.ts number, index for index: the outbox's
   * record for the step being published, computed for any other event (a test's, say).
   */
  noteCodesOf(event: TraceEvent): readonly number[] {
    // Small enough to inline into each checker: the other case is a call away.
    return event.notes === this.event.notes ? this.outbox.noteCodes : noteCodesOfNotes(event.notes);
  }

  private addViolation(violation: Violation): void {
    this.violations.push(violation);
    if (this.stopOnViolation) this.halted = true;
  }

  /** Workload bookkeeping that follows from what happened: a completed request lets the next one go. */
  private afterNotes(notes: readonly Note[], codes: readonly number[], count: number): void {
    for (let i = 0; i < count; i++) {
      if (codes[i] === noteRecovered) this.countStateless(-1);
      if (codes[i] !== noteCompleted) continue;
      const note = notes[i] as NoteOf<'completed'>;
      const index = this.clientIndexOf(note.client);
      if (this.workloadRemaining[index] > 0)
        this.scheduleWorkload(index, this.now + workloadThinkMs(this.rngs.workload));
    }
  }

  private send(from: NodeId, to: NodeId, message: Message): void {
    const network = this.network;
    network.route(from, to, message.type, this.now, this.rngs.network);
    const duplicateDeliverAt = network.duplicateDeliverAt;
    this.recordMessage(from, to, message, network.deliverAt, network.lossReason, null);
    if (duplicateDeliverAt !== null)
      this.recordMessage(from, to, message, duplicateDeliverAt, null, this.nextMessageId - 1);
  }

  private recordMessage(
    from: NodeId,
    to: NodeId,
    message: Message,
    deliverAt: number,
    lossReason: LossReason | null,
    duplicateOf: number | null,
  ): void {
    const id = this.nextMessageId++;
    const lostAt = lossReason === null ? null : this.now + ((deliverAt - this.now) >> 1);
    const record: MessageRecord = {
      id,
      from,
      to,
      message,
      sentAt: this.now,
      deliverAt,
      lostAt,
      lossReason,
      duplicateOf,
      sentBy: this.eventCount,
    };
    this.stepMessages[id - this.stepFirstSent] = record;
    const journal = this.journal;
    if (journal !== null && journal.messageCount === id) journal.appendMessage(record);
    this.queue.add(lostAt ?? deliverAt, this.nextSeq++, lostAt === null ? deliverCode : loseCode, id, record);
  }

  private scheduleWake(node: number): void {
    const deadline =
      node < this.replicaCount
        ? (this.replicas[node]?.nextDeadline() ?? Infinity)
        : this.clients[node - this.replicaCount].nextDeadline();
    if (deadline === Infinity || deadline >= this.wakeAt[node]) return;
    const time = Math.max(deadline, this.now);
    this.wakeAt[node] = time;
    this.queue.add(time, this.nextSeq++, wakeCode, node, undefined);
  }

  private scheduleWorkload(index: number, at: number): void {
    this.queue.add(at, this.nextSeq++, workloadCode, index, undefined);
  }

  clientIndexOf(client: NodeId): number {
    return typeof client === 'string' ? clientIndex(client) : Number(String(client).slice(1));
  }

  /** Messages in flight: sent, not yet delivered or lost. */
  inFlight(): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const event of this.queue.items())
      if ((event.kind === 'deliver' || event.kind === 'lose') && event.message) out.push(event.message);
    // Messages waiting for a paused replica have arrived but are not read yet.
    for (const inbox of this.pausedInbox) for (const record of inbox) out.push(record);
    return out.sort((a, b) => a.id - b.id);
  }

  // ---------------------------------------------------------------- time travel

  /** A deep copy of everything mutable; logs and messages are shared, they never change. */
  clone(journal: Journal | null = this.journal): World {
    // Through the constructor, not Object.create + Object.assign: a copy then has the same object
    // shape as a world built afresh, so code optimized for the head also runs checkpoint replays
    // (a different shape sent the first seeks through deoptimization and recompilation).
    cloning = { from: this, journal };
    try {
      return new World(this.scenario);
    } finally {
      cloning = null;
    }
  }

  /** Continue this world with a different action list (an action taken in the past forks the run). */
  withActions(actions: readonly Action[]): World {
    const copy = this.clone();
    (copy as { actions: readonly Action[] }).actions = sortActions(actions);
    (copy as { scenario: Scenario }).scenario = { ...this.scenario, actions };
    return copy;
  }
}

/**
 * The world's outbox keeps a step's sends and notes in arrays reused from step to step, with counts:
 * no envelope object per send, and no array truncation per step (both showed in profiles).
 */
class StepOutbox extends Outbox {
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
}

/**
 * Every field of every kind of trace event, in one object. Six kinds as six object literals made
 * every checker's reads of `event.node` or `event.kind` megamorphic (and allocated an object per
 * step); this one shape is reused. Fields of other kinds than the current one hold stale values.
 */
class StepEvent {
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
}

function noteCodesOfNotes(notes: readonly Note[] | null): number[] {
  return notes === null ? [] : notes.map(noteCode);
}

/** Stable sort by time: actions at the same time keep their order in the scenario. */
export function sortActions(actions: readonly Action[]): Action[] {
  return actions
    .map((action, index) => ({ action, index }))
    .sort((a, b) => a.action.at - b.action.at || a.index - b.index)
    .map((x) => x.action);
}

function actionNode(action: Action): NodeId | null {
  switch (action.type) {
    case 'request':
      return clientName(action.client);
    case 'crash':
    case 'restart':
    case 'timeout':
    case 'pause':
    case 'resume':
      return action.replica;
    default:
      return null;
  }
}
