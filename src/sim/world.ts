/**
 * The deterministic world: replicas, clients, the network and an event queue in virtual time.
 * A run is fully defined by its scenario (config + seed + timed actions): the same scenario gives
 * the same trace, bit for bit, in Node and in the browser. No clock, no Math.random, no I/O.
 */
import {
  AssertionError,
  Client,
  clientName,
  isReplicaId,
  Outbox,
  Replica,
  type Message,
  type NodeId,
  type Note,
  type ReplicaConfig,
  type ReplicaTimer,
} from '../protocol/index.ts';
import type { Checker } from './checkers/checker.ts';
import { EventQueue, type QueuedEvent } from './event-queue.ts';
import { Network } from './network.ts';
import { Rng } from './rng.ts';
import type { Action, Scenario } from './scenario-types.ts';
import type { LossReason, MessageRecord, TraceEvent, Violation } from './trace.ts';
import { nextWorkloadOp, workloadThinkMs } from './workload.ts';

/** Where a world writes what happened. Shared by a run's worlds; a replaying world writes nothing new. */
export interface Journal {
  readonly events: TraceEvent[];
  readonly messages: MessageRecord[];
}

export interface WorldOptions {
  readonly journal?: Journal | null;
  readonly checkers?: readonly Checker[];
  /** Stop at the first violation (the UI and the CLI do; a checker test may not). */
  readonly stopOnViolation?: boolean;
}

interface Rngs {
  readonly network: Rng;
  readonly faults: Rng;
  readonly workload: Rng;
}

const noNotes: readonly Note[] = [];

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
  checkers: Checker[];
  violations: Violation[] = [];
  halted = false;
  journal: Journal | null;
  readonly stopOnViolation: boolean;
  /** Reused by every step: a step's notes are handed to its trace event, its sends consumed at once. */
  private outbox = new Outbox();
  /** The messages the current step sent: checkers read them even when no journal is kept. */
  stepMessages: MessageRecord[] = [];

  constructor(scenario: Scenario, options: WorldOptions = {}) {
    this.scenario = scenario;
    this.replicaCount = scenario.replicas;
    this.actions = sortActions(scenario.actions);
    this.journal = options.journal ?? null;
    this.stopOnViolation = options.stopOnViolation ?? true;
    this.checkers = (options.checkers ?? []).map((checker) => checker.clone());
    const root = Rng.fromSeed(scenario.seed);
    this.rngs = {
      network: root.fork('network'),
      faults: root.fork('faults'),
      workload: root.fork('workload'),
    };
    this.network = new Network(scenario.network);
    this.replicas = [];
    for (let id = 0; id < scenario.replicas; id++)
      this.replicas.push(Replica.start(this.replicaConfig(id), 0));
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
    };
  }

  // ---------------------------------------------------------------- stepping

  /** Time of the next event (action or queued), or Infinity. Discards stale wake-ups on the way. */
  nextTime(): number {
    const actionAt = this.nextAction < this.actions.length ? this.actions[this.nextAction].at : Infinity;
    let top = this.queue.peek();
    while (top !== undefined && top.kind === 'wake' && this.isStaleWake(top)) {
      this.queue.pop();
      top = this.queue.peek();
    }
    return Math.min(actionAt, top?.time ?? Infinity);
  }

  /** Processes one event if there is one at or before `limit`; returns whether it did. */
  step(limit = this.scenario.until): boolean {
    const before = this.eventCount;
    // A wake-up whose timer was pushed back records nothing: keep going until something happens.
    while (!this.halted && this.eventCount === before) {
      const at = this.nextTime();
      if (at > limit) return false;
      const actionAt = this.nextAction < this.actions.length ? this.actions[this.nextAction].at : Infinity;
      // Actions at time t come before queued events at t: a live action and a replayed one then agree.
      if (actionAt <= at) this.applyAction(this.actions[this.nextAction++]);
      else this.handleQueued(this.queue.pop()!);
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

  private isStaleWake(event: QueuedEvent): boolean {
    return this.wakeAt[event.target] !== event.time;
  }

  private handleQueued(event: QueuedEvent): void {
    this.now = event.time;
    switch (event.kind) {
      case 'deliver':
        return this.deliver(event.message!);
      case 'lose':
        return this.lose(event.message!, event.message!.lossReason ?? 'network');
      case 'wake':
        return this.wake(event.target);
      case 'workload':
        return this.issueWorkload(event.target);
    }
  }

  private deliver(record: MessageRecord): void {
    const to = record.to;
    if (isReplicaId(to)) {
      const replica = this.replicas[to];
      if (replica === null) return this.lose(record, 'crashed');
      this.runStep(
        {
          index: 0,
          time: 0,
          firstSent: 0,
          sentCount: 0,
          notes: noNotes,
          kind: 'deliver',
          node: to,
          msgId: record.id,
        },
        (out) => replica.onMessage(record.from, record.message, this.now, out),
        to,
      );
      return;
    }
    const index = this.clientIndexOf(to);
    const client = this.clients[index];
    this.runStep(
      {
        index: 0,
        time: 0,
        firstSent: 0,
        sentCount: 0,
        notes: noNotes,
        kind: 'deliver',
        node: to,
        msgId: record.id,
      },
      (out) => {
        if (record.message.type === 'reply') client.onReply(record.from, record.message, this.now, out);
        else out.ignore(record.message.type, 'clients only take replies');
      },
      this.replicaCount + index,
    );
  }

  private lose(record: MessageRecord, reason: LossReason): void {
    this.runStep(
      {
        index: 0,
        time: 0,
        firstSent: 0,
        sentCount: 0,
        notes: noNotes,
        kind: 'lose',
        node: record.to,
        msgId: record.id,
        reason,
      },
      () => {},
      null,
    );
  }

  private wake(node: number): void {
    this.wakeAt[node] = Infinity;
    if (node < this.replicaCount) {
      const replica = this.replicas[node];
      const timer: ReplicaTimer | null = replica === null ? null : replica.dueTimer(this.now);
      if (replica === null || timer === null) return this.scheduleWake(node);
      this.runStep(
        { index: 0, time: 0, firstSent: 0, sentCount: 0, notes: noNotes, kind: 'timer', node, timer },
        (out) => replica.onTimer(timer, this.now, out),
        node,
      );
      return;
    }
    const client = this.clients[node - this.replicaCount];
    if (client.retryAt > this.now) return this.scheduleWake(node);
    this.runStep(
      {
        index: 0,
        time: 0,
        firstSent: 0,
        sentCount: 0,
        notes: noNotes,
        kind: 'timer',
        node: client.id,
        timer: 'clientRetry',
      },
      (out) => client.onRetryTimeout(this.now, out),
      node,
    );
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
    this.runStep(
      {
        index: 0,
        time: 0,
        firstSent: 0,
        sentCount: 0,
        notes: noNotes,
        kind: 'workload',
        node: client.id,
        op,
      },
      (out) => client.submit(op, this.now, out),
      this.replicaCount + index,
    );
  }

  // ---------------------------------------------------------------- actions

  private applyAction(action: Action): void {
    this.now = Math.max(this.now, action.at);
    const node = actionNode(action);
    const nodeIndex =
      node === null ? null : isReplicaId(node) ? node : this.replicaCount + this.clientIndexOf(node);
    this.runStep(
      { index: 0, time: 0, firstSent: 0, sentCount: 0, notes: noNotes, kind: 'action', node, action },
      (out) => this.performAction(action, out),
      nodeIndex,
    );
  }

  private performAction(action: Action, out: Outbox): void {
    switch (action.type) {
      case 'request': {
        const client = this.clients[action.client];
        if (!client.submit(action.op, this.now, out))
          out.note({ kind: 'info', text: `client c${action.client}'s queue is full` });
        return;
      }
      case 'crash':
        if (this.replicas[action.replica] === null)
          return out.note({ kind: 'info', text: `replica ${action.replica} is already crashed` });
        this.replicas[action.replica] = null;
        this.wakeAt[action.replica] = Infinity;
        return;
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
        replica.forceViewChangeTimeout(this.now, out);
        return;
      }
    }
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

  private runStep(head: TraceEvent, act: (out: Outbox) => void, nodeIndex: number | null): void {
    const out = this.outbox;
    out.reset();
    this.stepMessages.length = 0;
    const firstSent = this.nextMessageId;
    let crashError: string | null = null;
    try {
      act(out);
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      crashError = error.message;
    }
    const from = head.node;
    if (crashError === null && from !== null)
      for (const envelope of out.sends) this.send(from, envelope.to, envelope.message);
    if (nodeIndex !== null) this.scheduleWake(nodeIndex);
    this.afterNotes(out.notes);
    // Fill in the head in place (a spread per event costs more than the whole protocol step).
    const event = (
      crashError === null
        ? head
        : {
            index: 0,
            time: 0,
            firstSent: 0,
            sentCount: 0,
            notes: noNotes,
            kind: 'crash-stop',
            node: head.node ?? 0,
            error: crashError,
          }
    ) as Mutable<TraceEvent>;
    event.index = this.eventCount;
    event.time = this.now;
    event.firstSent = firstSent;
    event.sentCount = this.nextMessageId - firstSent;
    // An exact-size copy: the outbox's array keeps its spare capacity for the next step.
    event.notes = out.notes.length > 0 ? out.notes.slice() : noNotes;
    if (this.journal !== null && this.journal.events.length === this.eventCount)
      this.journal.events.push(event);
    this.eventCount++;
    if (crashError !== null)
      this.addViolation({ checker: 'assertion', time: this.now, event: event.index, message: crashError });
    for (const checker of this.checkers) {
      const violation = checker.afterEvent(this, event);
      if (violation !== null) this.addViolation(violation);
    }
  }

  private addViolation(violation: Violation): void {
    this.violations.push(violation);
    if (this.stopOnViolation) this.halted = true;
  }

  /** Workload bookkeeping that follows from what happened: a completed request lets the next one go. */
  private afterNotes(notes: readonly Note[]): void {
    for (const note of notes) {
      if (note.kind !== 'completed') continue;
      const index = this.clientIndexOf(note.client);
      if (this.workloadRemaining[index] > 0)
        this.scheduleWorkload(index, this.now + workloadThinkMs(this.rngs.workload));
    }
  }

  private send(from: NodeId, to: NodeId, message: Message): void {
    const transit = this.network.transit(from, to, message.type, this.now, this.rngs.network);
    this.recordMessage(from, to, message, transit.deliverAt, transit.lossReason, null);
    if (transit.duplicateDeliverAt !== null)
      this.recordMessage(from, to, message, transit.duplicateDeliverAt, null, this.nextMessageId - 1);
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
    if (this.journal !== null && this.journal.messages.length === id) this.journal.messages.push(record);
    this.stepMessages.push(record);
    this.queue.push({
      time: lostAt ?? deliverAt,
      seq: this.nextSeq++,
      kind: lostAt === null ? 'deliver' : 'lose',
      target: id,
      message: record,
    });
  }

  private scheduleWake(node: number): void {
    const deadline =
      node < this.replicaCount
        ? (this.replicas[node]?.nextDeadline() ?? Infinity)
        : this.clients[node - this.replicaCount].nextDeadline();
    if (deadline === Infinity || deadline >= this.wakeAt[node]) return;
    const time = Math.max(deadline, this.now);
    this.wakeAt[node] = time;
    this.queue.push({ time, seq: this.nextSeq++, kind: 'wake', target: node });
  }

  private scheduleWorkload(index: number, at: number): void {
    this.queue.push({ time: at, seq: this.nextSeq++, kind: 'workload', target: index });
  }

  clientIndexOf(client: NodeId): number {
    return Number(String(client).slice(1));
  }

  /** Messages in flight: sent, not yet delivered or lost. */
  inFlight(): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const event of this.queue.items())
      if ((event.kind === 'deliver' || event.kind === 'lose') && event.message) out.push(event.message);
    return out.sort((a, b) => a.id - b.id);
  }

  // ---------------------------------------------------------------- time travel

  /** A deep copy of everything mutable; logs and messages are shared, they never change. */
  clone(journal: Journal | null = this.journal): World {
    const copy = Object.create(World.prototype) as World;
    Object.assign(copy, this);
    copy.journal = journal;
    copy.replicas = this.replicas.map((replica) => (replica === null ? null : replica.clone()));
    copy.clients = this.clients.map((client) => client.clone());
    copy.network = this.network.clone();
    copy.queue = this.queue.clone();
    copy.wakeAt = this.wakeAt.slice();
    copy.workloadRemaining = this.workloadRemaining.slice();
    copy.rngs = {
      network: this.rngs.network.clone(),
      faults: this.rngs.faults.clone(),
      workload: this.rngs.workload.clone(),
    };
    copy.checkers = this.checkers.map((checker) => checker.clone());
    copy.outbox = new Outbox();
    copy.stepMessages = [];
    copy.violations = this.violations.slice();
    return copy;
  }

  /** Continue this world with a different action list (an action taken in the past forks the run). */
  withActions(actions: readonly Action[]): World {
    const copy = this.clone();
    (copy as { actions: readonly Action[] }).actions = sortActions(actions);
    (copy as { scenario: Scenario }).scenario = { ...this.scenario, actions };
    return copy;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
      return action.replica;
    default:
      return null;
  }
}
