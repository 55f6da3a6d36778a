import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { Run } from '../sim/run.ts';
import type { World } from '../sim/world.ts';
import { afterFork, denseRecentEvents, noThinning, sparseStride, thinCheckpoints } from './memory-policy.ts';

function state(world: World): string {
  return JSON.stringify({
    now: world.now,
    events: world.eventCount,
    replicas: world.replicas.map((r) =>
      r === null ? null : [r.status, r.view, r.opNumber, r.commitNumber, r.log.length],
    ),
  });
}

describe('the memory policy', () => {
  const scenario = { ...defaultScenario, until: 10_000_000 };
  const dense = new Run(scenario, { checkpointEvery: 250 });
  const thinned = new Run(scenario, { checkpointEvery: 250 });
  while (dense.head.eventCount < denseRecentEvents + 20_000) dense.extendBy(5_000);
  while (thinned.head.eventCount < dense.head.eventCount) thinned.extendBy(5_000);
  const result = thinCheckpoints(thinned, noThinning);

  it('drops all but one in sparseStride of the checkpoints older than the recent window', () => {
    const old = Math.floor((thinned.head.eventCount - denseRecentEvents) / 250);
    expect(result.upTo).toBe(old);
    expect(result.dropped).toBe(old - Math.ceil(old / sparseStride));
    expect(new Set(thinned.checkpoints.slice(0, old)).size).toBe(Math.ceil(old / sparseStride));
    // The recent window keeps every checkpoint.
    const recent = thinned.checkpoints.slice(old);
    expect(new Set(recent).size).toBe(recent.length);
  });

  it('seeks anywhere to the same world as with every checkpoint', () => {
    for (const count of [0, 1, 251, 1999, 2001, 7777, 15_000, dense.head.eventCount - 10])
      expect(state(thinned.worldAfter(count))).toBe(state(dense.worldAfter(count)));
  });

  it('a second call with nothing new does nothing; a fork is recomputed correctly', () => {
    expect(thinCheckpoints(thinned, result)).toBe(result);
    const at = 3000;
    const actions = [{ at, type: 'crash' as const, replica: 1 }];
    dense.setActions(actions);
    thinned.setActions(actions);
    afterFork(thinned);
    dense.extendTo(6000);
    thinned.extendTo(6000);
    for (const count of [100, 2500, dense.head.eventCount])
      expect(state(thinned.worldAfter(count))).toBe(state(dense.worldAfter(count)));
  });
});
