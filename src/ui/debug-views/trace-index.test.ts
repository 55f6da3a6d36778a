import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { Run } from '../../sim/run.ts';
import { passes } from './FilteredEventLog.tsx';
import { ArrayTrace } from '../../sim/array-trace.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import {
  TraceIndex,
  arrowName,
  clampCount,
  laneOf,
  messagesInWindow,
  tickStep,
  ticksMax,
  timeTicks,
} from './trace-index.ts';

describe('the debugging views’ trace index', () => {
  const scenario = {
    ...defaultScenario,
    actions: [
      { at: 500, type: 'crash' as const, replica: 0 },
      { at: 3000, type: 'restart' as const, replica: 0 },
    ],
  };
  const run = new Run(scenario);
  run.extendTo(6000);
  const index = new TraceIndex();
  index.update(run.journal, 0, scenario.replicas);

  it('records status bands: crashed, then recovering, then normal again', () => {
    const statuses = index.statusChanges[0].map((c) => c.status);
    expect(statuses.slice(0, 4)).toEqual(['normal', 'crashed', 'recovering', 'normal']);
    expect(index.statusChanges[1].map((c) => c.status)).toContain('view-change');
  });

  it('marks commits and view starts in time order', () => {
    expect(index.marks.some((m) => m.kind === 'view' && m.label === 'view 1 started at replica 1')).toBe(
      true,
    );
    expect(index.marks.some((m) => m.kind === 'commit')).toBe(true);
    for (let i = 1; i < index.marks.length; i++)
      expect(index.marks[i].time).toBeGreaterThanOrEqual(index.marks[i - 1].time);
  });

  it('finds exactly the messages whose flight overlaps a window', () => {
    const [from, to] = [2000, 2100];
    const found: number[] = [];
    messagesInWindow(run.journal, index.maxTrip, from, to, (id) => found.push(id));
    const expected = [...run.journal.messages()]
      .filter((m) => m.sentAt <= to && (m.lostAt ?? m.deliverAt) >= from)
      .map((m) => m.id);
    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThan(0);
  });

  it('names arrows by what they are', () => {
    const prepare = [...run.journal.messages()].find((m) => m.message.type === 'prepare')!;
    expect(arrowName(prepare)).toMatch(/^prepare from replica 0 to replica \d, op \d+, view 0$/);
  });

  it('rebuilds after the run forks', () => {
    index.update(run.journal, 1, scenario.replicas);
    expect(index.statusChanges[0].map((c) => c.status).slice(0, 2)).toEqual(['normal', 'crashed']);
  });

  it('filters the event log by node, message type and text', () => {
    const journal = run.journal;
    const events = [...journal.events()];
    const base = { notableOnly: false, node: '', type: '' as const, search: '' };
    const prepares = events.filter((e) => passes(journal, e.index, { ...base, type: 'prepare' }));
    expect(prepares.length).toBeGreaterThan(0);
    expect(prepares.every((e) => e.kind === 'deliver' || e.kind === 'lose')).toBe(true);
    const atTwo = events.filter((e) => passes(journal, e.index, { ...base, node: 'replica 2' }));
    expect(atTwo.length).toBeGreaterThan(0);
    expect(atTwo.length).toBeLessThan(events.length);
    const atZero = events.filter((e) => passes(journal, e.index, { ...base, node: 'replica 0' }));
    expect(atZero.some((e) => e.kind === 'action' && e.action.type === 'crash')).toBe(true);
    const crashed = events.filter((e) => passes(journal, e.index, { ...base, search: 'crash' }));
    expect(crashed.length).toBeGreaterThan(0);
    const notable = events.filter((e) => passes(journal, e.index, { ...base, notableOnly: true }));
    expect(notable.length).toBeGreaterThan(0);
    expect(notable.length).toBeLessThan(events.length / 4);
  });
});

describe('defences of the diagram against odd input', () => {
  it('gives no lane to a replica past the count or an unknown client', () => {
    expect(laneOf(2, 3, ['c0'])).toBe(2);
    expect(laneOf(3, 3, ['c0'])).toBe(-1);
    expect(laneOf(0.5, 3, ['c0'])).toBe(-1);
    expect(laneOf('c0', 3, ['c0'])).toBe(3);
    expect(laneOf('c9', 3, ['c0'])).toBe(-1);
  });

  it('keeps a replay cursor on an event, whatever the input', () => {
    expect(clampCount(Number.NaN, 10)).toBe(0);
    expect(clampCount(-5, 10)).toBe(0);
    expect(clampCount(2.7, 10)).toBe(2);
    expect(clampCount(Infinity, 10)).toBe(10);
    expect(clampCount(11, 10)).toBe(10);
  });

  it('ends the time axis for any window, however far out in time', () => {
    expect(timeTicks(1e20, 1e20 + 400, 50).length).toBeLessThanOrEqual(ticksMax);
    expect(timeTicks(0, 1e20, 1)).toHaveLength(ticksMax);
    expect(timeTicks(0, 100, 0)).toEqual([]);
    expect(timeTicks(0, 100, Number.NaN)).toEqual([]);
    expect(timeTicks(0, 400, 100)).toEqual([0, 100, 200, 300, 400]);
  });

  it('spaces the ticks so that their labels never overlap', () => {
    for (const plotWidth of [150, 300, 700, 1400])
      for (const span of [5, 400, 3000, 86_400_000]) {
        const chars = `${Math.ceil(1e6 + span)} ms`.length;
        const step = tickStep(span, plotWidth, chars);
        expect((step / span) * plotWidth).toBeGreaterThanOrEqual(chars * 6 + 10);
      }
  });

  it('ignores an odd status or replica instead of throwing', () => {
    const base = { index: 0, time: 1, firstSent: 0, sentCount: 0 };
    const odd = [
      { ...base, kind: 'action', node: null, notes: null, action: { type: 'crash', replica: '__proto__' } },
      {
        ...base,
        kind: 'timer',
        node: 0,
        timer: 'heartbeat',
        notes: [{ kind: 'status', from: 'normal', to: 'zombie', view: 1 }],
      },
      { ...base, kind: 'timer', node: 1, timer: 'heartbeat', notes: undefined },
    ] as unknown as TraceEvent[];
    const index = new TraceIndex();
    expect(() => index.update(new ArrayTrace(odd, []), 0, 3)).not.toThrow();
    expect(index.statusChanges[0]).toEqual([{ time: 0, status: 'normal' }]);
  });
});
