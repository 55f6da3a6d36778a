/**
 * Liveness after faults stop: once every crashed replica restarted and the network healed, the
 * cluster returns to one view in normal status, every pending request gets its reply, and all
 * replicas converge to the same commit-number and state, within a bound the checker reports.
 */
import type { Violation } from '../trace.ts';
import type { World } from '../world.ts';

export interface Convergence {
  readonly view: number;
  readonly commitNumber: number;
}

/** Whether the world has converged right now; a reason when it has not. */
export function convergence(world: World): Convergence | string {
  const first = world.replicas[0];
  if (first === null) return 'replica 0 is crashed';
  for (const replica of world.replicas) {
    if (replica === null) return 'a replica is crashed';
    if (replica.status !== 'normal') return `replica ${replica.id} is ${replica.status}`;
    if (replica.view !== first.view) return `replicas are in views ${first.view} and ${replica.view}`;
    if (replica.commitNumber !== replica.opNumber) return `replica ${replica.id} has uncommitted ops`;
    if (
      replica.commitNumber !== first.commitNumber ||
      replica.stateMachine.digest() !== first.stateMachine.digest()
    )
      return `replicas ${first.id} and ${replica.id} differ (commit ${first.commitNumber} vs ${replica.commitNumber})`;
  }
  for (const client of world.clients)
    if (client.pending !== null || client.queue.length > 0)
      return `client ${client.id} still waits for a reply`;
  for (let i = 0; i < world.workloadRemaining.length; i++)
    if (world.workloadRemaining[i] > 0) return `client c${i} has workload left`;
  return { view: first.view, commitNumber: first.commitNumber };
}

export interface LivenessResult {
  /** Virtual ms from the end of faults to convergence, or null when it never converged. */
  readonly convergedAfterMs: number | null;
  readonly violation: Violation | null;
}

/**
 * Steps `world` (already past nothing or part of the run) to its end and reports when it first
 * converged after `faultsEndAt`.
 */
export function runAndCheckLiveness(world: World, faultsEndAt: number): LivenessResult {
  world.runUntil(faultsEndAt);
  let convergedAt: number | null = null;
  let lastReason = '';
  while (!world.halted) {
    const state = convergence(world);
    if (typeof state !== 'string') {
      convergedAt = world.now;
      break;
    }
    lastReason = state;
    if (!world.step()) break;
  }
  if (world.halted) return { convergedAfterMs: null, violation: null };
  if (convergedAt !== null) return { convergedAfterMs: convergedAt - faultsEndAt, violation: null };
  return {
    convergedAfterMs: null,
    violation: {
      checker: 'liveness',
      time: world.now,
      event: world.eventCount - 1,
      message: `no convergence ${world.now - faultsEndAt} ms after faults stopped: ${lastReason}`,
    },
  };
}
