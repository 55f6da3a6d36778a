/**
 * The cluster settles after faults stop whatever the latency is relative to the timers, and a
 * replica that was cut off or paused cannot depose a healthy primary. Each test is a bug that once
 * kept a cluster from ever settling.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { checkScenario } from './verdict.ts';
import { Run } from './run.ts';
import type { Scenario } from './scenario-types.ts';
import { World } from './world.ts';

function scenario(fields: Record<string, unknown>): Scenario {
  return parseScenario({ version: 1, ...fields });
}

/** Messages of each type sent at or after `from` (ms). */
function sentAfter(s: Scenario, from: number): Map<string, number> {
  const world = new World(s);
  const counts = new Map<string, number>();
  while (world.step()) {
    if (world.now < from) continue;
    for (let i = 0; i < world.nextMessageId - world.stepFirstSent; i++) {
      const type = world.stepMessages[i].message.type;
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
  }
  return counts;
}

function views(world: World): string[] {
  return world.replicas.map((r) => (r === null ? 'crashed' : `${r.view}/${r.status}`));
}

describe('liveness under any latency', () => {
  it('a recovery whose round trip is longer than the retry interval completes (one nonce per recovery)', () => {
    const verdict = checkScenario(
      scenario({
        replicas: 3,
        network: { latencyMs: [200, 260] },
        until: 20_000,
        actions: [
          { at: 100, type: 'crash', replica: 1 },
          { at: 600, type: 'restart', replica: 1 },
        ],
      }),
    );
    expect(verdict.violations).toEqual([]);
    expect('convergedAfterMs' in verdict.liveness && verdict.liveness.convergedAfterMs).not.toBeNull();
  });

  it('five replicas with 160-200 ms links elect a new primary after the primary crashes, instead of climbing views forever', () => {
    const s = scenario({
      replicas: 5,
      clients: 1,
      network: { latencyMs: [160, 200] },
      until: 40_000,
      actions: [
        { at: 1000, type: 'crash', replica: 0 },
        { at: 1500, type: 'request', client: 0, op: 'put x 1' },
        { at: 3000, type: 'restart', replica: 0 },
      ],
    });
    const verdict = checkScenario(s);
    expect(verdict.violations).toEqual([]);
    expect('convergedAfterMs' in verdict.liveness && verdict.liveness.convergedAfterMs).not.toBeNull();
    const world = new World(s);
    world.runToEnd();
    expect(Math.max(...world.replicas.map((r) => r!.view))).toBeLessThan(10);
  });

  it('with 300 ms links a view change takes longer than the timeout, and backing off lets it complete', () => {
    const s = scenario({
      replicas: 5,
      clients: 1,
      network: { latencyMs: [300, 300] },
      until: 60_000,
      actions: [
        { at: 1000, type: 'crash', replica: 0 },
        { at: 1500, type: 'request', client: 0, op: 'put x 1' },
        { at: 2000, type: 'restart', replica: 0 },
      ],
    });
    const verdict = checkScenario(s);
    expect(verdict.violations).toEqual([]);
    expect('convergedAfterMs' in verdict.liveness && verdict.liveness.convergedAfterMs).not.toBeNull();
  });

  it('a same-view state transfer whose gap was closed by retransmitted prepares ends: no get_state on the idle cluster', () => {
    const s = scenario({
      replicas: 3,
      clients: 2,
      network: { latencyMs: [150, 150] },
      until: 10_000,
      actions: [
        { at: 10, type: 'request', client: 0, op: 'put a 1' },
        { at: 11, type: 'request', client: 1, op: 'put b 2' },
        // Op 1's prepare to replica 2 is lost twice; op 2's arrives, so replica 2 has a gap to fetch.
        { at: 160, type: 'cut', from: 0, to: 2 },
        { at: 161, type: 'mend', from: 0, to: 2 },
        { at: 360, type: 'cut', from: 0, to: 2 },
        { at: 361, type: 'mend', from: 0, to: 2 },
      ],
    });
    expect(sentAfter(s, 3000).get('get_state') ?? 0).toBe(0);
    expect(checkScenario(s).violations).toEqual([]);
  });
});

describe('a replica that was cut off or paused cannot depose a healthy primary', () => {
  it('a backup cut off for two seconds rejoins view 0 when the partition heals', () => {
    const world = new World(
      scenario({
        replicas: 3,
        until: 6000,
        actions: [
          { at: 100, type: 'partition', groups: [[2], [0, 1, 'c0']] },
          { at: 2000, type: 'heal' },
        ],
      }),
    );
    world.runToEnd();
    expect(views(world)).toEqual(['0/normal', '0/normal', '0/normal']);
  });

  it('a backup paused for three seconds wakes, asks, is told the primary is alive, and reads the heartbeats that waited for it', () => {
    const s = scenario({
      replicas: 5,
      until: 8000,
      actions: [
        { at: 1000, type: 'pause', replica: 3 },
        { at: 4000, type: 'resume', replica: 3 },
      ],
    });
    const run = new Run(s);
    run.extendTo(s.until);
    expect(views(run.head)).toEqual(Array(5).fill('0/normal'));
    const resumed = [...run.journal.events()].filter((e) => e.time >= 4000 && e.node === 3);
    // Its overdue timer fires first: it asks (pre_view_change) instead of starting a view change...
    expect(resumed[1].kind).toBe('timer');
    expect(resumed[1].notes?.map((n) => n.kind)).toEqual(['view-change-probed']);
    // ...then the heartbeats queued while it was paused arrive, in order.
    expect(resumed.slice(2, 6).every((e) => e.kind === 'deliver')).toBe(true);
    expect(run.head.replicas[3]!.probe).toBeNull();
  });

  it('a paused replica keeps its state and queues what arrives, and a crash while paused empties the queue', () => {
    const s = scenario({
      replicas: 3,
      clients: 1,
      until: 3000,
      actions: [
        { at: 100, type: 'pause', replica: 2 },
        { at: 200, type: 'request', client: 0, op: 'put x 1' },
        { at: 600, type: 'crash', replica: 2 },
      ],
    });
    const world = new World(s);
    world.runUntil(500);
    expect(world.pausedInbox[2].map((r) => r.message.type)).toContain('prepare');
    expect(world.replicas[2]!.opNumber).toBe(0);
    expect(world.inFlight().some((r) => r.to === 2 && r.message.type === 'prepare')).toBe(true);
    world.runUntil(700);
    expect(world.pausedInbox[2]).toEqual([]);
    expect(world.paused[2]).toBe(0);
  });
});
