/**
 * The deterministic world: replicas, clients, the network and an event queue in virtual time.
 * A run is fully defined by its scenario (config + seed + timed actions): the same scenario gives
 * the same trace, bit for bit, in Node and in the browser. Time is virtual and every random draw
 * comes from the seeded generator; nothing here reads the outside world.
 */
import {
  Client,
  clientIndex,
  clientName,
  isReplicaId,
  Replica,
  type Message,
  type NodeId,
  type Note,
  type NoteOf,
  type ReplicaConfig,
  type ReplicaTimer,
  reconfigurationOp,
} from '../protocol/index.ts';
import type { Checker } from './checkers/checker.ts';
import { EventQueue, kindCode } from './event-queue.ts';
import { noteCode, noteCompleted, noteRecovered } from './note-codes.ts';
import { assertionMessage, CheckerChain, StepEvent, StepOutbox } from './step.ts';
import type { Journal } from './journal.ts';
import { Network } from './network.ts';
import { Rng } from './rng.ts';
import { slotCount, type Action, type Scenario } from './scenario-types.ts';
import type { LossReason, MessageRecord, TraceEvent, Violation } from './trace.ts';
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

/** What World.clone() hands its constructor: the world to copy and the copy's journal. */
interface CopyOf {
  readonly world: World;
  readonly journal: Journal | null;
}
const deliverCode = kindCode.deliver;
const loseCode = kindCode.lose;
const wakeCode = kindCode.wake;
const workloadCode = kindCode.workload;

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
  /**
   * Controlled network mode (the `control` action): queued deliveries and timers wait for an
   * explicit choice (`deliver`, `drop`, `duplicate`, `fire`); the clock moves only with actions.
   */
  controlled = false;
  private chain: CheckerChain;
  violations: Violation[] = [];
  halted = false;
  journal: Journal | null;
  readonly stopOnViolation: boolean;
  // The step buffer (step.ts): one outbox and one event, reused by every step.
  private readonly outbox = new StepOutbox();
  private readonly event = new StepEvent();
  /** The assertion the current step's node failed, if any: the step becomes a crash-stop. */
  private stepFailure: string | null = null;
  /**
   * The messages the current step sent (ids stepFirstSent .. nextMessageId - 1), for checkers, with
   * or without a journal. Overwritten in place, never truncated: entries past the step's count are
   * stale.
   */
  stepMessages: MessageRecord[] = [];
  stepFirstSent = 0;
  /** The record the current step delivers (valid while a deliver event is published). */
  private stepDelivered: MessageRecord | null = null;

  /** `copyOf` is World.clone()'s: the constructor copies that world instead of starting one. */
  constructor(scenario: Scenario, options: WorldOptions = {}, copyOf: CopyOf | null = null) {
    this.scenario = scenario;
    this.replicaCount = slotCount(scenario);
    if (copyOf !== null) {
      // A deep copy of everything mutable; logs and messages are shared, they never change.
      const from = copyOf.world;
      this.actions = from.actions;
      this.journal = copyOf.journal;
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
      this.controlled = from.controlled;
      this.chain = from.chain.clone();
      this.violations = from.violations.slice();
      this.halted = from.halted;
      this.stepFirstSent = from.stepFirstSent;
      return;
    }
    this.actions = sortActions(scenario.actions);
    this.journal = options.journal ?? null;
    this.stopOnViolation = options.stopOnViolation ?? true;
    this.chain = new CheckerChain((options.checkers ?? []).map((checker) => checker.clone()));
    const root = Rng.fromSeed(scenario.seed);
    this.rngs = {
      network: root.fork('network'),
      faults: root.fork('faults'),
      workload: root.fork('workload'),
      replicas: root.fork('replicas'),
    };
    this.network = new Network(scenario.network);
    this.replicas = [];
    // Slots beyond the first group start as spares (§7), after the members drew their entropy.
    for (let id = 0; id < this.replicaCount; id++)
      this.replicas.push(Replica.start(this.replicaConfig(id), 0, this.rngs.replicas.nextUint32()));
    this.paused = new Uint8Array(this.replicaCount);
    this.pausedInbox = Array.from({ length: this.replicaCount }, () => []);
    this.clients = [];
    for (let index = 0; index < scenario.clients; index++)
      this.clients.push(
        new Client({
          id: clientName(index),
          replicaCount: this.replicaCount,
          members: this.firstGroup(),
          timing: scenario.timing,
        }),
      );
    this.wakeAt = new Float64Array(this.replicaCount + scenario.clients).fill(Infinity);
    for (let node = 0; node < this.wakeAt.length; node++) this.scheduleWake(node);
    this.workloadRemaining = new Int32Array(scenario.clients).fill(scenario.workload?.requestsPerClient ?? 0);
    for (let index = 0; index < scenario.clients; index++)
      if (this.workloadRemaining[index] > 0)
        this.scheduleWorkload(index, workloadThinkMs(this.rngs.workload));
  }

  /** The run's checkers (their clones: each world checks on its own). */
  get checkers(): readonly Checker[] {
    return this.chain.checkers;
  }

  /** The group of epoch 0: replicas 0..n-1 (the other slots are spares). */
  firstGroup(): readonly number[] {
    return Array.from({ length: this.scenario.replicas }, (_, i) => i);
  }

  replicaConfig(id: number): ReplicaConfig {
    const s = this.scenario;
    return {
      id,
      replicaCount: this.replicaCount,
      members: this.firstGroup(),
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
    return Math.min(actionAt, this.controlled ? Infinity : this.nextQueuedTime());
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
      const queuedAt = this.controlled ? Infinity : this.nextQueuedTime();
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

  // Each kind of step: the node acts on its input (a failed assertion stops that node), its sends go
  // out and its timer is rescheduled (finishStep), then the event is filled in and published.

  private deliver(record: MessageRecord): void {
    const to = record.to;
    if (isReplicaId(to) && this.replicas[to] === null) return this.lose(record, 'crashed');
    // A paused replica reads nothing: the message waits for it (no event until it resumes).
    if (isReplicaId(to) && this.paused[to] === 1) return void this.pausedInbox[to].push(record);
    this.stepDelivered = record;
    const out = this.beginStep();
    const nodeIndex = isReplicaId(to) ? to : this.replicaCount + this.clientIndexOf(to);
    try {
      if (isReplicaId(to)) this.replicas[to]!.onMessage(record.from, record.message, this.now, out);
      else if (record.message.type === 'reply')
        this.clients[nodeIndex - this.replicaCount].onReply(record.from, record.message, this.now, out);
      else if (record.message.type === 'new_epoch')
        this.clients[nodeIndex - this.replicaCount].onNewEpoch(record.from, record.message, this.now, out);
      else out.ignore(record.message.type, 'clients only take replies');
    } catch (error) {
      this.stepFailure = assertionMessage(error);
    }
    this.finishStep(to, nodeIndex);
    this.event.deliver(to, record.id);
    this.publish();
  }

  private lose(record: MessageRecord, reason: LossReason): void {
    this.beginStep();
    this.finishStep(record.to, null);
    this.event.lose(record.to, record.id, reason);
    this.publish();
  }

  private wake(node: number): void {
    this.wakeAt[node] = Infinity;
    if (node < this.replicaCount) return this.wakeReplica(node);
    const client = this.clients[node - this.replicaCount];
    if (client.retryAt > this.now) return this.scheduleWake(node);
    const out = this.beginStep();
    try {
      client.onRetryTimeout(this.now, out);
    } catch (error) {
      this.stepFailure = assertionMessage(error);
    }
    this.finishStep(client.id, node);
    this.event.timerFired(client.id, 'clientRetry');
    this.publish();
  }

  private wakeReplica(node: number): void {
    // A paused replica's timers fall due but do not fire: resume() wakes it.
    if (this.paused[node] === 1) return;
    const replica = this.replicas[node];
    const timer: ReplicaTimer | null = replica === null ? null : replica.dueTimer(this.now);
    if (replica === null || timer === null) return this.scheduleWake(node);
    const out = this.beginStep();
    try {
      replica.onTimer(timer, this.now, out);
    } catch (error) {
      this.stepFailure = assertionMessage(error);
    }
    this.finishStep(node, node);
    this.event.timerFired(node, timer);
    this.publish();
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
    const out = this.beginStep();
    try {
      client.submit(op, this.now, out);
    } catch (error) {
      this.stepFailure = assertionMessage(error);
    }
    this.finishStep(client.id, this.replicaCount + index);
    this.event.workload(client.id, op);
    this.publish();
  }

  // ---------------------------------------------------------------- actions

  private applyAction(action: Action): void {
    this.now = Math.max(this.now, action.at);
    // A choice that is itself an event (a delivery, a loss, a timer) is published as that event.
    if (action.type === 'deliver' && this.deliverChosen(action.id)) return;
    if (action.type === 'fire' && this.fireChosen(action.replica, action.timer)) return;
    if (action.type === 'drop' && action.id !== undefined && this.controlled && this.dropChosen(action.id))
      return;
    const node = actionNode(action);
    const nodeIndex =
      node === null ? null : isReplicaId(node) ? node : this.replicaCount + this.clientIndexOf(node);
    const out = this.beginStep();
    try {
      this.performAction(action, out);
    } catch (error) {
      this.stepFailure = assertionMessage(error);
    }
    this.finishStep(node, nodeIndex);
    this.event.acted(node, action);
    this.publish();
  }

  private performAction(action: Action, out: StepOutbox): void {
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
      case 'control':
        return this.enterControlledMode(out);
      case 'deliver':
        return out.note({
          kind: 'info',
          text: `message #${action.id} is not in flight (or waits for a paused replica)`,
        });
      case 'fire':
        return out.note({
          kind: 'info',
          text: `replica ${action.replica} has no ${action.timer} timer pending, or is not running`,
        });
      case 'reconfigure': {
        const client = this.clients[action.client ?? 0];
        if (!client.submit(reconfigurationOp(action.replicas), this.now, out))
          out.note({ kind: 'info', text: `client ${client.id}'s queue is full` });
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

  /**
   * Enters controlled network mode: from now on only explicit choices deliver, lose or copy a
   * message or fire a timer. Pending wake-ups and workload steps are dropped (a timer fires by
   * `fire`), the messages in flight stay queued, and random drops and copies stop.
   */
  private enterControlledMode(out: StepOutbox): void {
    if (this.controlled) return out.note({ kind: 'info', text: 'the network is already controlled' });
    this.controlled = true;
    this.network.params = { ...this.network.params, dropRate: 0, duplicateRate: 0 };
    const messages = this.queue.items().filter((event) => event.kind === 'deliver' || event.kind === 'lose');
    this.queue = new EventQueue(messages);
    this.wakeAt.fill(Infinity);
  }

  /** Takes the queued delivery or loss of message `id` out of the queue, or returns null. */
  private takeQueued(id: number): { kind: 'deliver' | 'lose'; record: MessageRecord } | null {
    const found = this.queue.removeMessage(id);
    if (found === null) return null;
    return { kind: found.kind === deliverCode ? 'deliver' : 'lose', record: found.message };
  }

  /** `deliver {id}`: the message arrives now (a message the network loses is lost now instead). */
  private deliverChosen(id: number): boolean {
    const to = this.queuedMessage(id)?.to;
    if (to === undefined || (isReplicaId(to) && this.paused[to] === 1)) return false;
    const taken = this.takeQueued(id)!;
    if (taken.kind === 'lose') this.lose(taken.record, taken.record.lossReason ?? 'network');
    else this.deliver(taken.record);
    return true;
  }

  /** The message with this id, if its delivery or loss is queued. */
  private queuedMessage(id: number): MessageRecord | undefined {
    return (
      this.queue.queuedMessages(deliverCode).find((record) => record.id === id) ??
      this.queue.queuedMessages(loseCode).find((record) => record.id === id)
    );
  }

  /** `drop {id}` in controlled mode: the message is lost now, as one event. */
  private dropChosen(id: number): boolean {
    const taken = this.takeQueued(id);
    if (taken === null) return false;
    this.lose({ ...taken.record, lostAt: this.now, lossReason: 'by hand' }, 'by hand');
    return true;
  }

  /** `fire {replica, timer}`: the timer fires now, however far its deadline is. */
  private fireChosen(node: number, timer: ReplicaTimer): boolean {
    const replica = this.replicas[node];
    if (replica === null || this.paused[node] === 1 || replica.deadlines[timer] === Infinity) return false;
    const out = this.beginStep();
    try {
      replica.onTimer(timer, this.now, out);
    } catch (error) {
      this.stepFailure = assertionMessage(error);
    }
    this.finishStep(node, node);
    this.event.timerFired(node, timer);
    this.publish();
    return true;
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
    const original = this.queue.queuedMessages(deliverCode).find((record) => record.id === id);
    if (original === undefined) return;
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

  /** Starts a step: an empty outbox, no failure, and the id its first send will take. */
  private beginStep(): StepOutbox {
    this.outbox.clear();
    this.stepFailure = null;
    this.stepFirstSent = this.nextMessageId;
    return this.outbox;
  }

  /**
   * After the node acted: its sends go out (unless it failed an assertion: a crash-stop sends
   * nothing), its timer is rescheduled, and the workload follows what happened.
   */
  private finishStep(from: NodeId | null, nodeIndex: number | null): void {
    const out = this.outbox;
    if (this.stepFailure === null && from !== null)
      for (let i = 0; i < out.sendCount; i++) this.send(from, out.sendTo[i], out.sendMessage[i]);
    if (nodeIndex !== null) this.scheduleWake(nodeIndex);
    this.afterNotes(out.noteList, out.noteCodes, out.noteCount);
  }

  /** Completes the step's event, records it and lets the checkers see it. */
  private publish(): void {
    const event = this.event;
    event.index = this.eventCount;
    event.time = this.now;
    event.firstSent = this.stepFirstSent;
    event.sentCount = this.nextMessageId - this.stepFirstSent;
    event.notes = this.outbox.stepNotes();
    const failure = this.stepFailure;
    if (failure !== null) event.crashStop(failure);
    const published = event.asTraceEvent();
    const journal = this.journal;
    if (journal !== null && journal.eventCount === this.eventCount) journal.appendEvent(published);
    this.eventCount++;
    let objected = false;
    if (failure !== null) {
      this.violations.push({ checker: 'assertion', time: this.now, event: event.index, message: failure });
      objected = true;
    }
    if (this.chain.check(this, published, this.violations)) objected = true;
    if (objected && this.stopOnViolation) this.halted = true;
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
    const trip = this.network.route(from, to, message.type, this.now, this.rngs.network);
    const duplicateDeliverAt = trip.duplicateDeliverAt;
    this.recordMessage(from, to, message, trip.deliverAt, trip.lossReason, null);
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
    if (this.controlled) return;
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
    if (this.controlled) return;
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

  /** Applies one action now (the explorer's choices), exactly as the scenario's action list would. */
  act(action: Action): void {
    this.applyAction(action);
  }

  // ---------------------------------------------------------------- time travel

  /** A deep copy of everything mutable; logs and messages are shared, they never change. */
  clone(journal: Journal | null = this.journal): World {
    // Through the constructor, not Object.create + Object.assign: a copy then has the same object
    // shape as a world built afresh, so code optimized for the head also runs checkpoint replays
    // (a different shape sent the first seeks through deoptimization and recompilation).
    return new World(this.scenario, {}, { world: this, journal });
  }

  /** Continue this world with a different action list (an action taken in the past forks the run). */
  withActions(actions: readonly Action[]): World {
    const copy = this.clone();
    (copy as { actions: readonly Action[] }).actions = sortActions(actions);
    (copy as { scenario: Scenario }).scenario = { ...this.scenario, actions };
    return copy;
  }
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
    case 'reconfigure':
      return clientName(action.client ?? 0);
    case 'crash':
    case 'restart':
    case 'timeout':
    case 'pause':
    case 'resume':
    case 'fire':
      return action.replica;
    default:
      return null;
  }
}
