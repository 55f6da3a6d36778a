import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { Journal } from '../sim/journal.ts';
import { Run } from '../sim/run.ts';
import { isJumpTarget, isNotable, MarkerIndex, markerOf, type JumpKind } from './notable.ts';

describe('notable events and timeline markers', () => {
  const scenario = {
    ...defaultScenario,
    actions: [
      { at: 500, type: 'crash' as const, replica: 0 },
      { at: 3000, type: 'restart' as const, replica: 0 },
      { at: 4000, type: 'partition' as const, groups: [[1], [0, 2, 3, 4]] },
      { at: 5000, type: 'heal' as const },
    ],
  };
  const run = new Run(scenario);
  run.extendTo(6000);
  const journal = run.journal;
  const events = [...journal.events()];

  it('marks crashes, restarts, network changes and the new primary of each view', () => {
    const markers = events.map((e) => markerOf(journal, e.index)).filter((m) => m !== null);
    expect(markers.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['crash', 'restart', 'network', 'network', 'view']),
    );
    const views = markers.filter((m) => m.kind === 'view');
    expect(new Set(views.map((m) => m.label)).size).toBe(views.length);
    expect(views[0].label).toMatch(/view 1 started, primary 1/);
  });

  it('counts commits by the primary as notable, not every delivery', () => {
    const notable = events.filter((e) => isNotable(journal, e.index));
    expect(notable.length).toBeGreaterThan(10);
    expect(notable.length).toBeLessThan(events.length / 3);
    expect(notable.some((e) => e.kind === 'action')).toBe(true);
  });

  it('scans incrementally and cuts back when the run forks', () => {
    const index = new MarkerIndex();
    const first = new Journal();
    for (const event of journal.events(0, 10)) first.appendEvent(event);
    expect(index.scan(first)).toBe(false);
    expect(index.scan(journal)).toBe(true);
    const all = index.markers.length;
    expect(index.scan(journal)).toBe(false);
    index.truncate(events.findIndex((e) => e.kind === 'action' && e.action.type === 'restart'));
    expect(index.markers.length).toBeLessThan(all);
    expect(index.markers.every((m) => m.kind !== 'restart')).toBe(true);
  });
});

describe('jumps by kind', () => {
  const scenario = {
    ...defaultScenario,
    network: { ...defaultScenario.network, dropRate: 0.2 },
    actions: [
      { at: 500, type: 'crash' as const, replica: 0 },
      { at: 3000, type: 'restart' as const, replica: 0 },
    ],
  };
  const run = new Run(scenario);
  run.extendTo(5000);
  const journal = run.journal;
  const indices = [...journal.events()].map((e) => e.index);
  const of = (kind: JumpKind) =>
    indices.filter((i) => isJumpTarget(journal, i, kind, new Set(), () => false));

  it('crash or restart finds exactly the two actions, not every commit before them', () => {
    const crashes = of('crash');
    expect(crashes.map((i) => journal.eventTime(i))).toEqual([500, 3000]);
    expect(of('commit').length).toBeGreaterThan(crashes.length);
    expect(of('notable').length).toBeGreaterThan(of('commit').length);
  });

  it('view changes, lost messages and commits are told apart', () => {
    expect(of('view').length).toBeGreaterThan(0);
    for (const i of of('lost')) expect(journal.eventKind(i)).toBe('lose');
    expect(of('lost').length).toBeGreaterThan(0);
    for (const i of of('commit')) expect(isNotable(journal, i)).toBe(true);
  });

  it('violations come from the checker events and matches from the filter', () => {
    expect(isJumpTarget(journal, 7, 'violation', new Set([7]), () => false)).toBe(true);
    expect(isJumpTarget(journal, 8, 'violation', new Set([7]), () => false)).toBe(false);
    expect(isJumpTarget(journal, 3, 'match', new Set(), (i) => i === 3)).toBe(true);
  });
});
