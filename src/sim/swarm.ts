/**
 * Swarm testing: each seed derives its own scenario with its own fault mix, written out as explicit
 * actions so that a failure is a self-contained scenario. The swarm covers the whole fault model:
 * - every odd cluster size from 1 to 9, both state machines;
 * - links from a LAN to seconds long, and latency that changes in the middle of a run (a spike
 *   leaves slow messages behind);
 * - timers from generous down to below one round trip;
 * - rolling restarts: over a run more than f distinct replicas may crash, at most f at once,
 *   including crashes during recovery and during a view change;
 * - pauses, partitions, asymmetric cuts, drop rules, drop and duplicate rates, forced timeouts;
 * - one aimed pattern, votes forgotten in a crash (swarm-forgotten-votes.ts), which the paper's
 *   recovery needs to lose a write;
 * - reconfigurations (§7) in about 15% of the seeds: grow, shrink and replace, the primary
 *   included, once or twice, during the other faults, with spare slots put into partitions.
 * Faults stop at `faultsEndAt`: the network heals, paused replicas resume, crashed ones restart, so
 * liveness can be judged after it. A few seeds (`beyondFaultModel`) take down f+1 at once: those
 * must stay safe, and liveness is not promised.
 */
import {
  defaultTiming,
  faultsTolerated,
  primaryOf,
  type Mutation,
  type NodeId,
  type RecoveryMode,
  type Timing,
} from '../protocol/index.ts';
import { livenessBoundMs, perRequestBoundMs, quietWindowMs } from './checkers/liveness.ts';
import { Rng } from './rng.ts';
import { forgottenVotes } from './swarm-forgotten-votes.ts';
import type { Action, NetworkParams, Scenario } from './scenario-types.ts';

export interface SwarmOptions {
  readonly replicas?: number;
  readonly mutation?: Mutation;
  readonly recovery?: RecoveryMode;
  /** Whether seeds may open with an aimed pattern (default true); off, every seed is uniform. */
  readonly aimed?: boolean;
  /** Whether seeds may reconfigure the group (default true). */
  readonly reconfigure?: boolean;
}

export interface SwarmScenario {
  readonly scenario: Scenario;
  readonly faultsEndAt: number;
  /** Whether the seed takes down f+1 replicas at once (then only safety is promised). */
  readonly beyondFaultModel: boolean;
  /** The aimed pattern the seed opens with, if any. */
  readonly pattern: 'forgotten-votes' | null;
  /** How many reconfigurations the seed asks for (§7). */
  readonly reconfigurations: number;
}

const clusterSizes = [1, 3, 3, 3, 5, 5, 5, 7, 7, 9];
/** How many five-replica seeds on a LAN open with the forgotten-votes pattern. */
const forgottenVotesShare = 0.15;
/** How many seeds reconfigure the group (§7). */
const reconfigurationShare = 0.15;
/** The most faults one seed draws. */
const faultsMax = 16;

export function swarmScenario(seed: number, options: SwarmOptions = {}): SwarmScenario {
  const rng = Rng.fromSeed(seed).fork('swarm');
  const replicas = options.replicas ?? rng.pick(clusterSizes);
  const f = faultsTolerated(replicas);
  const clients = rng.int(1, 3);
  const latencyMs = drawLatency(rng);
  const network: NetworkParams = {
    latencyMs,
    dropRate: rng.pick([0, 0, 0, 0.01, 0.05, 0.15]),
    duplicateRate: rng.pick([0, 0, 0.02, 0.1]),
  };
  const drawnTiming = drawTiming(rng, latencyMs[1]);
  // Slow links need longer fault periods for anything to happen in them.
  const drawnFaultsEndAt = rng.int(2000, 6000) + 4 * latencyMs[1];
  const plan = new FaultPlan(rng, replicas, clients, f, drawnTiming, latencyMs);
  const faultCount = rng.int(0, faultsMax);
  for (let i = 0; i < faultCount; i++) plan.addRandomFault(rng.int(50, drawnFaultsEndAt - 1));
  const beyondFaultModel = f > 0 && rng.chance(0.04);
  if (beyondFaultModel) plan.crashManyAtOnce(rng.int(100, drawnFaultsEndAt - 1), f + 1);
  let actions = plan.actionsUntil(drawnFaultsEndAt);
  let faultsEndAt = drawnFaultsEndAt;
  let timing = drawnTiming;
  // A few five-replica seeds on a LAN open with votes forgotten in a crash, drawn apart so that
  // adding the pattern leaves every other seed as it was; the seed's own faults follow it.
  const aimed = Rng.fromSeed(seed).fork('forgotten-votes');
  const pattern =
    (options.aimed ?? true) && replicas === 5 && latencyMs[1] <= 100 && aimed.chance(forgottenVotesShare)
      ? 'forgotten-votes'
      : null;
  if (pattern !== null) {
    const votes = forgottenVotes(aimed, aimed.int(50, 300), latencyMs, drawnTiming, clients);
    const shift = votes.endsAt + 4 * votes.latencyMsMax;
    actions = [...votes.actions, ...actions.map((action) => ({ ...action, at: action.at + shift }))];
    faultsEndAt += shift;
    plan.latencyMsMax = Math.max(plan.latencyMsMax, votes.latencyMsMax);
    timing = {
      ...drawnTiming,
      viewChangeTimeoutMs: Math.max(drawnTiming.viewChangeTimeoutMs, votes.viewChangeTimeoutMsAtLeast),
    };
  }
  const stateMachine = rng.chance(0.7) ? 'kv' : 'log';
  // Requests were drawn before the state machine (so drawing it later moved no other seed): put
  // each into the state machine's own words, or the scenario would not load in the app.
  actions = actions.map((action) =>
    action.type === 'request' ? { ...action, op: opFor(stateMachine, action.op) } : action,
  );
  const requestsPerClient = rng.int(3, 25);
  // Reconfigurations are drawn from a stream of their own too: every other seed stays as it was.
  const again = Rng.fromSeed(seed).fork('reconfiguration');
  let slots: number | undefined;
  let reconfigurations = 0;
  if ((options.reconfigure ?? true) && again.chance(reconfigurationShare)) {
    const drawn = drawReconfigurations(again, replicas, clients, actions, faultsEndAt);
    actions = drawn.actions;
    slots = drawn.slots;
    reconfigurations = drawn.count;
  }
  const base: Scenario = {
    version: 1,
    name: `swarm seed ${seed}`,
    seed,
    replicas,
    ...(slots === undefined ? {} : { slots }),
    clients,
    stateMachine,
    network,
    timing,
    workload: { requestsPerClient, keys: rng.int(1, 5) },
    mutation: options.mutation ?? 'none',
    recovery: options.recovery ?? 'crash-vectors',
    until: 0,
    actions,
  };
  // Long enough for the liveness bound and a quiet period, even if every request is still to be
  // served when the faults stop.
  const until =
    faultsEndAt +
    livenessBoundMs(base) +
    requestsPerClient * perRequestBoundMs(plan.latencyMsMax) +
    quietWindowMs(base) +
    2 * plan.latencyMsMax +
    timing.prepareRetryMs +
    // A newcomer may ask every slot in turn for the state before one has it.
    reconfigurations * (slots ?? replicas) * (timing.prepareRetryMs + 2 * plan.latencyMsMax);
  return { scenario: { ...base, until }, faultsEndAt, beyondFaultModel, pattern, reconfigurations };
}

/**
 * One or two reconfigurations during the faults, to any odd group of the slots (the primary's slot
 * may leave like any other). With crashes in the seed the new group is at least as large as the
 * first, so the crashes stay within the f' it tolerates. Spare slots join the partitions' groups.
 */
function drawReconfigurations(
  rng: Rng,
  replicas: number,
  clients: number,
  actions: readonly Action[],
  faultsEndAt: number,
): { actions: Action[]; slots: number; count: number } {
  const slots = Math.min(9, replicas + rng.int(0, 4));
  const crashes = actions.some((action) => action.type === 'crash');
  const count = rng.chance(0.3) ? 2 : 1;
  const added: Action[] = [];
  // A replica that left a group retires for good: a later group draws only from the others.
  const retired = new Set<number>();
  let group = Array.from({ length: replicas }, (_, slot) => slot);
  let at = 100;
  // One client asks for every change, so they commit in the order drawn.
  const client = rng.int(0, clients - 1);
  for (let i = 0; i < count; i++) {
    const pool = Array.from({ length: slots }, (_, slot) => slot).filter((slot) => !retired.has(slot));
    const sizes = [1, 3, 5, 7, 9].filter((size) => size <= pool.length && (!crashes || size >= replicas));
    if (sizes.length === 0) break;
    const size = rng.pick(sizes);
    const members: number[] = [];
    while (members.length < size) members.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
    for (const slot of group) if (!members.includes(slot)) retired.add(slot);
    group = members;
    at = rng.int(at, Math.max(at, faultsEndAt - 1));
    added.push({ at, type: 'reconfigure', client, replicas: members });
  }
  const widened = actions.map((action) => {
    if (action.type !== 'partition' || slots === replicas) return action;
    const groups = action.groups.map((nodes) => [...nodes]);
    for (let spare = replicas; spare < slots; spare++) groups[rng.int(0, groups.length - 1)].push(spare);
    return { ...action, groups };
  });
  const all = [...widened, ...added];
  all.sort((a, b) => a.at - b.at);
  return { actions: all, slots, count };
}

/**
 * A request drawn in the kv store's words (or `len`), said to the chosen state machine: the kv
 * store has no `len`, and the log has no keys.
 */
export function opFor(stateMachine: 'kv' | 'log', op: string): string {
  const [verb, key, ...value] = op.split(' ');
  if (stateMachine === 'kv') return verb === 'len' ? 'put k0 y' : op;
  if (verb === 'get') return 'read 0';
  if (verb === 'put' || verb === 'append') return `append ${value.join(' ') || key}`;
  return op;
}

/** A LAN most of the time; a WAN sometimes; links seconds long now and then. */
function drawLatency(rng: Rng): [number, number] {
  const profile = rng.next();
  if (profile < 0.6) {
    const min = rng.int(1, 20);
    return [min, min + rng.int(0, 80)];
  }
  if (profile < 0.85) {
    const min = rng.int(20, 200);
    return [min, min + rng.int(0, 400)];
  }
  const min = rng.int(100, 1500);
  return [min, min + rng.int(0, 2500)];
}

/**
 * The defaults half the time; otherwise timers scaled to the round trip, from generous (several
 * round trips) down to a timeout near or below one round trip.
 */
function drawTiming(rng: Rng, latencyMsMax: number): Timing {
  const profile = rng.next();
  if (profile < 0.5) return defaultTiming;
  const roundTrip = 2 * latencyMsMax;
  const scale = profile < 0.8 ? 0.5 + rng.next() * 1.5 : 2 + rng.next() * 4;
  const clamp = (ms: number) => Math.max(1, Math.min(60_000, Math.round(ms)));
  const viewChangeTimeoutMs = clamp(Math.max(50, roundTrip * scale));
  const heartbeatMs = clamp(Math.max(1, viewChangeTimeoutMs * (0.1 + rng.next() * 0.4)));
  return {
    heartbeatMs: Math.min(heartbeatMs, viewChangeTimeoutMs - 1),
    viewChangeTimeoutMs,
    prepareRetryMs: clamp(Math.max(20, roundTrip * (0.3 + rng.next() * 1.2))),
    recoveryRetryMs: clamp(Math.max(20, roundTrip * (0.3 + rng.next() * 1.2))),
    clientRetryMs: clamp(Math.max(50, roundTrip * (1 + rng.next() * 3))),
  };
}

/**
 * The faults of one seed. Crashes keep the fault model: at most f replicas are without their state
 * at once, counting a restarted replica as stateless until it may have recovered (a guess from the
 * timers and the slowest link; the liveness checker judges by what really happened).
 */
class FaultPlan {
  private readonly actions: Action[] = [];
  /** Per replica, when it is down or may still be recovering: [from, to) intervals. */
  private readonly stateless: { replica: number; from: number; to: number }[] = [];
  private readonly recoverySlackMs: number;
  latencyMsMax: number;

  constructor(
    private readonly rng: Rng,
    private readonly replicas: number,
    private readonly clients: number,
    private readonly f: number,
    private readonly timing: Timing,
    private readonly initialLatencyMs: [number, number],
  ) {
    this.latencyMsMax = initialLatencyMs[1];
    this.recoverySlackMs = 3 * timing.recoveryRetryMs + 8 * this.latencyMsMax;
  }

  addRandomFault(at: number): void {
    const rng = this.rng;
    const roll = rng.next();
    if (roll < 0.22) return void this.crashAndRestart(at, rng.int(0, this.replicas - 1), this.outageMs());
    if (roll < 0.27) return this.crashDuringViewChange(at);
    if (roll < 0.3) return this.crashDuringRecovery(at);
    if (roll < 0.34) return this.slowThenCrash(at);
    if (roll < 0.38) return this.pause(at);
    if (roll < 0.5 && this.replicas > 1) return this.partition(at);
    if (roll < 0.62 && this.replicas > 1) return this.cut(at);
    if (roll < 0.68)
      return void this.actions.push({ at, type: 'timeout', replica: rng.int(0, this.replicas - 1) });
    if (roll < 0.78) return this.dropRule(at);
    if (roll < 0.88) return this.latencyChange(at);
    if (roll < 0.9) return this.clientAction(at);
    this.actions.push({
      at,
      type: 'network',
      dropRate: rng.pick([0, 0.05, 0.2]),
      duplicateRate: rng.pick([0, 0.05, 0.3]),
    });
  }

  /** Short outages come back inside the old view's timeouts, long ones after the views moved on. */
  private outageMs(): number {
    return this.rng.chance(0.5) ? this.rng.int(50, 450) : this.rng.int(100, 2500 + 2 * this.latencyMsMax);
  }

  /** A crash, and a restart `downMs` later, if at most f stay stateless at once with it. */
  private crashAndRestart(at: number, replica: number, downMs: number): boolean {
    const to = at + downMs + this.recoverySlackMs;
    if (this.stateless.some((s) => s.replica === replica && s.from < to && at < s.to)) return false;
    const overlapping = new Set(this.stateless.filter((s) => s.from < to && at < s.to).map((s) => s.replica));
    if (overlapping.size >= this.f) return false;
    this.stateless.push({ replica, from: at, to });
    this.actions.push({ at, type: 'crash', replica }, { at: at + downMs, type: 'restart', replica });
    return true;
  }

  /** A backup gives up on the primary, and the primary of the next view crashes while it starts. */
  private crashDuringViewChange(at: number): void {
    const rng = this.rng;
    if (this.replicas < 3) return;
    const backup = rng.int(1, this.replicas - 1);
    this.actions.push({ at, type: 'timeout', replica: backup });
    // The view is unknown here: view 1's primary is replica 1, and views climb from the initial one.
    const next = primaryOf(rng.int(1, this.replicas), this.replicas);
    this.crashAndRestart(at + rng.int(1, 2 * this.latencyMsMax + 10), next, this.outageMs());
  }

  /** A replica crashes, restarts, and crashes again while it is still recovering. */
  private crashDuringRecovery(at: number): void {
    const rng = this.rng;
    const replica = rng.int(0, this.replicas - 1);
    const firstDown = rng.int(50, 500);
    if (!this.crashAndRestart(at, replica, firstDown)) return;
    // Early in its first phase, or after it asked for the state (its answers then reach the next life).
    const again = at + firstDown + rng.int(1, 3 * this.latencyMsMax + 5);
    this.actions.push(
      { at: again, type: 'crash', replica },
      { at: again + this.outageMs(), type: 'restart', replica },
    );
    const last = this.stateless[this.stateless.length - 1];
    last.to = Math.max(last.to, again + 3000 + this.recoverySlackMs);
  }

  /**
   * A replica gives up on its primary while the links are congested, so its StartViewChange
   * travels slowly, and crashes: the messages of its old incarnation arrive after it restarted.
   * (This is how a quorum comes to count a vote its sender forgot: the paper's recovery hole.)
   */
  private slowThenCrash(at: number): void {
    const rng = this.rng;
    const replica = rng.int(0, this.replicas - 1);
    const slow = drawLatency(rng);
    const spike: [number, number] = [Math.max(slow[0], 500), Math.max(slow[1], 500) + rng.int(0, 3000)];
    this.latencyMsMax = Math.max(this.latencyMsMax, spike[1]);
    this.actions.push(
      { at, type: 'network', latencyMs: spike },
      { at: at + 1, type: 'timeout', replica },
      { at: at + 2, type: 'network', latencyMs: this.initialLatencyMs },
    );
    this.crashAndRestart(at + rng.int(3, 40), replica, rng.int(20, 400));
  }

  /** A GC pause or a stopped VM: the state stays, timers fall due, messages queue. */
  private pause(at: number): void {
    const replica = this.rng.int(0, this.replicas - 1);
    const ms = this.rng.chance(0.5) ? this.rng.int(50, 800) : this.rng.int(500, 5000);
    this.actions.push({ at, type: 'pause', replica }, { at: at + ms, type: 'resume', replica });
  }

  private partition(at: number): void {
    const groups = splitGroups(this.rng, this.replicas, this.clients);
    this.actions.push({ at, type: 'partition', groups }, { at: at + this.rng.int(200, 2500), type: 'heal' });
  }

  /** A one-way cut, now and then both ways. */
  private cut(at: number): void {
    const rng = this.rng;
    const from: NodeId =
      this.clients > 0 && rng.chance(0.2)
        ? `c${rng.int(0, this.clients - 1)}`
        : rng.int(0, this.replicas - 1);
    let to = rng.int(0, this.replicas - 1) as NodeId;
    if (to === from) to = ((to as number) + 1) % this.replicas;
    const until = at + rng.int(100, 2000);
    this.actions.push({ at, type: 'cut', from, to }, { at: until, type: 'mend', from, to });
    if (typeof from === 'number' && rng.chance(0.3))
      this.actions.push(
        { at, type: 'cut', from: to, to: from },
        { at: until, type: 'mend', from: to, to: from },
      );
  }

  private dropRule(at: number): void {
    const message = this.rng.pick([
      'prepare',
      'prepare_ok',
      'commit',
      'pre_view_change',
      'pre_view_change_ok',
      'start_view_change',
      'do_view_change',
      'start_view',
      'crash_vector_response',
      'recovery_response',
      'get_state',
      'new_state',
    ] as const);
    this.actions.push({ at, type: 'drop', message, count: this.rng.int(1, 5) });
  }

  /** Links slow down for a while (a spike leaves slow messages in flight), then come back. */
  private latencyChange(at: number): void {
    const rng = this.rng;
    const latencyMs = drawLatency(rng);
    this.latencyMsMax = Math.max(this.latencyMsMax, latencyMs[1]);
    const back = at + (rng.chance(0.5) ? rng.int(1, 50) : rng.int(200, 4000));
    this.actions.push({ at, type: 'network', latencyMs });
    if (rng.chance(0.7)) this.actions.push({ at: back, type: 'network', latencyMs: this.initialLatencyMs });
  }

  /**
   * What a person at the app does between faults: a request of their own, the steady workload
   * switched off and on, or a message in flight duplicated (an id that may or may not be in
   * flight: duplicating one that is not does nothing).
   */
  private clientAction(at: number): void {
    const rng = this.rng;
    const roll = rng.next();
    if (roll < 0.4 && this.clients > 0)
      this.actions.push({
        at,
        type: 'request',
        client: rng.int(0, this.clients - 1),
        op: rng.pick(['get k0', 'append k0 x', 'len']),
      });
    else if (roll < 0.7) this.actions.push({ at, type: 'workload', requestsPerClient: rng.int(0, 10) });
    else this.actions.push({ at, type: 'duplicate', id: rng.int(0, 400) });
  }

  /** Beyond the fault model: f+1 replicas lose their state together. */
  crashManyAtOnce(at: number, count: number): void {
    const pool = Array.from({ length: this.replicas }, (_, i) => i);
    for (let i = 0; i < count && pool.length > 0; i++) {
      const replica = pool.splice(this.rng.int(0, pool.length - 1), 1)[0];
      this.actions.push(
        { at, type: 'crash', replica },
        { at: at + this.outageMs(), type: 'restart', replica },
      );
    }
  }

  /** Every action by `faultsEndAt`, in time order, with everything undone at that moment. */
  actionsUntil(faultsEndAt: number): Action[] {
    const actions = this.actions.map((action) =>
      action.at > faultsEndAt ? { ...action, at: faultsEndAt } : action,
    );
    actions.sort((a, b) => a.at - b.at);
    dropMeaninglessCrashes(actions);
    const down = new Set<number>();
    const paused = new Set<number>();
    for (const action of actions) {
      if (action.type === 'crash') {
        down.add(action.replica);
        paused.delete(action.replica);
      } else if (action.type === 'restart') down.delete(action.replica);
      else if (action.type === 'pause') paused.add(action.replica);
      else if (action.type === 'resume') paused.delete(action.replica);
    }
    actions.push(
      { at: faultsEndAt, type: 'heal' },
      { at: faultsEndAt, type: 'network', dropRate: 0, duplicateRate: 0 },
    );
    for (const replica of [...paused].sort((a, b) => a - b))
      actions.push({ at: faultsEndAt, type: 'resume', replica });
    for (const replica of [...down].sort((a, b) => a - b))
      actions.push({ at: faultsEndAt, type: 'restart', replica });
    return actions;
  }
}

/**
 * Two sides: half the time one replica alone (an old primary left behind, a lagging backup), else a
 * random split. Each client joins a side or, unlisted, reaches everyone: a client stuck with a
 * minority primary is what gives it a long log of ops nobody else has.
 */
function splitGroups(rng: Rng, replicas: number, clients: number): NodeId[][] {
  const a: NodeId[] = [];
  const b: NodeId[] = [];
  if (rng.chance(0.5)) {
    const alone = rng.int(0, replicas - 1);
    for (let replica = 0; replica < replicas; replica++) (replica === alone ? a : b).push(replica);
  } else {
    for (let replica = 0; replica < replicas; replica++) (rng.chance(0.5) ? a : b).push(replica);
    if (a.length === 0) a.push(b.pop()!);
    if (b.length === 0) b.push(a.pop()!);
  }
  for (let client = 0; client < clients; client++) {
    const side = rng.int(0, 2);
    if (side < 2) (side === 0 ? a : b).push(`c${client}`);
  }
  return [a, b];
}

/**
 * Drops a crash of a replica that is already down and a restart of one that is up, and a pause or
 * resume that means nothing, keeping every action meaningful.
 */
function dropMeaninglessCrashes(actions: Action[]): void {
  const down = new Set<number>();
  const paused = new Set<number>();
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i];
    if (action.type === 'crash') {
      if (down.has(action.replica)) actions.splice(i--, 1);
      else {
        down.add(action.replica);
        paused.delete(action.replica);
      }
    } else if (action.type === 'restart') {
      if (!down.has(action.replica)) actions.splice(i--, 1);
      else down.delete(action.replica);
    } else if (action.type === 'pause') {
      if (down.has(action.replica) || paused.has(action.replica)) actions.splice(i--, 1);
      else paused.add(action.replica);
    } else if (action.type === 'resume') {
      if (!paused.has(action.replica)) actions.splice(i--, 1);
      else paused.delete(action.replica);
    }
  }
}
