import { describe, expect, it } from 'vitest';
import { defaultTiming } from '../../protocol/index.ts';
import type { Action, Scenario } from '../scenario-types.ts';
import { swarmScenario } from '../swarm.ts';
import { World } from '../world.ts';
import { faultsEndOf, livenessInapplicable, runAndCheckLiveness } from './liveness.ts';
import { checkScenario } from './verdict.ts';

function scenario(actions: Action[], fields: Partial<Scenario> = {}): Scenario {
  return {
    version: 1,
    name: 'liveness',
    seed: 3,
    replicas: 3,
    clients: 2,
    stateMachine: 'kv',
    network: { latencyMs: [5, 30], dropRate: 0, duplicateRate: 0 },
    timing: defaultTiming,
    workload: { requestsPerClient: 10, keys: 2 },
    mutation: 'none',
    recovery: 'crash-vectors',
    until: 12_000,
    actions,
    ...fields,
  };
}

const outage: Action[] = [
  { at: 300, type: 'crash', replica: 0 },
  { at: 400, type: 'partition', groups: [[1], [2]] },
  { at: 1500, type: 'heal' },
  { at: 2000, type: 'restart', replica: 0 },
];

describe('liveness', () => {
  it('after the primary crashed and a partition, the cluster converges and the bound is reported', () => {
    const s = scenario(outage);
    expect(faultsEndOf(s)).toBe(2000);
    expect(livenessInapplicable(s)).toBeNull();
    const result = runAndCheckLiveness(new World(s), faultsEndOf(s));
    expect(result.applicable).toBe(true);
    expect(result.violation).toBeNull();
    expect(result.convergedAfterMs).not.toBeNull();
    expect(result.convergedAfterMs!).toBeLessThanOrEqual(result.boundMs);
  });

  it('a cluster that cannot commit (a fault the checker does not see) fails, naming the bound and the reason', () => {
    const s = scenario([...outage, { at: 2000, type: 'drop', message: 'prepare_ok', count: 1_000_000 }]);
    const result = runAndCheckLiveness(new World(s), faultsEndOf(s));
    expect(result.violation?.checker).toBe('liveness');
    expect(result.violation?.message).toMatch(
      /within the bound of \d+ ms \(6000 ms \+ \d+ requests? left × \d+ ms\)/,
    );
    expect(result.violation?.message).toContain('uncommitted');
    expect(result.violation?.time).toBe(2000 + result.boundMs);
  });

  it('does not apply outside the fault model', () => {
    expect(
      livenessInapplicable(
        scenario([
          { at: 100, type: 'crash', replica: 0 },
          { at: 100, type: 'crash', replica: 1 },
          { at: 900, type: 'restart', replica: 0 },
          { at: 900, type: 'restart', replica: 1 },
        ]),
      ),
    ).toContain('more than f = 1');
    expect(livenessInapplicable(scenario(outage, { until: 5000 }))).toContain('before the bound');
    const unhealed = scenario([{ at: 500, type: 'partition', groups: [[0], [1, 2]] }]);
    const result = runAndCheckLiveness(new World(unhealed), faultsEndOf(unhealed));
    expect(result).toMatchObject({
      applicable: false,
      reason: 'the network is still partitioned when faults stop',
    });
  });

  it('swarm scenarios leave room for the bound however much workload is left', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const verdict = checkScenario(swarmScenario(seed).scenario, { stopWhenConverged: true });
      expect(verdict.liveness.applicable, `seed ${seed}`).toBe(true);
      expect(verdict.ok, `seed ${seed}`).toBe(true);
    }
  });
});
