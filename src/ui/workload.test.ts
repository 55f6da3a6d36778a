import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { workloadOnAt } from './workload.ts';

describe('whether the workload is on', () => {
  it('follows the last workload action at or before the moment', () => {
    const scenario = parseScenario({
      version: 1,
      actions: [
        { at: 100, type: 'workload', requestsPerClient: 50 },
        { at: 300, type: 'workload', requestsPerClient: 0 },
      ],
    });
    expect(workloadOnAt(scenario, 50)).toBe(false);
    expect(workloadOnAt(scenario, 100)).toBe(true);
    expect(workloadOnAt(scenario, 299)).toBe(true);
    expect(workloadOnAt(scenario, 300)).toBe(false);
  });

  it('starts from the scenario workload', () => {
    expect(workloadOnAt(parseScenario({ version: 1, workload: { requestsPerClient: 3, keys: 1 } }), 0)).toBe(
      true,
    );
    expect(workloadOnAt(parseScenario({ version: 1 }), 1000)).toBe(false);
  });

  it('is refused with a precise error when the count is not a whole number', () => {
    expect(() =>
      parseScenario({ version: 1, actions: [{ at: 1, type: 'workload', requestsPerClient: -2 }] }),
    ).toThrow(/^actions\[0\]\.requestsPerClient: /);
  });
});
