import { describe, expect, it } from 'vitest';
import { defaultTiming } from '../protocol/timing.ts';
import { parseScenario, parseScenarioText, scenarioBytesMax, scenarioToJson } from './schema.ts';

function errorOf(value: unknown): string {
  try {
    parseScenario(value);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('scenario format v1', () => {
  it('fills every default from a bare version', () => {
    const scenario = parseScenario({ version: 1 });
    expect(scenario).toMatchObject({
      replicas: 3,
      clients: 1,
      seed: 1,
      stateMachine: 'kv',
      mutation: 'none',
      until: 10000,
      actions: [],
    });
    expect(scenario.timing).toEqual(defaultTiming);
    expect(scenario.network).toEqual({ latencyMs: [10, 40], dropRate: 0, duplicateRate: 0 });
  });

  it('round-trips through its JSON', () => {
    const scenario = parseScenario({
      version: 1,
      replicas: 5,
      clients: 2,
      actions: [
        {
          at: 5,
          type: 'partition',
          groups: [
            [0, 1, 'c0'],
            [2, 3, 4],
          ],
        },
        { at: 9, type: 'drop', from: 0, message: 'prepare', count: 2 },
      ],
    });
    expect(parseScenarioText(scenarioToJson(scenario))).toEqual(scenario);
  });

  it.each([
    [{ version: 1, replicas: 4 }, 'replicas: must be an odd number from 1 to 9, got 4'],
    [{ version: 2 }, 'version: unknown version 2: this build reads version 1'],
    [{}, 'version: is required (this is format version 1)'],
    [
      { version: 1, replicas: 5, actions: [{ at: 1, type: 'crash', replica: 7 }] },
      'actions[0].replica: 7 is not a replica of a 5-replica cluster',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'request', client: 3, op: 'put x 1' }] },
      'actions[0].client: 3 is not a client of this scenario (it has 1 client)',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'request', client: 0, op: 'get' }] },
      'actions[0].op: get needs a key (state machine kv)',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'explode' }] },
      'actions[0].type: must be one of request, crash, restart, partition, heal, cut, mend, drop, duplicate, network, timeout, pause, resume, workload, reconfigure, control, deliver, fire, got "explode"',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'deliver' }] },
      'actions[0].id: must be an integer, got undefined',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'deliver', id: -1 }] },
      'actions[0].id: must be from 0 to 9007199254740991, got -1',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'fire', replica: 0, timer: 'alarm' }] },
      'actions[0].timer: must be one of heartbeat, prepareRetry, viewChange, viewChangeResend, stateTransfer, recovery, got "alarm"',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'fire', replica: 3, timer: 'heartbeat' }] },
      'actions[0].replica: 3 is not a replica of a 3-replica cluster',
    ],
    [
      { version: 1, actions: [{ at: 1, type: 'control', replica: 0 }] },
      'actions[0].replica: unknown field (expected one of at, type)',
    ],
    [{ version: 1, network: { dropRate: 2 } }, 'network.dropRate: must be from 0 to 1, got 2'],
    [{ version: 1, network: { latencyMs: [50, 10] } }, 'network.latencyMs: min 50 must not exceed max 10'],
    [
      { version: 1, mutation: 'nope' },
      'mutation: must be one of none, commit-without-quorum, longest-log-wins, start-view-without-quorum, recovery-without-primary, truncate-before-new-state, ignore-client-table, ack-with-gap, prepare-during-view-change, start-epoch-before-commit, retire-at-once, serve-before-transfer, got "nope"',
    ],
    [
      { version: 1, replicas: 3, actions: [{ at: 1, type: 'partition', groups: [[0], [1]] }] },
      'actions[0].groups: replica 2 must be in exactly one group',
    ],
    [
      { version: 1, colour: 'red' },
      'colour: unknown field (expected one of version, name, seed, replicas, slots, clients, stateMachine, network, timing, workload, mutation, recovery, until, actions)',
    ],
    [
      { version: 1, timing: { heartbeatMs: 600 } },
      'timing.viewChangeTimeoutMs: must exceed heartbeatMs (600), got 500',
    ],
    [[1, 2], ': must be an object, got an array'],
  ])('rejects %j with a one-line reason', (value, message) => {
    expect(errorOf(value)).toBe(message.startsWith(': ') ? message.slice(2) : message);
  });

  it('checks the size before parsing', () => {
    expect(() => parseScenarioText(' '.repeat(scenarioBytesMax + 1))).toThrow(/limit is/);
    expect(() => parseScenarioText('{"version": 1,')).toThrow(/not valid JSON/);
  });
});
