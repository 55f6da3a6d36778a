import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { Run } from '../../sim/run.ts';
import { passes } from './FilteredEventLog.tsx';
import { TraceIndex, arrowName, messagesInWindow } from './trace-index.ts';

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
    messagesInWindow(run.journal.messages, index.maxTrip, from, to, (m) => found.push(m.id));
    const expected = run.journal.messages
      .filter((m) => m.sentAt <= to && (m.lostAt ?? m.deliverAt) >= from)
      .map((m) => m.id);
    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThan(0);
  });

  it('names arrows by what they are', () => {
    const prepare = run.journal.messages.find((m) => m.message.type === 'prepare')!;
    expect(arrowName(prepare)).toMatch(/^prepare from replica 0 to replica \d, op \d+, view 0$/);
  });

  it('rebuilds after the run forks', () => {
    index.update(run.journal, 1, scenario.replicas);
    expect(index.statusChanges[0].map((c) => c.status).slice(0, 2)).toEqual(['normal', 'crashed']);
  });

  it('filters the event log by node, message type and text', () => {
    const { events, messages } = run.journal;
    const base = { notableOnly: false, node: '', type: '' as const, search: '' };
    const prepares = events.filter((e) => passes(e, messages, { ...base, type: 'prepare' }));
    expect(prepares.length).toBeGreaterThan(0);
    expect(prepares.every((e) => e.kind === 'deliver' || e.kind === 'lose')).toBe(true);
    const atTwo = events.filter((e) => passes(e, messages, { ...base, node: 'replica 2' }));
    expect(atTwo.length).toBeGreaterThan(0);
    expect(atTwo.length).toBeLessThan(events.length);
    const crashed = events.filter((e) => passes(e, messages, { ...base, search: 'crash' }));
    expect(crashed.length).toBeGreaterThan(0);
  });
});
