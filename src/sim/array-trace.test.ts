import { describe, expect, it } from 'vitest';
import { ArrayTrace } from './array-trace.ts';
import { Run } from './run.ts';
import { swarmScenario } from './swarm.ts';

describe('a trace held as arrays', () => {
  it("reads like the run's journal it was exported from", () => {
    const run = new Run(swarmScenario(7).scenario);
    run.extendTo(run.scenario.until);
    const journal = run.journal;
    const trace = new ArrayTrace([...journal.events()], [...journal.messages()]);
    expect([trace.eventCount, trace.messageCount]).toEqual([journal.eventCount, journal.messageCount]);
    for (let i = 0; i < journal.eventCount; i++) {
      expect(trace.event(i)).toEqual(journal.event(i));
      expect(trace.eventTime(i)).toBe(journal.eventTime(i));
      expect(trace.eventKind(i)).toBe(journal.eventKind(i));
      expect(trace.eventNode(i)).toBe(journal.eventNode(i));
      expect(trace.eventMessageId(i)).toBe(journal.eventMessageId(i));
      expect(trace.eventNoteCount(i)).toBe(journal.eventNoteCount(i));
      for (let nth = 0; nth < trace.eventNoteCount(i); nth++)
        expect(trace.eventNote(i, nth)).toBe(journal.eventNote(i, nth));
    }
    for (let id = 0; id < journal.messageCount; id++) {
      expect(trace.message(id)).toEqual(journal.message(id));
      expect(trace.messageBody(id)).toBe(journal.messageBody(id));
      expect([trace.messageFrom(id), trace.messageTo(id)]).toEqual([
        journal.messageFrom(id),
        journal.messageTo(id),
      ]);
      expect(trace.messageSentAt(id)).toBe(journal.messageSentAt(id));
      expect(trace.messageDeliverAt(id)).toBe(journal.messageDeliverAt(id));
      expect(trace.messageLostAt(id)).toBe(journal.messageLostAt(id));
    }
  });
});
