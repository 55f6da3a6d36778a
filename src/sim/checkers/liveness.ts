/**
 * Liveness, judged in every fault-free stretch of a run: once every crashed replica restarted,
 * every paused one resumed and the network healed, the cluster returns to one view in normal status,
 * every pending request gets its reply, and all replicas converge to the same commit-number and
 * state, within a bound this checker reports. Then it falls quiet: traffic drops to heartbeats.
 *
 * The promise holds only inside the fault model: at most f replicas without their state (crashed,
 * or restarted and still recovering) at the same time, however many crash over the whole run. Once
 * more than f lose it together nobody may be left to answer a recovery, and the cluster rightly
 * stays unavailable from then on.
 */
import { faultsTolerated, type MessageType } from '../../protocol/index.ts';
import type { Action, Scenario } from '../scenario-types.ts';
import type { Violation } from '../trace.ts';
import type { World } from '../world.ts';

/**
 * How long after the faults stop a healthy cluster must have converged (virtual ms), before the
 * requests still to be served. It scales with the slowest link and the timers: noticing a dead
 * primary takes a timeout, a view change a few trips, and one that needs longer than the timeout
 * waits through a few backed-off timeouts first; recovery takes two rounds.
 */
export function livenessBoundMs(scenario: Scenario): number {
  const timing = scenario.timing;
  return 5000 + 30 * latencyMsMaxOf(scenario) + 4 * timing.viewChangeTimeoutMs + 2 * timing.recoveryRetryMs;
}

/** The longest think time of the workload between a reply and the next request (workload.ts). */
const thinkMsMax = 30;

/**
 * What serving one more request may take on a healthy network: client to primary, prepare, PrepareOk,
 * reply (four message latencies), and the client's think time.
 */
export function perRequestBoundMs(latencyMsMax: number): number {
  return 4 * latencyMsMax + thinkMsMax + 10;
}

/** The slowest link a scenario ever has (messages sent before a change may still be on their way). */
export function latencyMsMaxOf(scenario: Scenario): number {
  let max = scenario.network.latencyMs[1];
  for (const action of scenario.actions)
    if (action.type === 'network' && action.latencyMs !== undefined && action.latencyMs[1] > max)
      max = action.latencyMs[1];
  return max;
}

/** Traffic a converged, idle cluster may still send: heartbeats, and a backup's question about a late one. */
const quietTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  'commit',
  'pre_view_change',
  'pre_view_change_ok',
]);

/** How long a converged, idle cluster is watched for traffic beyond heartbeats. */
export function quietWindowMs(scenario: Scenario): number {
  const t = scenario.timing;
  return Math.max(
    2000,
    4 * Math.max(t.prepareRetryMs, t.recoveryRetryMs, t.heartbeatMs),
    4 * latencyMsMaxOf(scenario),
  );
}

export interface Convergence {
  readonly view: number;
  readonly commitNumber: number;
}

/** Whether the world has converged right now; a reason when it has not. O(replicas + clients). */
export function convergence(world: World): Convergence | string {
  // §7: the latest group must converge; replicas a reconfiguration removed need not.
  const group = latestGroup(world);
  const first = world.replicas[group[0]];
  if (first === null) return `replica ${group[0]} is crashed`;
  const digest = first.stateMachine.digest();
  for (const id of group) {
    const replica = world.replicas[id];
    if (replica === null) return 'a replica is crashed';
    if (replica.epoch !== first.epoch) return `replicas are in epochs ${first.epoch} and ${replica.epoch}`;
    if (replica.status !== 'normal') return `replica ${replica.id} is ${replica.status}`;
    if (replica.view !== first.view) return `replicas are in views ${first.view} and ${replica.view}`;
    if (replica.commitNumber !== replica.opNumber)
      return `replica ${replica.id} has uncommitted ops (op ${replica.opNumber}, commit ${replica.commitNumber})`;
    if (replica.commitNumber !== first.commitNumber || replica.stateMachine.digest() !== digest)
      return `replicas ${first.id} and ${replica.id} differ (commit ${first.commitNumber} vs ${replica.commitNumber})`;
  }
  for (const client of world.clients)
    if (client.pending !== null || client.queue.length > 0)
      return `client ${client.id} still waits for a reply to request #${client.pending?.request ?? client.requestNumber + 1}`;
  for (let i = 0; i < world.workloadRemaining.length; i++)
    if (world.workloadRemaining[i] > 0) return `client c${i} has workload left`;
  return { view: first.view, commitNumber: first.commitNumber };
}

/**
 * The group of the latest epoch any running replica entered (§7); the first group before any
 * reconfiguration. Liveness judges this group only.
 */
export function latestGroup(world: Pick<World, 'replicas' | 'scenario'>): readonly number[] {
  let best: { epoch: number; members: readonly number[] } | null = null;
  for (const replica of world.replicas)
    if (replica !== null && replica.epoch > 0 && (best === null || replica.epoch > best.epoch))
      best = { epoch: replica.epoch, members: replica.members };
  if (best !== null) return best.members;
  return Array.from({ length: world.scenario.replicas }, (_, i) => i);
}

/** When the scenario's faults stop: its last action that is not a client request (0 when none). */
export function faultsEndOf(scenario: Scenario): number {
  let end = 0;
  for (const action of scenario.actions)
    if (action.type !== 'request' && action.type !== 'workload' && action.at > end) end = action.at;
  return end;
}

/** A stretch of the run with no fault in force: from `start` until the next fault at `end`. */
export interface FaultFreeWindow {
  readonly start: number;
  readonly end: number;
}

/** Whether an action breaks something (for a while, or at that instant), as opposed to mending or asking. */
function isFault(action: Action): boolean {
  switch (action.type) {
    case 'crash':
    case 'pause':
    case 'partition':
    case 'cut':
    case 'drop':
    case 'duplicate':
    case 'timeout':
    case 'control':
    case 'fire':
      return true;
    case 'network':
      return action.dropRate !== undefined && action.dropRate > 0;
    default:
      return false;
  }
}

/**
 * The fault-free stretches of a scenario, read from its actions: every replica running and not
 * paused, no partition, no cut link, no random drops. Each starts when the last fault in force is
 * undone (or an instantaneous fault happened) and ends at the next fault (or the run's end).
 */
export function faultFreeWindows(scenario: Scenario): FaultFreeWindow[] {
  const down = new Set<number>();
  const paused = new Set<number>();
  const cuts = new Set<string>();
  let partitioned = false;
  let dropping = scenario.network.dropRate > 0;
  // Controlled network mode never ends: time stands still, so nothing is promised after it.
  let controlled = false;
  const clean = () =>
    down.size === 0 && paused.size === 0 && cuts.size === 0 && !partitioned && !dropping && !controlled;
  const windows: FaultFreeWindow[] = [];
  let start: number | null = clean() ? 0 : null;
  const actions = [...scenario.actions].sort((a, b) => a.at - b.at);
  for (const action of actions) {
    if (isFault(action) && start !== null) {
      if (action.at > start) windows.push({ start, end: action.at });
      start = null;
    }
    switch (action.type) {
      case 'crash':
        down.add(action.replica);
        paused.delete(action.replica);
        break;
      case 'restart':
        down.delete(action.replica);
        break;
      case 'pause':
        if (!down.has(action.replica)) paused.add(action.replica);
        break;
      case 'resume':
        paused.delete(action.replica);
        break;
      case 'partition':
        partitioned = true;
        break;
      case 'heal':
        partitioned = false;
        cuts.clear();
        break;
      case 'cut':
        cuts.add(`${action.from}>${action.to}`);
        break;
      case 'mend':
        cuts.delete(`${action.from}>${action.to}`);
        break;
      case 'network':
        if (action.dropRate !== undefined) dropping = action.dropRate > 0;
        break;
      case 'control':
        controlled = true;
        break;
      default:
        break;
    }
    if (start === null && clean()) start = action.at;
  }
  if (start !== null && start < scenario.until) windows.push({ start, end: scenario.until });
  return windows;
}

/** The most requests one client still has to get served by `until` (each waits for the one before). */
function requestsLeft(world: World, until: number): number {
  const left = world.clients.map(
    (client, i) => (client.pending === null ? 0 : 1) + client.queue.length + world.workloadRemaining[i],
  );
  for (let i = world.nextAction; i < world.actions.length; i++) {
    const action = world.actions[i];
    if (action.at >= until) break;
    if (action.type === 'request') left[action.client]++;
  }
  return Math.max(0, ...left);
}

/** Why the world is not fault-free right now (a replica down or paused, the network not healed), or null. */
export function faultsRemaining(world: World): string | null {
  const group = latestGroup(world);
  for (let id = 0; id < world.replicas.length; id++) {
    if (world.replicas[id] === null && group.includes(id))
      return `replica ${id} is still crashed when faults stop`;
    if (world.paused[id] === 1) return `replica ${id} is still paused when faults stop`;
  }
  const network = world.network;
  if (network.groups !== null) return 'the network is still partitioned when faults stop';
  if (network.cuts.size > 0) return 'links are still cut when faults stop';
  if (network.params.dropRate > 0) return 'the network still drops messages when faults stop';
  return null;
}

/** The verdict on one fault-free window. */
export interface WindowVerdict {
  readonly start: number;
  readonly end: number;
  /** Whether the window was judged; when not, `reason` says why. */
  readonly applicable: boolean;
  readonly reason?: string;
  /** The bound judged against: the base bound plus the requests left when the window opened. */
  readonly boundMs: number;
  /** Virtual ms from the window's start to convergence, or null when it never converged. */
  readonly convergedAfterMs: number | null;
  /** Whether the quiet period after convergence was watched (it needs room before the window ends). */
  readonly quietChecked: boolean;
  readonly violation: Violation | null;
}

export interface LivenessResult {
  /** Whether any window was judged; when not, `reason` says why. */
  readonly applicable: boolean;
  readonly reason?: string;
  /** The start of the last window judged (or seen): when the faults stopped for the last time. */
  readonly faultsEndAt: number;
  readonly boundMs: number;
  /** For the last window judged. */
  readonly convergedAfterMs: number | null;
  /** The first violation of any window. */
  readonly violation: Violation | null;
  readonly windows: readonly WindowVerdict[];
}

export interface LivenessOptions {
  /** Keep running (and checking safety) to the scenario's end after the last window; else stop there. */
  readonly runToEnd?: boolean;
}

/**
 * Steps a fresh `world` through every fault-free window of its scenario and judges each: it must
 * converge within the bound, then stay quiet. A safety violation on the way stops the world and
 * this with it; the first liveness or quiescence violation ends the judging.
 */
export function runAndCheckLiveness(world: World, options: LivenessOptions = {}): LivenessResult {
  const scenario = world.scenario;
  const windows = faultFreeWindows(scenario);
  const verdicts: WindowVerdict[] = [];
  let violation: Violation | null = null;
  for (const window of windows) {
    const verdict = judgeWindow(world, window);
    if (verdict === null) break; // a safety violation halted the world
    verdicts.push(verdict);
    if (verdict.violation !== null) {
      violation = verdict.violation;
      break;
    }
  }
  if ((options.runToEnd ?? true) && !world.halted) world.runToEnd();
  const judged = verdicts.filter((v) => v.applicable);
  const last = judged.at(-1) ?? verdicts.at(-1);
  return {
    applicable: judged.length > 0,
    reason: judged.length > 0 ? undefined : (last?.reason ?? 'the faults never stop'),
    faultsEndAt: last?.start ?? faultsEndOf(scenario),
    boundMs: last?.boundMs ?? livenessBoundMs(scenario),
    convergedAfterMs: judged.at(-1)?.convergedAfterMs ?? null,
    violation,
    windows: verdicts,
  };
}

function judgeWindow(world: World, window: FaultFreeWindow): WindowVerdict | null {
  const scenario = world.scenario;
  world.runUntil(window.start);
  if (world.halted) return null;
  const base = livenessBoundMs(scenario);
  const result = (fields: Partial<WindowVerdict>): WindowVerdict => ({
    start: window.start,
    end: window.end,
    applicable: true,
    boundMs: base,
    convergedAfterMs: null,
    quietChecked: false,
    violation: null,
    ...fields,
  });
  const f = faultsTolerated(Math.min(world.scenario.replicas, latestGroup(world).length));
  if (world.statelessMax > f)
    return result({
      applicable: false,
      reason: `${world.statelessMax} replicas were without their state at once, more than f = ${f}: the cluster may rightly stay unavailable`,
    });
  const remaining = faultsRemaining(world);
  if (remaining !== null) return result({ applicable: false, reason: remaining });
  const left = requestsLeft(world, window.start + base);
  const perRequestMs = perRequestBoundMs(latencyMsMaxOf(scenario));
  const boundMs = base + left * perRequestMs;
  const bound = `${boundMs} ms (${base} ms + ${left} request${left === 1 ? '' : 's'} left × ${perRequestMs} ms)`;
  // Up to the last moment before the next fault (whose own action is not part of the window).
  const deadline = Math.min(window.start + boundMs, window.end - 1, scenario.until);
  let lastReason = '';
  let convergedAt: number | null = null as number | null;
  while (!world.halted) {
    const state = convergence(world);
    if (typeof state !== 'string') {
      convergedAt = world.now;
      break;
    }
    lastReason = state;
    if (!world.step(deadline)) break;
  }
  if (world.halted) return null;
  if (convergedAt === null) {
    if (deadline < window.start + boundMs)
      return result({
        boundMs,
        applicable: false,
        reason: `not converged ${deadline - window.start} ms after faults stopped at ${window.start} ms, when ${deadline === window.end - 1 ? 'the next fault came' : 'the run ended'}, before the bound of ${bound}: ${lastReason}`,
      });
    world.runUntil(deadline);
    if (world.halted) return null;
    return result({
      boundMs,
      violation: {
        checker: 'liveness',
        time: deadline,
        event: world.eventCount - 1,
        message: `no convergence within the bound of ${bound} after faults stopped at ${window.start} ms: ${lastReason}`,
      },
    });
  }
  // A failure detector that was about to fire when the faults stopped may still change the view:
  // then the cluster must converge again, and be quiet after that.
  let quiet: Violation | null | undefined | 'unsettled' = 'unsettled';
  for (let attempt = 0; attempt < 3 && quiet === 'unsettled'; attempt++) {
    quiet = checkQuiet(world, convergedAt, window);
    if (quiet !== 'unsettled') break;
    const full = world.now + boundMs;
    const until = Math.min(full, window.end - 1, scenario.until);
    const again = convergeBy(world, until);
    if (world.halted) return null;
    if (again === null && until < full)
      return result({
        boundMs,
        applicable: false,
        reason: 'left its converged state and the window ended first',
      });
    if (again === null)
      return result({
        boundMs,
        violation: {
          checker: 'liveness',
          time: until,
          event: world.eventCount - 1,
          message: `converged after faults stopped at ${window.start} ms, then left that state and did not converge again within ${boundMs} ms: ${String(convergence(world))}`,
        },
      });
    convergedAt = again;
  }
  if (quiet === null && world.halted) return null;
  return result({
    boundMs,
    convergedAfterMs: convergedAt - window.start,
    quietChecked: quiet !== undefined,
    violation:
      quiet === 'unsettled'
        ? {
            checker: 'quiescence',
            time: world.now,
            event: world.eventCount - 1,
            message: `the cluster converged after faults stopped at ${window.start} ms, but three times left that state again while idle`,
          }
        : (quiet ?? null),
  });
}

/** Steps until the world converges (its time) or `deadline` passes (null). */
function convergeBy(world: World, deadline: number): number | null {
  while (!world.halted) {
    if (typeof convergence(world) !== 'string') return world.now;
    if (!world.step(deadline)) return null;
  }
  return null;
}

/**
 * A converged cluster with idle clients and nothing left to do falls quiet: once the last repairs
 * settled and any failure detector that was about to fire has fired, only heartbeats (and a
 * backup's question about a late one) go out. Endless state transfers, resends or view changes
 * are a violation naming the message types and the senders. Returns undefined when there is no
 * room to watch (the window ends first, or a request comes), 'unsettled' when the cluster left
 * its converged state while settling.
 */
function checkQuiet(
  world: World,
  convergedAt: number,
  window: FaultFreeWindow,
): Violation | null | undefined | 'unsettled' {
  const scenario = world.scenario;
  const settleMs =
    3 * scenario.timing.viewChangeTimeoutMs + 4 * latencyMsMaxOf(scenario) + scenario.timing.prepareRetryMs;
  const from = convergedAt + settleMs;
  const to = from + quietWindowMs(scenario);
  if (to > Math.min(window.end - 1, scenario.until)) return undefined;
  for (let i = world.nextAction; i < world.actions.length && world.actions[i].at <= to; i++)
    if (world.actions[i].at > convergedAt) return undefined;
  // Leaving the converged state while settling (a late view change) restarts the count: the
  // messages that view change leaves in flight are settling too, not a failure to fall quiet.
  while (world.step(from)) if (typeof convergence(world) === 'string') return 'unsettled';
  world.runUntil(from);
  if (world.halted) return null;
  const sent = new Map<string, number>();
  let first = -1;
  while (world.step(to)) {
    for (let i = 0; i < world.nextMessageId - world.stepFirstSent; i++) {
      const record = world.stepMessages[i];
      if (quietTypes.has(record.message.type) || typeof record.from !== 'number') continue;
      // §7: a backup asking about its primary also tells the slots outside its group its epoch
      // (start_epoch); a member of the latest group doing so is that question, not a repair.
      if (record.message.type === 'start_epoch' && latestGroup(world).includes(record.from)) continue;
      const key = `${record.message.type} from replica ${record.from}`;
      sent.set(key, (sent.get(key) ?? 0) + 1);
      if (first < 0) first = world.eventCount - 1;
    }
  }
  if (world.halted) return null;
  if (sent.size === 0) return null;
  const what = [...sent].map(([key, count]) => `${count} ${key}`).join(', ');
  return {
    checker: 'quiescence',
    time: to,
    event: first,
    message: `converged at ${convergedAt} ms with idle clients, yet between ${from} and ${to} ms the cluster sent ${what}: only heartbeats should remain`,
  };
}
