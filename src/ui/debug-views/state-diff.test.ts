import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { Run } from '../../sim/run.ts';
import { diffSnapshots, replicaSnapshot, samePast } from './state-diff.ts';

describe('a pinned moment of the state diff', () => {
  const crash = { at: 500, type: 'crash' as const, replica: 0 };
  const later = { at: 3000, type: 'restart' as const, replica: 0 };

  it('stays valid while the run keeps its past', () => {
    const before = { ...defaultScenario, actions: [crash] };
    expect(samePast(before, before, 1000)).toBe(true);
    // An action taken after the pinned moment leaves its past alone.
    expect(samePast(before, { ...before, actions: [crash, later] }, 1000)).toBe(true);
  });

  it('is dropped for another scenario or an edited past', () => {
    const before = { ...defaultScenario, actions: [crash] };
    expect(samePast(before, { ...before, seed: 99 }, 1000)).toBe(false);
    expect(samePast(before, { ...before, mutation: 'ack-with-gap' }, 1000)).toBe(false);
    expect(samePast(before, { ...before, actions: [] }, 1000)).toBe(false);
    expect(samePast(before, { ...before, actions: [{ ...crash, at: 400 }] }, 1000)).toBe(false);
  });
});

describe('the whole-state diff', () => {
  const run = new Run({
    ...defaultScenario,
    actions: [{ at: 1500, type: 'crash' as const, replica: 2 }],
  });
  run.extendTo(3000);
  const world = run.head;

  it('compares whole logs, not the tails the cards show', () => {
    const early = replicaSnapshot(run.worldAtTime(300).replicas[0]);
    const late = replicaSnapshot(world.replicas[0]);
    const { rows, sameLogOps } = diffSnapshots(early, late);
    expect(late.status === 'crashed' ? 0 : late.log.length).toBeGreaterThan(25);
    const logRows = rows.filter((r) => r.what.startsWith('log op '));
    // Every op the early log lacked is a row, from the first one on.
    expect(logRows[0].what).toBe(`log op ${sameLogOps + 1}`);
    expect(logRows.length + sameLogOps).toBe(late.status === 'crashed' ? 0 : late.log.length);
    expect(rows.some((r) => r.what.startsWith('state '))).toBe(true);
    expect(rows.some((r) => r.what.startsWith('client table '))).toBe(true);
  });

  it('never shows an internal value for a crashed replica', () => {
    const crashed = replicaSnapshot(world.replicas[2]);
    expect(crashed).toEqual({ status: 'crashed' });
    const { rows } = diffSnapshots(replicaSnapshot(world.replicas[0]), crashed);
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/-1|−1|undefined|NaN|null/);
    expect(rows).toContainEqual({ what: 'status', a: 'normal', b: 'crashed' });
  });

  it('two replicas in step have no difference', () => {
    const { rows } = diffSnapshots(replicaSnapshot(world.replicas[1]), replicaSnapshot(world.replicas[1]));
    expect(rows).toEqual([]);
  });
});
