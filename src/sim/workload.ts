/** The scenario's random workload: ops drawn from the workload stream of the seed. */
import type { ClientId } from '../protocol/index.ts';
import type { Rng } from './rng.ts';
import type { Scenario } from './scenario-types.ts';

/** Think time between a reply and a client's next workload request. */
export function workloadThinkMs(rng: Rng): number {
  return rng.int(0, 30);
}

/** One op for the scenario's state machine. Appended values are unique so a double execution shows. */
export function nextWorkloadOp(scenario: Scenario, client: ClientId, sequence: number, rng: Rng): string {
  const keys = Math.max(1, scenario.workload?.keys ?? 3);
  const key = `k${rng.int(0, keys - 1)}`;
  const roll = rng.next();
  const value = `${client}.${sequence}`;
  if (scenario.stateMachine === 'log')
    return roll < 0.7 ? `append ${value}` : roll < 0.9 ? `read ${rng.int(1, 5)}` : 'len';
  if (roll < 0.35) return `put ${key} ${value}`;
  if (roll < 0.7) return `append ${key} ${value};`;
  return `get ${key}`;
}
