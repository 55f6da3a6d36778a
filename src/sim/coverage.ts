/**
 * What a fuzz campaign reached. A clean campaign proves only what it reached, so every campaign
 * reports how often each handler, each reason to ignore a message, each repair path and each kind
 * of fault fired, with those that never fired listed first.
 *
 * The recorder is an observer beside the checkers (it never objects). It keeps raw counts cheaply
 * per event; names and the reason templates are worked out once, when a report is made.
 */
import { messageTypes, timerKinds, type MessageType, type Note, type NoteOf } from '../protocol/index.ts';
import type { Checker } from './checkers/checker.ts';
import { actionTypes } from './scenario-types.ts';
import type { TraceEvent, Violation } from './trace.ts';
import type { WorldView } from './checkers/checker.ts';

/**
 * Every reason a replica or client ignores a message, as written in src/protocol (numbers and node
 * names as N; `*` where the type is the message's own). coverage.test.ts reads the sources and
 * fails when this list and the code disagree.
 */
export const ignoreReasons: readonly string[] = [
  '*: recovering: answers nothing until recovery completes',
  '*: sent by N, but only N may send it',
  '*: carries no crash vector of this configuration',
  '*: from incarnation N of replica N, which restarted since (now N)',
  '*: names incarnation N of us, newer than ours',
  '*: view already started',
  '*: waiting for the state of view N',
  'reply: replies are for clients',
  'request: not in normal status',
  'request: not the primary of view N',
  'request: older than request N of N',
  'request: already in progress',
  'prepare: older view N < N',
  'prepare: view change in progress: waiting for start_view',
  'prepare: the primary does not take prepares',
  'prepare: out of order',
  'prepare_ok: older view N < N',
  'prepare_ok: from a later view N',
  'prepare_ok: not in normal status',
  'prepare_ok: not the primary',
  'prepare_ok: sender is not a backup of this configuration',
  'prepare_ok: op N was never prepared',
  'prepare_ok: already counted',
  'commit: older view N < N',
  'commit: view change in progress: waiting for start_view',
  'commit: the primary sends commits, it does not take them',
  'pre_view_change: older view N < N',
  'pre_view_change: sender is not another replica of this configuration',
  'pre_view_change: we are the primary of view N, and alive',
  'pre_view_change: primary N was heard N ms ago',
  'pre_view_change_ok: not asking about the primary of view N',
  'pre_view_change_ok: sender is not another replica of this configuration',
  'start_view_change: recovering: cannot start a view change',
  'start_view_change: older view N < N',
  'start_view_change: sender is not another replica of this configuration',
  'do_view_change: older view N < N',
  'do_view_change: sender is not in this configuration',
  'do_view_change: not the primary of view N',
  'do_view_change: already counted',
  'do_view_change: the chosen log lacks ops we executed (up to N)',
  'start_view: older view N < N',
  'start_view: already in this view',
  'start_view: we are its primary',
  'start_view: its log of N ops lacks ops we executed (up to N)',
  'get_state: not normal in view N',
  'get_state: sender is not another replica',
  'get_state: we hold less than op N',
  'new_state: older view N < N',
  'new_state: view change in progress',
  'new_state: does not start within our committed prefix',
  'new_state: leaves a gap in our log',
  'new_state: holds less than our committed prefix',
  'new_state: nothing new',
  "crash_vector_request: the paper's recovery has no crash vectors",
  'crash_vector_request: sender is not another replica',
  'crash_vector_response: not learning the crash vector',
  'crash_vector_response: stale nonce',
  'crash_vector_response: sender is not another replica',
  'recovery: only normal replicas answer recovery',
  'recovery: sender is not another replica',
  'recovery_response: not recovering',
  'recovery_response: still learning the crash vector',
  'recovery_response: stale nonce',
  'recovery_response: sender is not another replica',
  'reply: sender is not the replica it names',
  'reply: duplicate reply',
  '*: clients only take replies',
  // §7 reconfiguration
  '*: retired: silent for good',
  '*: older epoch N < N',
  '*: waiting for the state of epoch N',
  '*: leaving: out of the group',
  '*: spare: in no group yet',
  'request: names epoch N, later than ours',
  'request: a reconfiguration ends this epoch: no new ops in it',
  'start_view_change: in no group: cannot start a view change',
  'get_state: no state to give (N)',
  'get_state: we committed less than op N',
  'new_state: of epoch N, while we are in epoch N',
  'new_state: holds uncommitted ops: not an epoch transfer',
  'new_state: still short of epoch N: asking on',
  'new_state: committed state for an epoch transfer we no longer wait for',
  'start_epoch: sender is not another replica',
  'start_epoch: not a member holding the state of epoch N',
  'start_epoch: already fetching the state of epoch N',
  'start_epoch: a spare not in the group it names',
  'epoch_started: not leaving the group',
  'epoch_started: not for epoch N',
  'epoch_started: sender is not in the new group',
  'new_epoch: new_epoch is for clients',
  'new_epoch: sender is not the replica it names',
  'new_epoch: knows epoch N already',
];

/**
 * Reasons only a forged or misrouted message reaches (a sender that is not who it says, a message
 * for clients at a replica, a log that does not add up, a message for a view's primary at another
 * replica: replicas send those only to the primary of the message's view): guards, reported apart
 * from the protocol's paths, since an honest simulation is not expected to reach them.
 */
export const guardReasons: ReadonlySet<string> = new Set([
  'prepare: the primary does not take prepares',
  'prepare_ok: not in normal status',
  'prepare_ok: not the primary',
  'prepare_ok: op N was never prepared',
  'commit: the primary sends commits, it does not take them',
  'do_view_change: not the primary of view N',
  'start_view: we are its primary',
  '*: sent by N, but only N may send it',
  '*: carries no crash vector of this configuration',
  '*: names incarnation N of us, newer than ours',
  '*: clients only take replies',
  'reply: replies are for clients',
  'reply: sender is not the replica it names',
  'prepare_ok: sender is not a backup of this configuration',
  'pre_view_change: sender is not another replica of this configuration',
  'pre_view_change_ok: sender is not another replica of this configuration',
  'start_view_change: sender is not another replica of this configuration',
  'do_view_change: sender is not in this configuration',
  'do_view_change: the chosen log lacks ops we executed (up to N)',
  'start_view: its log of N ops lacks ops we executed (up to N)',
  'get_state: sender is not another replica',
  "crash_vector_request: the paper's recovery has no crash vectors",
  'crash_vector_request: sender is not another replica',
  'crash_vector_response: sender is not another replica',
  'recovery: sender is not another replica',
  'recovery_response: sender is not another replica',
  'start_epoch: sender is not another replica',
  'new_epoch: new_epoch is for clients',
  'new_epoch: sender is not the replica it names',
]);

/** The repairs that keep faults from wedging the cluster, and the fault model's own paths. */
export const repairPaths = [
  'prepares resent to a lagging backup',
  'view-change messages resent',
  'state transfer requested',
  'state transfer asked again (next replica)',
  'state installed from a delta',
  'recovery request resent',
  'recovery completed',
  'crash vector learned (new incarnation)',
  'old incarnation seen: its votes dropped',
  'backup asked about its primary (pre_view_change)',
  'view change started after others agreed',
  'view change started by hand',
  'view change stalled: next view, longer wait',
  'joined a view change another replica started',
  'view started late, after a later view (older view)',
  'client resent its request to every replica',
] as const;
export type RepairPath = (typeof repairPaths)[number];

/** Numbers and node names as N, so that one template counts every instance of a reason. */
export function reasonTemplate(messageType: MessageType, reason: string, ownType: boolean): string {
  return `${ownType ? '*' : messageType}: ${reason.replace(/\bc?\d+\b/g, 'N')}`;
}

/** Reasons whose message type is the message's own (any type), not one named in the code. */
const anyTypeReasons = new Set(
  ignoreReasons.filter((key) => key.startsWith('*: ')).map((key) => key.slice(3)),
);

/** Counts what one or more runs reached. Merge the counts of many runs with `add`. */
export class CoverageCounts {
  constructor(
    /** Deliveries by message type (index in messageTypes). */
    readonly deliveries = new Float64Array(messageTypes.length),
    /** Timers fired, by kind (index in timerKinds; the last slot is the client's retry). */
    readonly timers = new Float64Array(timerKinds.length + 1),
    readonly repairs = new Float64Array(repairPaths.length),
    readonly actions = new Float64Array(actionTypes.length),
    /** Raw `type: reason` of ignored messages, and how often (templated when reported). */
    readonly ignored = new Map<string, number>(),
    /** Scenario features: cluster sizes, beyond the fault model, liveness judged... */
    readonly features = new Map<string, number>(),
  ) {}

  count(feature: string, by = 1): void {
    this.features.set(feature, (this.features.get(feature) ?? 0) + by);
  }

  add(other: CoverageCounts | CoverageData): void {
    const data = other instanceof CoverageCounts ? other.toData() : other;
    addInto(this.deliveries, data.deliveries);
    addInto(this.timers, data.timers);
    addInto(this.repairs, data.repairs);
    addInto(this.actions, data.actions);
    for (const [key, value] of Object.entries(data.ignored))
      this.ignored.set(key, (this.ignored.get(key) ?? 0) + value);
    for (const [key, value] of Object.entries(data.features)) this.count(key, value);
  }

  /** Plain data, to post between threads or print as JSON. */
  toData(): CoverageData {
    return {
      deliveries: [...this.deliveries],
      timers: [...this.timers],
      repairs: [...this.repairs],
      actions: [...this.actions],
      ignored: Object.fromEntries(this.ignored),
      features: Object.fromEntries(this.features),
    };
  }

  /** Every path with its count: those never reached first, then the rarest. */
  rows(): CoverageRow[] {
    const rows: CoverageRow[] = [];
    messageTypes.forEach((type, i) =>
      rows.push({ kind: 'handler', name: `on ${type}`, count: this.deliveries[i] }),
    );
    [...timerKinds, 'clientRetry'].forEach((kind, i) =>
      rows.push({ kind: 'timer', name: `${kind} timer`, count: this.timers[i] }),
    );
    repairPaths.forEach((name, i) => rows.push({ kind: 'repair', name, count: this.repairs[i] }));
    actionTypes.forEach((type, i) => rows.push({ kind: 'fault', name: type, count: this.actions[i] }));
    const templated = new Map<string, number>(ignoreReasons.map((key) => [key, 0]));
    for (const [raw, count] of this.ignored) {
      const split = raw.indexOf(': ');
      const type = raw.slice(0, split) as MessageType;
      const reason = raw.slice(split + 2);
      const own = anyTypeReasons.has(reason.replace(/\bc?\d+\b/g, 'N'));
      const key = reasonTemplate(type, reason, own);
      templated.set(key, (templated.get(key) ?? 0) + count);
    }
    for (const [name, count] of templated)
      rows.push({ kind: guardReasons.has(name) ? 'guard' : 'ignore', name, count });
    return rows.sort((a, b) => a.count - b.count);
  }
}

export interface CoverageData {
  readonly deliveries: number[];
  readonly timers: number[];
  readonly repairs: number[];
  readonly actions: number[];
  readonly ignored: Record<string, number>;
  readonly features: Record<string, number>;
}

export interface CoverageRow {
  readonly kind: 'handler' | 'timer' | 'repair' | 'fault' | 'ignore' | 'guard';
  readonly name: string;
  readonly count: number;
}

function addInto(into: Float64Array, from: ArrayLike<number>): void {
  for (let i = 0; i < into.length && i < from.length; i++) into[i] += from[i];
}

const typeIndex = new Map<MessageType, number>(messageTypes.map((type, i) => [type, i]));
const timerIndex = new Map<string, number>([...timerKinds, 'clientRetry'].map((kind, i) => [kind, i]));
const actionIndex = new Map<string, number>(actionTypes.map((type, i) => [type, i]));
const repairIndex = new Map<RepairPath, number>(repairPaths.map((name, i) => [name, i]));

/** Watches a run's events and counts what they reached; never objects. */
export class CoverageRecorder implements Checker {
  readonly name = 'coverage';

  constructor(readonly counts = new CoverageCounts()) {}

  afterEvent(world: WorldView, event: TraceEvent): Violation | null {
    const counts = this.counts;
    switch (event.kind) {
      case 'deliver': {
        const record = world.deliveredRecord();
        if (record !== null) counts.deliveries[typeIndex.get(record.message.type)!]++;
        break;
      }
      case 'timer': {
        counts.timers[timerIndex.get(event.timer)!]++;
        if (event.sentCount > 0) this.timerRepair(event.timer);
        break;
      }
      case 'action':
        counts.actions[actionIndex.get(event.action.type)!]++;
        break;
      default:
        break;
    }
    const notes = event.notes;
    if (notes !== null) for (let i = 0; i < notes.length; i++) this.note(notes[i]);
    return null;
  }

  private timerRepair(timer: string): void {
    if (timer === 'prepareRetry') this.repair('prepares resent to a lagging backup');
    else if (timer === 'viewChangeResend') this.repair('view-change messages resent');
    else if (timer === 'stateTransfer') this.repair('state transfer asked again (next replica)');
    else if (timer === 'recovery') this.repair('recovery request resent');
  }

  private note(note: Note): void {
    switch (note.kind) {
      case 'ignored': {
        const key = `${note.messageType}: ${note.reason}`;
        this.counts.ignored.set(key, (this.counts.ignored.get(key) ?? 0) + 1);
        return;
      }
      case 'state-requested':
        return this.repair('state transfer requested');
      case 'state-installed':
        if (note.via === 'new_state') this.repair('state installed from a delta');
        return;
      case 'recovered':
        return this.repair('recovery completed');
      case 'incarnation-started':
        return this.repair('crash vector learned (new incarnation)');
      case 'incarnation-seen':
        if (note.dropped.length > 0) this.repair('old incarnation seen: its votes dropped');
        return;
      case 'view-change-probed':
        return this.repair('backup asked about its primary (pre_view_change)');
      case 'view-change-started':
        return this.repair(viewChangeCause(note));
      case 'view-started':
        if (note.view < this.latestView) this.repair('view started late, after a later view (older view)');
        if (note.view > this.latestView) this.latestView = note.view;
        return;
      case 'client-retry':
        return this.repair('client resent its request to every replica');
      default:
        return;
    }
  }

  private latestView = 0;

  private repair(path: RepairPath): void {
    this.counts.repairs[repairIndex.get(path)!]++;
  }

  /**
   * A copy counts into the same tally: a world clones its checkers when it starts, and a campaign
   * gathers what all its runs reached in one place. (Campaigns never replay from checkpoints.)
   */
  clone(): CoverageRecorder {
    const copy = new CoverageRecorder(this.counts);
    copy.latestView = this.latestView;
    return copy;
  }
}

function viewChangeCause(note: NoteOf<'view-change-started'>): RepairPath {
  if (note.reason.includes('agree')) return 'view change started after others agreed';
  if (note.reason.includes('by hand')) return 'view change started by hand';
  if (note.reason.includes('stalled')) return 'view change stalled: next view, longer wait';
  return 'joined a view change another replica started';
}
