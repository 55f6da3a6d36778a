import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { checkScenario } from './verdict.ts';
import type { Action, Scenario } from './scenario-types.ts';
import { scenarioSize, shrinkScenario, type FailureTest } from './shrink.ts';
import { swarmScenario } from './swarm.ts';
import type { Violation } from './trace.ts';

function base(actions: Action[]): Scenario {
  const header = { version: 1, name: 'shrink', seed: 1, replicas: 7, clients: 3, until: 9000 };
  const network = { latencyMs: [5, 90], dropRate: 0.1, duplicateRate: 0.05 };
  return { ...parseScenario({ ...header, network, workload: { requestsPerClient: 20, keys: 4 } }), actions };
}

const fake = (time: number): Violation => ({ checker: 'fake', time, event: 0, message: 'fails' });

describe('shrink', () => {
  it('keeps only what the failure needs', () => {
    const needle: Action = { at: 400, type: 'crash', replica: 1 };
    const hay: Action[] = [];
    for (let i = 0; i < 40; i++) hay.push({ at: 10 * i, type: 'timeout', replica: i % 7 });
    hay.splice(17, 0, needle);
    hay.push(
      { at: 500, type: 'cut', from: 'c2', to: 6 },
      {
        at: 600,
        type: 'partition',
        groups: [
          [0, 1, 'c0'],
          [2, 3, 4, 5, 6],
        ],
      },
    );
    // "Fails" while replica 1 crashes at 400 in a cluster of at least 3, with some traffic.
    const test: FailureTest = (s) =>
      s.replicas >= 3 &&
      s.actions.some((a) => a.type === 'crash' && a.replica === 1 && a.at === 400) &&
      (s.workload?.requestsPerClient ?? 0) * s.clients >= 2
        ? fake(450)
        : null;
    const result = shrinkScenario(base(hay), test);
    expect(result.scenario.actions).toEqual([needle]);
    expect(result.scenario).toMatchObject({
      replicas: 3,
      clients: 1,
      until: 451,
      network: { latencyMs: [5, 5], dropRate: 0, duplicateRate: 0 },
      workload: { requestsPerClient: 2, keys: 1 },
    });
    expect(scenarioSize(result.scenario)).toBeLessThan(scenarioSize(base(hay)));
  });

  it('drops the pauses of a replica the smaller cluster no longer has', () => {
    const paused: Action[] = [
      { at: 100, type: 'pause', replica: 5 },
      { at: 200, type: 'resume', replica: 5 },
      { at: 400, type: 'crash', replica: 1 },
    ];
    const test: FailureTest = (s) => (s.actions.some((a) => a.type === 'crash') ? fake(450) : null);
    const result = shrinkScenario(base(paused), test);
    expect(result.scenario.replicas).toBe(3);
    expect(result.scenario.actions).toEqual([{ at: 400, type: 'crash', replica: 1 }]);
  });

  it('a scenario that passes cannot be shrunk', () => {
    expect(() => shrinkScenario(base([]), () => null)).toThrow(/does not fail/);
  });

  it('shrinks a fuzzing failure while the same checker still objects', () => {
    // The first swarm seed on which the mutation fails, judged as the fuzzer judges it.
    const judge = (s: Scenario) => checkScenario(s, { stopWhenConverged: true }).violations[0];
    let seed = 1;
    while (judge(swarmScenario(seed, { mutation: 'commit-without-quorum' }).scenario) === undefined) seed++;
    const { scenario } = swarmScenario(seed, { mutation: 'commit-without-quorum' });
    const first = judge(scenario);
    expect(first).toBeDefined();
    const test: FailureTest = (s) => {
      const found = checkScenario(s, { stopWhenConverged: true }).violations[0];
      return found?.checker === first.checker ? found : null;
    };
    const result = shrinkScenario(scenario, test, { maxRuns: 300 });
    expect(result.violation.checker).toBe(first.checker);
    expect(test(result.scenario)?.checker).toBe(first.checker);
    expect(result.scenario.actions.length).toBeLessThanOrEqual(scenario.actions.length);
    expect(result.scenario.until).toBeLessThan(scenario.until);
    expect(scenarioSize(result.scenario)).toBeLessThan(scenarioSize(scenario));
  });
});
