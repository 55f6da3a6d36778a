/**
 * Every scenario the schema accepts runs without an exception, whatever its fields: the schema is
 * the only gate between a link, a file or a command line and the simulator.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCheckers } from '../sim/checkers/index.ts';
import { World } from '../sim/world.ts';
import { parseScenario, ScenarioError } from './schema.ts';

const node = fc.oneof(fc.integer({ min: -1, max: 9 }), fc.constantFrom('c0', 'c1', 'c2', 'c9', 'x'));
const replica = fc.integer({ min: -1, max: 9 });
const at = fc.integer({ min: 0, max: 3000 });

const action = fc.oneof(
  fc.record({
    at,
    type: fc.constant('request'),
    client: fc.integer({ min: 0, max: 3 }),
    op: fc.constantFrom('put x 1', 'get x', 'append x 2', 'append a', 'read 1', 'len', 'bogus'),
  }),
  fc.record({ at, type: fc.constantFrom('crash', 'restart', 'timeout', 'pause', 'resume'), replica }),
  fc.record({ at, type: fc.constant('partition'), groups: fc.constant([[0], [1, 2]]) }),
  fc.record({ at, type: fc.constant('heal') }),
  fc.record({ at, type: fc.constantFrom('cut', 'mend'), from: node, to: node }),
  fc.record(
    {
      at,
      type: fc.constant('drop'),
      from: node,
      to: node,
      message: fc.constantFrom('prepare', 'commit', 'pre_view_change', 'recovery'),
      count: fc.integer({ min: 1, max: 5 }),
      id: fc.nat(400),
    },
    { requiredKeys: ['at', 'type'] },
  ),
  fc.record({ at, type: fc.constant('duplicate'), id: fc.nat(400) }),
  fc.record(
    {
      at,
      type: fc.constant('network'),
      latencyMs: fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 600 })),
      dropRate: fc.double({ min: 0, max: 1, noNaN: true }),
      duplicateRate: fc.double({ min: 0, max: 1, noNaN: true }),
    },
    { requiredKeys: ['at', 'type'] },
  ),
  fc.record({ at, type: fc.constant('workload'), requestsPerClient: fc.integer({ min: 0, max: 20 }) }),
);

const scenario = fc.record(
  {
    version: fc.constant(1),
    seed: fc.nat(),
    replicas: fc.constantFrom(1, 2, 3, 5, 7, 9),
    clients: fc.integer({ min: 0, max: 3 }),
    stateMachine: fc.constantFrom('kv', 'log'),
    recovery: fc.constantFrom('paper', 'crash-vectors'),
    mutation: fc.constantFrom('none', 'commit-without-quorum', 'ack-with-gap', 'truncate-before-new-state'),
    network: fc.record(
      {
        latencyMs: fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 400 })),
        dropRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
      },
      { requiredKeys: [] },
    ),
    timing: fc.record(
      {
        heartbeatMs: fc.integer({ min: 1, max: 300 }),
        viewChangeTimeoutMs: fc.integer({ min: 2, max: 1000 }),
        prepareRetryMs: fc.integer({ min: 1, max: 500 }),
      },
      { requiredKeys: [] },
    ),
    workload: fc.option(
      fc.record({ requestsPerClient: fc.integer({ min: 0, max: 10 }), keys: fc.integer({ min: 1, max: 3 }) }),
    ),
    until: fc.integer({ min: 1, max: 3000 }),
    actions: fc.array(action, { maxLength: 12 }),
  },
  { requiredKeys: ['version'] },
);

describe('every scenario the schema accepts', () => {
  it('runs to its end without an exception, checkers on', () => {
    let accepted = 0;
    fc.assert(
      fc.property(scenario, (raw) => {
        let parsed;
        try {
          parsed = parseScenario(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(ScenarioError);
          return;
        }
        accepted++;
        const world = new World(parsed, { checkers: defaultCheckers() });
        world.runToEnd();
        expect(world.now).toBeLessThanOrEqual(parsed.until);
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(30);
  });
});
