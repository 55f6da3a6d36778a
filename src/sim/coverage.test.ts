import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { CoverageCounts, CoverageRecorder, ignoreReasons, reasonTemplate } from './coverage.ts';
import { World } from './world.ts';

/** Every `ignore(type, reason)` in a source file, as the coverage list writes it. */
function ignoresIn(path: string): string[] {
  const source = readFileSync(new URL(path, import.meta.url), 'utf8');
  const calls = source.matchAll(
    /ignore\(\s*(?:'([a-z_]+)'|[\w.]+)\s*,\s*(['"`])((?:\\.|(?!\2)[^\\])*)\2\s*,?\s*\)/g,
  );
  return [...calls].map(([, type, , reason]) => `${type ?? '*'}: ${reason.replace(/\$\{[^}]*\}/g, 'N')}`);
}

describe('coverage', () => {
  it('lists every reason the protocol ignores a message, as written in the code', () => {
    const inCode = [
      ...ignoresIn('../protocol/replica.ts'),
      ...ignoresIn('../protocol/client.ts'),
      ...ignoresIn('./world.ts'),
    ];
    expect(new Set(inCode)).toEqual(new Set(ignoreReasons));
  });

  it('counts one template for every instance of a reason', () => {
    expect(reasonTemplate('prepare', 'older view 3 < 12', false)).toBe('prepare: older view N < N');
    expect(reasonTemplate('reply', 'sent by c4, but only 2 may send it', true)).toBe(
      '*: sent by N, but only N may send it',
    );
  });

  it('counts handlers, timers, repairs, faults and reasons of a run, and lists what never fired first', () => {
    const scenario = parseScenario({
      version: 1,
      replicas: 3,
      clients: 1,
      workload: { requestsPerClient: 20, keys: 2 },
      until: 8000,
      actions: [
        { at: 300, type: 'crash', replica: 0 },
        { at: 2000, type: 'restart', replica: 0 },
      ],
    });
    const recorder = new CoverageRecorder();
    const world = new World(scenario, { checkers: [recorder] });
    world.runToEnd();
    const rows = (world.checkers[0] as CoverageRecorder).counts.rows();
    const count = (name: string) => rows.find((row) => row.name === name)?.count ?? -1;
    expect(count('on prepare')).toBeGreaterThan(10);
    expect(count('on crash_vector_response')).toBeGreaterThanOrEqual(2);
    expect(count('viewChange timer')).toBeGreaterThan(0);
    expect(count('view change started after others agreed')).toBeGreaterThan(0);
    expect(count('recovery completed')).toBe(1);
    expect(count('crash')).toBe(1);
    expect(count('pause')).toBe(0);
    expect(count('*: recovering: answers nothing until recovery completes')).toBeGreaterThan(0);
    for (let i = 1; i < rows.length; i++) expect(rows[i].count).toBeGreaterThanOrEqual(rows[i - 1].count);
    expect(rows[0].count).toBe(0);
  });

  it('merges the counts of many runs, across threads as plain data', () => {
    const a = new CoverageCounts();
    a.deliveries[0] = 2;
    a.ignored.set('prepare: older view 1 < 2', 3);
    a.count('replicas 5');
    const b = new CoverageCounts();
    b.add(a.toData());
    b.add(a);
    expect(b.deliveries[0]).toBe(4);
    expect(b.ignored.get('prepare: older view 1 < 2')).toBe(6);
    expect(b.features.get('replicas 5')).toBe(2);
    expect(b.rows().find((row) => row.name === 'prepare: older view N < N')?.count).toBe(6);
  });
});
