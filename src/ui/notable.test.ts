import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { Run } from '../sim/run.ts';
import { isNotable, MarkerIndex, markerOf } from './notable.ts';

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
  const events = run.journal.events;

  it('marks crashes, restarts, network changes and the new primary of each view', () => {
    const markers = events.map(markerOf).filter((m) => m !== null);
    expect(markers.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['crash', 'restart', 'network', 'network', 'view']),
    );
    const views = markers.filter((m) => m.kind === 'view');
    expect(new Set(views.map((m) => m.label)).size).toBe(views.length);
    expect(views[0].label).toMatch(/view 1 started, primary 1/);
  });

  it('counts commits by the primary as notable, not every delivery', () => {
    const notable = events.filter((e) => isNotable(e, run.journal.messages));
    expect(notable.length).toBeGreaterThan(10);
    expect(notable.length).toBeLessThan(events.length / 3);
    expect(notable.some((e) => e.kind === 'action')).toBe(true);
  });

  it('scans incrementally and cuts back when the run forks', () => {
    const index = new MarkerIndex();
    expect(index.scan(events.slice(0, 10))).toBe(false);
    expect(index.scan(events)).toBe(true);
    const all = index.markers.length;
    expect(index.scan(events)).toBe(false);
    index.truncate(events.findIndex((e) => e.kind === 'action' && e.action.type === 'restart'));
    expect(index.markers.length).toBeLessThan(all);
    expect(index.markers.every((m) => m.kind !== 'restart')).toBe(true);
  });
});
