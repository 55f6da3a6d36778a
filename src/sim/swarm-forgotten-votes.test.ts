import { describe, expect, it } from 'vitest';
import { defaultTiming, type RecoveryMode } from '../protocol/index.ts';
import { parseScenario } from '../scenario/schema.ts';
import { checkScenario } from './verdict.ts';
import { Rng } from './rng.ts';
import type { Scenario } from './scenario-types.ts';
import { swarmScenario } from './swarm.ts';
import { forgottenVotes } from './swarm-forgotten-votes.ts';

/** Variant `seed` of the pattern alone, on a LAN, with a view-change timeout it can stall under. */
function variant(seed: number, recovery: RecoveryMode): Scenario {
  const rng = Rng.fromSeed(seed).fork('variant');
  const min = rng.int(1, 20);
  const latencyMs: [number, number] = [min, min + rng.int(0, 40)];
  const pattern = forgottenVotes(rng, 200, latencyMs, defaultTiming, 1);
  return parseScenario({
    version: 1,
    seed,
    replicas: 5,
    clients: 1,
    network: { latencyMs },
    timing: { viewChangeTimeoutMs: pattern.viewChangeTimeoutMsAtLeast },
    workload: { requestsPerClient: 5, keys: 2 },
    recovery,
    until: pattern.endsAt + 30_000,
    actions: pattern.actions,
  });
}

describe('the forgotten-votes swarm pattern', () => {
  it('loses a write with the paper recovery in many variants, and never with crash vectors', () => {
    let lost = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const paper = checkScenario(variant(seed, 'paper'));
      if (!paper.ok) {
        expect(paper.violations[0].checker).toMatch(/no-lost-commit|acknowledged-kept/);
        lost++;
      }
      const safe = checkScenario(variant(seed, 'crash-vectors'));
      expect(safe.violations, `variant ${seed}`).toEqual([]);
    }
    expect(lost).toBeGreaterThanOrEqual(5);
  });

  it('opens a few five-replica LAN seeds, shifts their own faults after it, and leaves every other seed as it was', () => {
    let opened = 0;
    for (let seed = 1; seed <= 400; seed++) {
      // Reconfigurations (a stream of their own) are left out on both sides.
      const swarm = swarmScenario(seed, { reconfigure: false });
      const uniform = swarmScenario(seed, { aimed: false, reconfigure: false });
      if (swarm.pattern === null) {
        expect(swarm).toEqual({ ...uniform, pattern: null });
        continue;
      }
      opened++;
      expect(swarm.scenario.replicas).toBe(5);
      expect(swarm.scenario.network.latencyMs[1]).toBeLessThanOrEqual(100);
      const shift = swarm.faultsEndAt - uniform.faultsEndAt;
      const own = uniform.scenario.actions.map((action) => ({ ...action, at: action.at + shift }));
      expect(swarm.scenario.actions.slice(-own.length)).toEqual(own);
    }
    expect(opened).toBeGreaterThan(2);
    expect(opened).toBeLessThan(40);
  });
});
