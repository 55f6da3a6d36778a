/**
 * Every scenario the schema accepts runs without an exception, whatever its fields: the schema is
 * the only gate between a link, a file or a command line and the simulator. And what is written
 * reads back the same: scenario -> link -> scenario, scenario -> JSON -> scenario, and a run's
 * trace -> trace file -> trace.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCheckers } from '../sim/checkers/index.ts';
import { Run } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario-types.ts';
import { World } from '../sim/world.ts';
import { decodeLink, encodeLink } from './link.ts';
import { parseScenario, parseScenarioText, ScenarioError, scenarioToJson } from './schema.ts';
import { traceJson } from './trace-export.ts';
import { checkTraceFile } from './trace-file.ts';

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

/** Only the scenarios the schema accepts, as it resolves them. */
const accepted = scenario
  .map((raw) => {
    try {
      return parseScenario(raw);
    } catch {
      return null;
    }
  })
  .filter((parsed): parsed is Scenario => parsed !== null);

/** What JSON keeps of a value: what a file or a link can hold. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('what is written reads back the same', () => {
  it('scenario -> link -> scenario, with the cursor time', () => {
    fc.assert(
      fc.property(accepted, fc.nat(4000), (parsed, time) => {
        const decoded = decodeLink(encodeLink(parsed, time));
        expect(decoded).toEqual({
          ok: true,
          payload: { scenario: parsed, time: Math.min(time, parsed.until) },
        });
      }),
      { numRuns: 200 },
    );
  });

  it('scenario -> JSON file -> scenario', () => {
    fc.assert(
      fc.property(accepted, (parsed) => {
        expect(parseScenarioText(scenarioToJson(parsed))).toEqual(parsed);
      }),
      { numRuns: 200 },
    );
  });

  it("a run's trace -> trace file -> trace", () => {
    fc.assert(
      fc.property(accepted, (parsed) => {
        const run = new Run(parsed);
        run.extendTo(parsed.until);
        const read = checkTraceFile(JSON.parse(traceJson(run, parsed)));
        if (!read.ok) throw new Error(read.problem);
        const journal = run.journal;
        const count = Math.min(run.head.eventCount, journal.eventCount);
        const events = Array.from({ length: count }, (_, index) => journal.event(index));
        // The file adds the event's type and message beside the journal's fields.
        const withoutAdded = read.trace.events.map((event) => {
          const { type: _type, message: _message, ...rest } = event as unknown as Record<string, unknown>;
          return rest;
        });
        expect(withoutAdded).toEqual(asJson(events));
        expect(read.trace.messages).toEqual(asJson([...journal.messages(0, read.trace.messages.length)]));
        expect(read.trace.replicas).toBe(parsed.replicas);
        expect(parseScenario(read.trace.scenario)).toEqual(parsed);
      }),
      { numRuns: 40 },
    );
  });
});
