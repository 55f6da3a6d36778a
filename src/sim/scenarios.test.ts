import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { defaultCheckers } from './checkers/index.ts';
import { convergence } from './checkers/liveness.ts';
import { Run } from './run.ts';
import type { TraceEvent } from './trace.ts';
import type { Scenario } from './scenario-types.ts';
import { summarizeReplicas } from './snapshot.ts';
import { World } from './world.ts';

function scenario(fields: Record<string, unknown>): Scenario {
  return parseScenario({ version: 1, ...fields });
}

function runToEnd(s: Scenario): World {
  const world = new World(s, { checkers: defaultCheckers() });
  world.runToEnd();
  expect(world.violations).toEqual([]);
  return world;
}

function noteKinds(s: Scenario): string[] {
  const run = new Run(s);
  run.extendTo(s.until);
  return [...run.journal.events()].flatMap((e) => (e.notes ?? []).map((n) => n.kind));
}

describe('scenarios', () => {
  it('normal operation: three requests commit on every replica in order', () => {
    const world = runToEnd(
      scenario({
        until: 2000,
        actions: [
          { at: 10, type: 'request', client: 0, op: 'put x 1' },
          { at: 10, type: 'request', client: 0, op: 'append x 2' },
          { at: 10, type: 'request', client: 0, op: 'get x' },
        ],
      }),
    );
    for (const replica of summarizeReplicas(world)) {
      expect(replica.commitNumber).toBe(3);
      expect(replica.state).toEqual({ x: '12' });
    }
    expect(world.clients[0].completed).toBe(3);
  });

  it('primary crash: backups elect replica 1 and keep every committed op', () => {
    const world = runToEnd(
      scenario({
        clients: 2,
        workload: { requestsPerClient: 10, keys: 2 },
        until: 6000,
        actions: [{ at: 200, type: 'crash', replica: 0 }],
      }),
    );
    const [crashed, one, two] = world.replicas;
    expect(crashed).toBeNull();
    expect(one!.view).toBe(1);
    expect(one!.isPrimary()).toBe(true);
    expect(two!.view).toBe(1);
    expect(one!.commitNumber).toBe(20);
    expect(world.clients.every((c) => c.completed === 10)).toBe(true);
  });

  it('lagging replica: a backup that missed prepares fetches the gap by state transfer', () => {
    const s = scenario({
      workload: { requestsPerClient: 15, keys: 2 },
      until: 5000,
      actions: [{ at: 0, type: 'drop', to: 2, message: 'prepare', count: 3 }],
    });
    const world = runToEnd(s);
    expect(noteKinds(s)).toContain('state-requested');
    expect(world.replicas[2]!.commitNumber).toBe(world.replicas[0]!.commitNumber);
    expect(world.replicas[2]!.view).toBe(0);
  });

  it('an old primary cut off during a view change learns of the later view and installs its state', () => {
    const s = scenario({
      clients: 2,
      workload: { requestsPerClient: 15, keys: 2 },
      until: 6000,
      actions: [
        { at: 200, type: 'partition', groups: [[0], [1, 2, 'c0', 'c1']] },
        { at: 2000, type: 'heal' },
      ],
    });
    const world = runToEnd(s);
    expect(noteKinds(s)).toEqual(expect.arrayContaining(['state-requested', 'state-installed']));
    expect(world.replicas[0]!.view).toBe(1);
    expect(world.replicas[0]!.status).toBe('normal');
    expect(world.replicas[0]!.stateMachine.digest()).toBe(world.replicas[1]!.stateMachine.digest());
  });

  it('crash and recovery: a restarted replica recovers with a nonce and rejoins with the same state', () => {
    const s = scenario({
      workload: { requestsPerClient: 10, keys: 2 },
      until: 5000,
      actions: [
        { at: 300, type: 'crash', replica: 2 },
        { at: 1200, type: 'restart', replica: 2 },
      ],
    });
    const world = runToEnd(s);
    expect(noteKinds(s)).toEqual(expect.arrayContaining(['recovery-started', 'recovered']));
    const state = typeof convergence(world) === 'string' ? null : convergence(world);
    expect(state).not.toBeNull();
    expect(world.replicas[2]!.stateMachine.digest()).toBe(world.replicas[0]!.stateMachine.digest());
  });

  it('partition and heal: the minority falls behind, the majority goes on, healing converges everyone', () => {
    const s = scenario({
      replicas: 5,
      workload: { requestsPerClient: 20, keys: 3 },
      until: 8000,
      actions: [
        {
          at: 200,
          type: 'partition',
          groups: [
            [0, 1],
            [2, 3, 4],
          ],
        },
        { at: 3000, type: 'heal' },
      ],
    });
    const world = runToEnd(s);
    const state = convergence(world);
    expect(typeof state).not.toBe('string');
    expect((state as { view: number }).view).toBeGreaterThanOrEqual(2);
    expect(world.clients[0].completed).toBe(20);
  });

  it('lost start_view: the view change still completes, without moving to a further view', () => {
    const s = scenario({
      until: 4000,
      actions: [
        { at: 100, type: 'drop', message: 'start_view', count: 1 },
        { at: 100, type: 'crash', replica: 0 },
        { at: 1000, type: 'request', client: 0, op: 'put x 1' },
      ],
    });
    const world = runToEnd(s);
    expect(world.replicas[1]!.view).toBe(1);
    expect(world.replicas[2]!.view).toBe(1);
    expect(world.replicas[2]!.status).toBe('normal');
    expect(world.clients[0].completed).toBe(1);
  });

  it('duplicate client request: a resent request executes once and the client gets the cached reply', () => {
    const s = scenario({
      until: 4000,
      network: { latencyMs: [10, 10], duplicateRate: 1 },
      actions: [
        { at: 0, type: 'drop', from: 0, to: 'c0', message: 'reply', count: 1 },
        { at: 10, type: 'request', client: 0, op: 'append x a' },
      ],
    });
    const world = runToEnd(s);
    expect(world.clients[0].completed).toBe(1);
    for (const replica of world.replicas) expect(replica!.stateMachine.contents()).toEqual({ x: 'a' });
    expect(world.replicas[0]!.commitNumber).toBe(1);
  });

  for (const replicas of [5, 7]) {
    const f = (replicas - 1) / 2;
    it(`${replicas} replicas losing f = ${f} stay live`, () => {
      const crashes = Array.from({ length: f }, (_, i) => ({ at: 300, type: 'crash', replica: i }));
      const world = runToEnd(
        scenario({ replicas, workload: { requestsPerClient: 10, keys: 2 }, until: 8000, actions: crashes }),
      );
      expect(world.clients[0].completed).toBe(10);
    });

    it(`${replicas} replicas losing f+1 = ${f + 1} stay safe and stop committing`, () => {
      const crashes = Array.from({ length: f + 1 }, (_, i) => ({ at: 300, type: 'crash', replica: i }));
      const world = runToEnd(
        scenario({ replicas, workload: { requestsPerClient: 30, keys: 2 }, until: 5000, actions: crashes }),
      );
      expect(world.clients[0].completed).toBeLessThan(30);
      const commits = world.replicas.filter((r) => r !== null).map((r) => r!.commitNumber);
      const atCrash = Math.max(...commits);
      const world2 = new World(
        scenario({ replicas, workload: { requestsPerClient: 30, keys: 2 }, until: 9000, actions: crashes }),
        { checkers: defaultCheckers() },
      );
      world2.runToEnd();
      expect(world2.violations).toEqual([]);
      expect(Math.max(...world2.replicas.filter((r) => r !== null).map((r) => r!.commitNumber))).toBe(
        atCrash,
      );
    });
  }

  it('a workload action starts the random workload at its time and another stops it', () => {
    const s = scenario({
      replicas: 3,
      clients: 2,
      until: 6000,
      actions: [
        { at: 1000, type: 'workload', requestsPerClient: 1_000_000 },
        // Switching it on again while it runs does not start a second stream per client.
        { at: 1500, type: 'workload', requestsPerClient: 1_000_000 },
        { at: 3000, type: 'workload', requestsPerClient: 0 },
      ],
    });
    const run = new Run(s);
    run.extendTo(s.until);
    const issued = [...run.journal.events()].filter((e) => e.kind === 'workload');
    expect(issued.length).toBeGreaterThan(20);
    expect(issued[0].time).toBeGreaterThanOrEqual(1000);
    // At most the request outstanding at the stop completes; nothing new is issued after it.
    expect(issued.every((e) => e.time <= 3000)).toBe(true);
    // Switching it on while it runs starts no second stream: the same requests at the same times
    // as a run without the second action.
    const once = new Run({ ...s, actions: s.actions.filter((a) => a.at !== 1500) });
    once.extendTo(s.until);
    const timesOf = (events: readonly TraceEvent[]) =>
      events.filter((e) => e.kind === 'workload').map((e) => `${String(e.node)}@${e.time}`);
    expect(timesOf(issued)).toEqual(timesOf([...once.journal.events()]));
    const world = new World(s, { checkers: defaultCheckers() });
    world.runToEnd();
    expect(world.violations).toEqual([]);
  });

  it('a single replica commits on its own', () => {
    const world = runToEnd(
      scenario({ replicas: 1, workload: { requestsPerClient: 5, keys: 1 }, until: 2000 }),
    );
    expect(world.replicas[0]!.commitNumber).toBe(5);
  });

  it('the append-only log state machine works the same way', () => {
    const world = runToEnd(
      scenario({ stateMachine: 'log', workload: { requestsPerClient: 8, keys: 1 }, until: 3000 }),
    );
    const contents = world.replicas.map((r) => r!.stateMachine.contents());
    expect(contents[1]).toEqual(contents[0]);
    expect(contents[2]).toEqual(contents[0]);
  });
});
