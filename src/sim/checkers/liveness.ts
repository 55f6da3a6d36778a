/**
 * Liveness after faults stop: once every crashed replica restarted and the network healed, the
 * cluster returns to one view in normal status, every pending request gets its reply, and all
 * replicas converge to the same commit-number and state, within a bound the checker reports.
 *
 * The promise holds only inside the fault model: at most f replicas ever lose their state (with more,
 * nobody may be left to answer a recovery, and the cluster rightly stays unavailable), and by the time
 * faults stop every replica runs and the network is healed. Outside it the check does not apply.
 */
import { faultsTolerated } from '../../protocol/index.ts';
import type { Scenario } from '../scenario-types.ts';
import type { Violation } from '../trace.ts';
import type { World } from '../world.ts';

/**
 * How long after the faults stop a healthy cluster must have converged (virtual ms), before the
 * requests still to be served: view change, recovery and state transfer all fit in it many times over.
 */
export const livenessBoundMs = 6000;
/** The longest think time of the workload between a reply and the next request (workload.ts). */
const thinkMsMax = 30;

/**
 * What serving one more request may take on a healthy network: client to primary, prepare, PrepareOk,
 * reply (four message latencies), and the client's think time.
 */
export function perRequestBoundMs(latencyMsMax: number): number {
  return 4 * latencyMsMax + thinkMsMax + 10;
}

export interface Convergence {
  readonly view: number;
  readonly commitNumber: number;
}

/** Whether the world has converged right now; a reason when it has not. O(replicas + clients). */
export function convergence(world: World): Convergence | string {
  const first = world.replicas[0];
  if (first === null) return 'replica 0 is crashed';
  const digest = first.stateMachine.digest();
  for (const replica of world.replicas) {
    if (replica === null) return 'a replica is crashed';
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

/** When the scenario's faults stop: its last action that is not a client request (0 when none). */
export function faultsEndOf(scenario: Scenario): number {
  let end = 0;
  for (const action of scenario.actions) if (action.type !== 'request' && action.at > end) end = action.at;
  return end;
}

/** Why liveness cannot be judged from the scenario alone, or null when it can (so far). */
export function livenessInapplicable(scenario: Scenario, boundMs = livenessBoundMs): string | null {
  const crashed = new Set<number>();
  for (const action of scenario.actions) if (action.type === 'crash') crashed.add(action.replica);
  const f = faultsTolerated(scenario.replicas);
  if (crashed.size > f)
    return `${crashed.size} replicas lose their state, more than f = ${f}: the cluster may rightly stay unavailable`;
  const end = faultsEndOf(scenario);
  if (scenario.until < end + boundMs)
    return `the run ends ${scenario.until - end} ms after faults stop, before the bound of ${boundMs} ms`;
  return null;
}

/** The most requests one client still has to get served (each waits for the one before). */
function requestsLeft(world: World): number {
  const left = world.clients.map(
    (client, i) => (client.pending === null ? 0 : 1) + client.queue.length + world.workloadRemaining[i],
  );
  for (let i = world.nextAction; i < world.actions.length; i++) {
    const action = world.actions[i];
    if (action.type === 'request') left[action.client]++;
  }
  return Math.max(0, ...left);
}

/** Why the world is not yet fault-free (a replica down, the network not healed), or null. */
export function faultsRemaining(world: World): string | null {
  for (let id = 0; id < world.replicas.length; id++)
    if (world.replicas[id] === null) return `replica ${id} is still crashed when faults stop`;
  const network = world.network;
  if (network.groups !== null) return 'the network is still partitioned when faults stop';
  if (network.cuts.size > 0) return 'links are still cut when faults stop';
  if (network.params.dropRate > 0) return 'the network still drops messages when faults stop';
  return null;
}

export interface LivenessResult {
  /** Whether the check applied; when not, `reason` says why and nothing was judged. */
  readonly applicable: boolean;
  readonly reason?: string;
  readonly faultsEndAt: number;
  /** The bound judged against: the base bound plus the requests left when faults stopped. */
  readonly boundMs: number;
  /** Virtual ms from the end of faults to convergence, or null when it never converged. */
  readonly convergedAfterMs: number | null;
  readonly violation: Violation | null;
}

export interface LivenessOptions {
  readonly boundMs?: number;
  /** Keep running (and checking safety) to the scenario's end after converging; else stop there. */
  readonly runToEnd?: boolean;
}

/**
 * Steps a fresh `world` to `faultsEndAt`, then until it converges or the bound passes, and reports
 * how long convergence took. A safety violation on the way stops the world and this with it.
 */
export function runAndCheckLiveness(
  world: World,
  faultsEndAt: number,
  options: LivenessOptions = {},
): LivenessResult {
  const baseMs = options.boundMs ?? livenessBoundMs;
  let boundMs = baseMs;
  const result = (fields: Partial<LivenessResult>): LivenessResult => ({
    applicable: true,
    faultsEndAt,
    boundMs,
    convergedAfterMs: null,
    violation: null,
    ...fields,
  });
  world.runUntil(faultsEndAt);
  if (world.halted) return result({});
  const remaining = faultsRemaining(world);
  if (remaining !== null) {
    world.runToEnd();
    return result({ applicable: false, reason: remaining });
  }
  const left = requestsLeft(world);
  const perRequestMs = perRequestBoundMs(world.network.params.latencyMs[1]);
  boundMs = baseMs + left * perRequestMs;
  const bound = `${boundMs} ms (${baseMs} ms + ${left} request${left === 1 ? '' : 's'} left × ${perRequestMs} ms)`;
  const deadline = Math.min(faultsEndAt + boundMs, world.scenario.until);
  let convergedAt: number | null = null;
  let lastReason = '';
  while (!world.halted) {
    const state = convergence(world);
    if (typeof state !== 'string') {
      convergedAt = world.now;
      break;
    }
    lastReason = state;
    if (!world.step(deadline)) break;
  }
  if (world.halted) return result({});
  if (convergedAt === null) {
    if (world.now < deadline) world.runUntil(deadline);
    if (deadline < faultsEndAt + boundMs)
      return result({
        applicable: false,
        reason: `not converged when the run ended, ${deadline - faultsEndAt} ms after faults stopped, before the bound of ${bound}: ${lastReason}`,
      });
    return result({
      violation: {
        checker: 'liveness',
        time: deadline,
        event: world.eventCount - 1,
        message: `no convergence within the bound of ${bound} after faults stopped at ${faultsEndAt} ms: ${lastReason}`,
      },
    });
  }
  if (options.runToEnd ?? true) world.runToEnd();
  return result({ convergedAfterMs: convergedAt - faultsEndAt });
}
