import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { parseScenario } from '../scenario/schema.ts';
import { Run } from '../sim/run.ts';
import { buildFrame, clusterPrimary, fadingLosses, logCellsMax } from './frame.ts';

describe('frames', () => {
  it('are plain frozen data with the numbers a card shows', () => {
    const run = new Run(defaultScenario);
    run.extendTo(2000);
    const frame = buildFrame(run.head, run.journal, 2000, 0, null);
    expect(Object.isFrozen(frame)).toBe(true);
    expect(frame.replicas).toHaveLength(5);
    const primary = frame.replicas[0];
    expect(Object.isFrozen(primary)).toBe(true);
    expect(primary.actingPrimary).toBe(true);
    expect(primary.opNumber).toBeGreaterThan(0);
    expect(primary.log.length).toBeLessThanOrEqual(logCellsMax);
    expect(primary.log.at(-1)?.opNumber).toBe(primary.opNumber);
    expect(primary.log.filter((c) => c.committed).every((c) => c.opNumber <= primary.commitNumber)).toBe(
      true,
    );
    expect(clusterPrimary(frame.replicas)).toBe(0);
    expect(JSON.parse(JSON.stringify(frame.replicas))).toEqual(frame.replicas);
  });

  it('reuse unchanged parts from the previous frame of the same generation, and nothing across generations', () => {
    const run = new Run(defaultScenario);
    run.extendTo(1000);
    const first = buildFrame(run.head, run.journal, 1000, 0, null);
    const again = buildFrame(run.head, run.journal, 1000.5, 0, first);
    expect(again.replicas).toBe(first.replicas);
    expect(again.clients).toBe(first.clients);
    expect(again.network).toBe(first.network);
    expect(again).not.toBe(first);
    const other = buildFrame(run.head, run.journal, 1000, 1, first);
    expect(other.replicas).not.toBe(first.replicas);
    run.extendTo(1500);
    const later = buildFrame(run.head, run.journal, 1500, 0, first);
    expect(later.replicas[0]).not.toBe(first.replicas[0]);
  });

  it('shows crashed replicas, partitions and the quorum being collected', () => {
    const scenario = parseScenario({
      version: 1,
      replicas: 3,
      clients: 1,
      workload: { requestsPerClient: 100, keys: 2 },
      until: 20_000,
      actions: [
        { at: 300, type: 'crash', replica: 0 },
        { at: 320, type: 'partition', groups: [[1], [0, 2]] },
      ],
    });
    const run = new Run(scenario);
    run.extendTo(1200);
    const frame = buildFrame(run.head, run.journal, 1200, 0, null);
    expect(frame.replicas[0].status).toBe('crashed');
    expect(frame.network.groups).toEqual([1, 0, 1]);
    // Cut off from each other, the two backups each ask whether the other lost the primary too.
    const asking = frame.replicas.find((r) => r.status === 'normal' && r.tallies.length > 0);
    expect(asking?.tallies[0].label).toMatch(/pre_view_change answers about view 0/);
    run.extendTo(8000);
    const later = buildFrame(run.head, run.journal, 8000, 0, null);
    expect(later.replicas[1].tallies[0]).toMatchObject({ needed: 1 });
  });

  it('shows the quorum a view change and a recovery with crash vectors are collecting', () => {
    const scenario = parseScenario({
      version: 1,
      replicas: 3,
      until: 5000,
      actions: [
        { at: 100, type: 'timeout', replica: 1 },
        { at: 100, type: 'drop', to: 1, message: 'start_view_change', count: 100 },
        { at: 300, type: 'crash', replica: 2 },
        { at: 400, type: 'restart', replica: 2 },
        { at: 400, type: 'drop', to: 2, message: 'crash_vector_response', count: 100 },
      ],
    });
    const run = new Run(scenario);
    run.extendTo(450);
    const frame = buildFrame(run.head, run.journal, 450, 0, null);
    expect(frame.replicas[1].tallies[0].label).toMatch(/start_view_change for view 1/);
    expect(frame.replicas[2].tallies[0].label).toBe('crash_vector_response');
  });

  it('keeps messages lost shortly before the cursor, to fade them out', () => {
    const scenario = parseScenario({ version: 1, replicas: 3, network: { dropRate: 0.5 }, until: 5000 });
    const run = new Run(scenario);
    run.extendTo(3000);
    const lose = [...run.journal.events()].findLast((e) => e.kind === 'lose')!;
    const fading = fadingLosses(run.journal, lose.index + 1, lose.time + 10);
    expect(fading.some((f) => f.lostAt === lose.time)).toBe(true);
    expect(fadingLosses(run.journal, lose.index + 1, lose.time + 10_000)).toEqual([]);
  });
});
