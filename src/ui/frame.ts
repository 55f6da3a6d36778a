/**
 * The per-frame snapshot: plain, frozen data derived from the simulator's world at the cursor.
 * Components read only this (never replica objects). Parts that did not change since the previous
 * frame are reused as-is, so memoised components skip their render without any deep comparison.
 */
import type { LogEntry, Replica, StateMachineKind } from '../protocol/index.ts';
import { faultsTolerated } from '../protocol/index.ts';
import type { NetworkParams } from '../sim/scenario-types.ts';
import type { ReplicaStatusName } from '../sim/snapshot.ts';
import type { Journal } from '../sim/journal.ts';
import type { MessageRecord, Violation } from '../sim/trace.ts';
import type { World } from '../sim/world.ts';
import { lossFadeMs } from './layout.ts';

/** Log cells shown on a card: the tail of the log. */
export const logCellsMax = 20;
/** State machine rows shown on a card. */
export const stateRowsMax = 10;
/** Messages drawn in flight at most (the rest are counted). */
export const inFlightDrawnMax = 800;
/** Events scanned backwards for fading losses, at most. */
const fadeScanMax = 4000;

export interface LogCell {
  readonly opNumber: number;
  readonly op: string;
  readonly client: string;
  readonly request: number;
  readonly view: number;
  readonly committed: boolean;
}

export interface Tally {
  /** What is being collected, e.g. `prepare_ok for op 13`. */
  readonly label: string;
  readonly count: number;
  readonly needed: number;
}

export interface ClientTableRowFrame {
  readonly client: string;
  readonly request: number;
  readonly result: string;
  readonly op: number;
}

export interface ReplicaFrame {
  readonly id: number;
  readonly status: ReplicaStatusName;
  readonly view: number;
  readonly lastNormalView: number;
  readonly opNumber: number;
  readonly commitNumber: number;
  /** Whom this replica believes to be the primary of its view. */
  readonly primary: number;
  /** Primary of its view and in normal status. */
  readonly actingPrimary: boolean;
  readonly log: readonly LogCell[];
  readonly stateKind: StateMachineKind;
  readonly stateRows: readonly (readonly [string, string])[];
  readonly stateSize: number;
  readonly clientTable: readonly ClientTableRowFrame[];
  readonly tallies: readonly Tally[];
  readonly nonce: number;
  /** The incarnation it knows of every replica (crash-vector recovery), or null (the paper's recovery). */
  readonly crashVector: readonly number[] | null;
  /** How long it waits for its primary before it suspects it (grows on slow links). */
  readonly primaryTimeoutMs: number;
  /** Steps of view-change backoff: each doubles how long it waits for a view change. */
  readonly viewChangeBackoff: number;
  /** Paused (a GC pause, a stopped VM): its timers fall due but do not fire, its messages wait. */
  readonly paused: boolean;
  /** Messages waiting for it while it is paused. */
  readonly waiting: number;
  /** §7: its epoch and the group of that epoch (empty when crashed). */
  readonly epoch: number;
  readonly members: readonly number[];
  /** Identity for reuse between frames. */
  readonly key: string;
}

export interface ClientFrame {
  readonly id: string;
  readonly view: number;
  readonly pendingRequest: number | null;
  readonly pendingOp: string | null;
  readonly queued: number;
  readonly completed: number;
  readonly key: string;
}

export interface FadingMessage {
  readonly record: MessageRecord;
  readonly lostAt: number;
}

export interface NetworkFrame {
  /** Directed cut links as "from>to". */
  readonly cuts: readonly string[];
  /** Partition group of each replica, or null when not partitioned. */
  readonly groups: readonly (number | null)[] | null;
  /** Partition group of each client (undefined: reaches everyone). */
  readonly clientGroups: Readonly<Record<string, number>>;
  readonly params: NetworkParams;
  readonly key: string;
}

export interface Frame {
  readonly generation: number;
  /** Cursor time in virtual ms (may be fractional while playing). */
  readonly time: number;
  readonly eventCount: number;
  readonly replicas: readonly ReplicaFrame[];
  readonly clients: readonly ClientFrame[];
  /** Deadline of each replica's view-change timer (Infinity when disarmed or crashed). */
  readonly viewChangeDeadlines: readonly number[];
  readonly viewChangeTimeoutMs: number;
  readonly inFlight: readonly MessageRecord[];
  readonly inFlightTotal: number;
  readonly fading: readonly FadingMessage[];
  readonly network: NetworkFrame;
  readonly violations: readonly Violation[];
  readonly halted: boolean;
}

function replicaKey(replica: Replica, pause: PauseState): string {
  return [
    pause.paused ? `paused ${pause.waiting}` : '',
    replica.primaryTimeoutDoublings,
    replica.viewChangeBackoff,
    replica.status,
    replica.epoch,
    replica.view,
    replica.lastNormalView,
    replica.opNumber,
    replica.commitNumber,
    replica.startViewChanges.count,
    replica.doViewChanges.reduce((n, m) => (m === null ? n : n + 1), 0),
    replica.recoveryResponses.reduce((n, m) => (m === null ? n : n + 1), 0),
    replica.nonce,
    replica.recoveryPhase,
    replica.crashVectorResponses.reduce((n, m) => (m === null ? n : n + 1), 0),
    replica.crashVector.join(','),
    replica.probe?.count ?? -1,
    replica.isPrimary() && replica.status === 'normal' ? Array.from(replica.acks).join(',') : '',
  ].join('|');
}

function tallies(replica: Replica): Tally[] {
  const f = faultsTolerated(replica.members.length);
  if (replica.status === 'normal') {
    if (replica.probe !== null)
      return [
        {
          label: `pre_view_change answers about view ${replica.view}`,
          count: replica.probe.count,
          needed: f,
        },
      ];
    if (!replica.isPrimary() || replica.opNumber <= replica.commitNumber) return [];
    const op = replica.commitNumber + 1;
    let count = 1; // the primary's own copy
    for (const backup of replica.members) if (backup !== replica.id && replica.acks[backup] >= op) count++;
    return [{ label: `prepare_ok for op ${op}`, count, needed: f + 1 }];
  }
  if (replica.status === 'view-change') {
    const out: Tally[] = [
      {
        label: `start_view_change for view ${replica.view}`,
        count: replica.startViewChanges.count,
        needed: f,
      },
    ];
    if (replica.isPrimary())
      out.push({
        label: `do_view_change for view ${replica.view}`,
        count: replica.doViewChanges.reduce((n, m) => (m === null ? n : n + 1), 0),
        needed: f + 1,
      });
    return out;
  }
  if (replica.recoveryPhase === 'crash-vector')
    return [
      {
        label: 'crash_vector_response',
        count: replica.crashVectorResponses.reduce((n, m) => (m === null ? n : n + 1), 0),
        needed: f + 1,
      },
    ];
  return [
    {
      label: 'recovery_response',
      count: replica.recoveryResponses.reduce((n, m) => (m === null ? n : n + 1), 0),
      needed: f + 1,
    },
  ];
}

function logCells(log: readonly LogEntry[], firstOp: number, commitNumber: number): LogCell[] {
  return log.map((entry, index) => ({
    opNumber: firstOp + index,
    op: entry.op,
    client: entry.client,
    request: entry.request,
    view: entry.view,
    committed: firstOp + index <= commitNumber,
  }));
}

function stateRows(contents: Record<string, string> | string[]): {
  rows: (readonly [string, string])[];
  size: number;
} {
  if (Array.isArray(contents)) {
    const start = Math.max(0, contents.length - stateRowsMax);
    return {
      rows: contents.slice(start).map((value, index) => [String(start + index + 1), value] as const),
      size: contents.length,
    };
  }
  const keys = Object.keys(contents).sort();
  return { rows: keys.slice(0, stateRowsMax).map((key) => [key, contents[key]] as const), size: keys.length };
}

/** Whether a replica is paused, and how many messages wait for it. */
export interface PauseState {
  readonly paused: boolean;
  readonly waiting: number;
}

const running: PauseState = { paused: false, waiting: 0 };

export function replicaFrame(
  replica: Replica | null,
  id: number,
  stateKind: StateMachineKind,
  pause: PauseState = running,
): ReplicaFrame {
  if (replica === null)
    return Object.freeze({
      id,
      status: 'crashed',
      view: 0,
      lastNormalView: 0,
      opNumber: 0,
      commitNumber: 0,
      primary: -1,
      actingPrimary: false,
      log: [],
      stateKind,
      stateRows: [],
      stateSize: 0,
      clientTable: [],
      tallies: [],
      nonce: 0,
      crashVector: null,
      primaryTimeoutMs: 0,
      viewChangeBackoff: 0,
      paused: false,
      waiting: 0,
      epoch: 0,
      members: [],
      key: 'crashed',
    });
  const firstOp = Math.max(1, replica.opNumber - logCellsMax + 1);
  const state = stateRows(replica.stateMachine.contents());
  const clientTable = [...replica.clientTable.values()]
    .map((row) => ({ client: row.client, request: row.request, result: row.result, op: row.op }))
    .sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
  return Object.freeze({
    id,
    status: replica.status,
    view: replica.view,
    lastNormalView: replica.lastNormalView,
    opNumber: replica.opNumber,
    commitNumber: replica.commitNumber,
    primary: replica.primary,
    actingPrimary: replica.isPrimary() && replica.status === 'normal',
    log: logCells(replica.log.slice(firstOp - 1), firstOp, replica.commitNumber),
    stateKind,
    stateRows: state.rows,
    stateSize: state.size,
    clientTable,
    tallies: tallies(replica),
    nonce: replica.status === 'recovering' ? replica.nonce : 0,
    crashVector: replica.crashVectors ? [...replica.crashVector] : null,
    primaryTimeoutMs: replica.primaryTimeoutMs(),
    viewChangeBackoff: replica.viewChangeBackoff,
    paused: pause.paused,
    waiting: pause.waiting,
    epoch: replica.epoch,
    members: replica.members,
    key: replicaKey(replica, pause),
  });
}

function clientFrame(world: World, index: number): ClientFrame {
  const client = world.clients[index];
  const key = `${client.view}|${client.requestNumber}|${client.pending?.request ?? 0}|${client.queue.length}|${client.completed}`;
  return Object.freeze({
    id: client.id,
    view: client.view,
    pendingRequest: client.pending?.request ?? null,
    pendingOp: client.pending?.op ?? null,
    queued: client.queue.length,
    completed: client.completed,
    key,
  });
}

function networkFrame(world: World, previous: NetworkFrame | null): NetworkFrame {
  const network = world.network;
  const cuts = [...network.cuts].sort();
  const groups =
    network.groups === null ? null : world.replicas.map((_, id) => network.groups!.get(id) ?? null);
  const clientGroups: Record<string, number> = {};
  if (network.groups !== null)
    for (const [node, group] of network.groups) if (typeof node === 'string') clientGroups[node] = group;
  const params = network.params;
  const key = `${cuts.join(',')}|${groups?.join(',') ?? '-'}|${JSON.stringify(clientGroups)}|${params.latencyMs.join('-')}|${params.dropRate}|${params.duplicateRate}`;
  if (previous !== null && previous.key === key) return previous;
  return Object.freeze({ cuts, groups, clientGroups, params, key });
}

/** Messages lost shortly before `time`: they fade out where they were lost. */
export function fadingLosses(journal: Journal, eventCount: number, time: number): FadingMessage[] {
  const out: FadingMessage[] = [];
  const stop = Math.max(0, eventCount - fadeScanMax);
  for (let index = Math.min(eventCount, journal.eventCount) - 1; index >= stop; index--) {
    const lostAt = journal.eventTime(index);
    if (lostAt <= time - lossFadeMs) break;
    if (journal.eventKind(index) !== 'lose') continue;
    const id = journal.eventMessageId(index);
    if (id < journal.messageCount) out.push({ record: journal.message(id), lostAt });
  }
  return out;
}

/**
 * Derives the frame for `world` (the state after `world.eventCount` events) at cursor time `time`.
 * Replica, client and network parts equal to `previous`'s (same generation) are reused.
 */
export function buildFrame(
  world: World,
  journal: Journal,
  time: number,
  generation: number,
  previous: Frame | null,
): Frame {
  const reuse = previous !== null && previous.generation === generation ? previous : null;
  const stateKind = world.scenario.stateMachine;
  const replicas = world.replicas.map((replica, id) => {
    const before = reuse?.replicas[id];
    const pause: PauseState =
      world.paused[id] === 1 ? { paused: true, waiting: world.pausedInbox[id].length } : running;
    if (before !== undefined) {
      if (replica === null && before.status === 'crashed') return before;
      if (replica !== null && before.key === replicaKey(replica, pause)) return before;
    }
    return replicaFrame(replica, id, stateKind, pause);
  });
  const clients = world.clients.map((_, index) => {
    const fresh = clientFrame(world, index);
    const before = reuse?.clients[index];
    return before !== undefined && before.key === fresh.key ? before : fresh;
  });
  const inFlightAll = world.inFlight();
  const inFlight =
    inFlightAll.length > inFlightDrawnMax ? inFlightAll.slice(0, inFlightDrawnMax) : inFlightAll;
  const deadlines = world.replicas.map((replica) =>
    replica === null || replica.status === 'recovering' ? Infinity : replica.deadlines.viewChange,
  );
  return Object.freeze({
    generation,
    time,
    eventCount: world.eventCount,
    replicas: sameItems(reuse?.replicas, replicas) ? reuse!.replicas : replicas,
    clients: sameItems(reuse?.clients, clients) ? reuse!.clients : clients,
    viewChangeDeadlines: deadlines,
    viewChangeTimeoutMs: world.scenario.timing.viewChangeTimeoutMs,
    inFlight,
    inFlightTotal: inFlightAll.length,
    fading: fadingLosses(journal, world.eventCount, time),
    network: networkFrame(world, reuse?.network ?? null),
    violations:
      world.violations.length === reuse?.violations.length ? reuse.violations : world.violations.slice(),
    halted: world.halted,
  });
}

function sameItems<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Who is primary, as far as the cluster can tell: the normal primary of the highest view. */
export function clusterPrimary(replicas: readonly ReplicaFrame[]): number | null {
  let best: ReplicaFrame | null = null;
  for (const replica of replicas)
    if (replica.actingPrimary && (best === null || replica.view > best.view)) best = replica;
  return best?.id ?? null;
}
