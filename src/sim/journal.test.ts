import { describe, expect, it } from 'vitest';
import type { Message, Note } from '../protocol/index.ts';
import type { Checker } from './checkers/checker.ts';
import { defaultCheckers } from './checkers/index.ts';
import { Journal } from './journal.ts';
import { swarmScenario } from './swarm.ts';
import type { MessageRecord, TraceEvent } from './trace.ts';
import { World } from './world.ts';

/** Serialised as traceHash does: equal text means equal fields, values and key order. */
const text = (value: unknown) => JSON.stringify(value);

const heartbeat: Message = { type: 'commit', view: 0, commitNumber: 3 };
const executed: Note = {
  kind: 'executed',
  opNumber: 1,
  entry: { op: 'put x 1', client: 'c0', request: 1, view: 0 },
  result: 'ok',
  digest: 7,
};
const info = (line: string): Note => ({ kind: 'info', text: line });
const head = (index: number, notes: readonly Note[] | null = []) => ({
  index,
  time: 10 * index + 0.5,
  firstSent: index,
  sentCount: index % 3,
  notes,
});

/** One event of every kind and shape: null and absent nodes, no notes, null notes, several notes. */
function everyKind(): TraceEvent[] {
  return [
    { ...head(0, [executed]), kind: 'deliver', node: 2, msgId: 0 },
    { ...head(1), kind: 'lose', node: 'c1', msgId: 1, reason: 'by hand' },
    { ...head(2, null), kind: 'timer', node: 0, timer: 'viewChangeResend' },
    { ...head(3, [info('a'), info('b'), info('c')]), kind: 'timer', node: 'c0', timer: 'clientRetry' },
    { ...head(4), kind: 'action', node: null, action: { at: 40, type: 'heal' } },
    { ...head(5), kind: 'action', node: 1, action: { at: 50, type: 'crash', replica: 1 } },
    { ...head(6, [info('queued')]), kind: 'workload', node: 'c12', op: 'get x' },
    { ...head(7), kind: 'crash-stop', node: 4, error: 'log out of order' },
    { ...head(8), kind: 'lose', node: 3, msgId: 0, reason: 'crashed' },
  ];
}

function record(id: number, fields: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id,
    from: 0,
    to: 'c3',
    message: heartbeat,
    sentAt: id,
    deliverAt: id + 5,
    lostAt: null,
    lossReason: null,
    duplicateOf: null,
    sentBy: id,
    ...fields,
  };
}

function journalOf(events: readonly TraceEvent[], messages: readonly MessageRecord[]): Journal {
  const journal = new Journal();
  for (const event of events) journal.appendEvent(event);
  for (const message of messages) journal.appendMessage(message);
  return journal;
}

describe('the journal', () => {
  it('gives back every kind of event exactly as appended, key order included', () => {
    const events = everyKind();
    const journal = journalOf(events, []);
    expect(journal.eventCount).toBe(events.length);
    events.forEach((event, index) => {
      expect(text(journal.event(index))).toBe(text(event));
      expect(journal.event(index)).toEqual(event);
      expect(journal.eventTime(index)).toBe(event.time);
      expect(journal.eventKind(index)).toBe(event.kind);
      expect(journal.eventNode(index)).toBe(event.node);
      expect(journal.eventFirstSent(index)).toBe(event.firstSent);
      expect(journal.eventSentCount(index)).toBe(event.sentCount);
      expect(journal.eventMessageId(index)).toBe(
        event.kind === 'deliver' || event.kind === 'lose' ? event.msgId : -1,
      );
    });
    // A step with no notes has an empty list; an imported one may have null: they stay apart.
    expect(journal.event(1).notes).toEqual([]);
    expect(journal.event(2).notes).toBeNull();
  });

  it('keeps notes end to end, each event reading its own', () => {
    const journal = journalOf(everyKind(), []);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => journal.eventNoteCount(i))).toEqual([1, 0, 0, 3, 0, 0, 1]);
    expect(journal.eventNote(0, 0)).toBe(executed);
    expect([0, 1, 2].map((nth) => (journal.eventNote(3, nth) as { text: string }).text)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(journal.eventNote(6, 0)).toEqual(info('queued'));
    expect(journal.eventNoteCount(8)).toBe(0);
  });

  it('keeps one copy of the executed note every replica makes for an op', () => {
    const again = { ...executed };
    const other = { ...executed, result: 'x' };
    const journal = journalOf(
      [
        { ...head(0, [executed]), kind: 'deliver', node: 0, msgId: 0 },
        { ...head(1, [again]), kind: 'deliver', node: 1, msgId: 1 },
        { ...head(2, [other]), kind: 'deliver', node: 2, msgId: 2 },
      ],
      [],
    );
    expect(journal.eventNote(1, 0)).toBe(executed);
    expect(journal.eventNote(2, 0)).toBe(other);
    expect(text(journal.event(1).notes)).toBe(text([again]));
  });

  it('gives back a message with every nullable field set, and with none set', () => {
    const plain = record(0);
    const everything = record(1, { from: 'c7', to: 8, lostAt: 3.5, lossReason: 'partition', duplicateOf: 0 });
    const journal = journalOf([], [plain, everything]);
    expect(journal.messageCount).toBe(2);
    expect(text(journal.message(0))).toBe(text(plain));
    expect(text(journal.message(1))).toBe(text(everything));
    expect(journal.message(1).message).toBe(heartbeat);
    expect(journal.messageLostAt(0)).toBeNull();
    expect(journal.messageLostAt(1)).toBe(3.5);
    expect([journal.messageFrom(1), journal.messageTo(1)]).toEqual(['c7', 8]);
    expect([journal.messageSentAt(1), journal.messageDeliverAt(1)]).toEqual([1, 6]);
    expect(journal.messageBody(0)).toBe(heartbeat);
  });

  it('refuses what would not come back as it went in', () => {
    const journal = new Journal();
    expect(() => journal.appendEvent({ ...everyKind()[0], index: 1 })).toThrow(RangeError);
    expect(() => journal.appendMessage(record(3))).toThrow(RangeError);
    expect(() => journal.event(0)).toThrow(RangeError);
    expect(() => journal.message(-1)).toThrow(RangeError);
  });

  it('truncates events, notes, side payloads and messages, and appends after it again', () => {
    const events = everyKind();
    const journal = journalOf(events, [record(0), record(1), record(2)]);
    const revision = journal.revision;
    journal.truncate(4, 1);
    expect([journal.eventCount, journal.messageCount]).toEqual([4, 1]);
    expect(journal.revision).not.toBe(revision);
    expect(journal.eventNoteCount(3)).toBe(3);
    expect(() => journal.event(4)).toThrow(RangeError);
    // Appending after the cut: notes and side payloads follow on from the kept events.
    const later = { ...events[6], index: 4, notes: [info('after')] } as TraceEvent;
    journal.appendEvent(later);
    journal.appendMessage(record(1, { lossReason: 'rule', lostAt: 4 }));
    expect(text(journal.event(4))).toBe(text(later));
    expect(journal.message(1).lossReason).toBe('rule');
    expect(text([...journal.events()])).toBe(text([...events.slice(0, 4), later]));
    // Cutting nothing changes nothing.
    const unchanged = journal.revision;
    journal.truncate(10, 10);
    expect([journal.eventCount, journal.messageCount, journal.revision]).toEqual([5, 2, unchanged]);
  });

  it('grows past many chunks and cuts back across them', () => {
    const journal = new Journal();
    const count = 20_000;
    for (let index = 0; index < count; index++) {
      journal.appendEvent({
        ...head(index, index % 7 === 0 ? [info(`${index}`)] : []),
        kind: 'deliver',
        node: index % 5,
        msgId: index,
      });
      journal.appendMessage(record(index, { from: `c${index % 16}` }));
    }
    for (const index of [0, 8191, 8192, 16_384, count - 1]) {
      expect(journal.eventTime(index)).toBe(10 * index + 0.5);
      expect(journal.eventNoteCount(index)).toBe(index % 7 === 0 ? 1 : 0);
      expect(journal.messageFrom(index)).toBe(`c${index % 16}`);
    }
    journal.truncate(8192, 8193);
    expect(journal.eventNoteCount(8191)).toBe(0);
    expect(journal.event(8189)).toEqual({ ...head(8189, []), kind: 'deliver', node: 4, msgId: 8189 });
    expect(journal.event(8190).notes).toEqual([info('8190')]);
    expect(journal.message(8192)).toEqual(record(8192, { from: 'c0' }));
  });
});

/** Keeps what a world hands its checkers: each event, and each message through the step's sends. */
class Recorder implements Checker {
  readonly name = 'recorder';
  constructor(
    readonly events: TraceEvent[] = [],
    readonly messages: MessageRecord[] = [],
  ) {}

  afterEvent(world: World, event: TraceEvent) {
    // The world reuses its event object (with every kind's fields) from step to step: keep a copy.
    this.events.push({ ...event, notes: event.notes === null ? null : [...event.notes] });
    for (let id = event.firstSent; id < event.firstSent + event.sentCount; id++)
      this.messages[id] = world.stepMessages[id - world.stepFirstSent];
    return null;
  }

  clone(): Recorder {
    return this;
  }
}

describe('a world writing its journal', () => {
  it('records each event and message as the checkers saw them, byte for byte', () => {
    // Swarm seeds with losses, duplicates, crashes and partitions.
    for (const seed of [2, 5, 7, 9]) {
      const journal = new Journal();
      const recorder = new Recorder();
      const { scenario } = swarmScenario(seed);
      const world = new World(scenario, { journal, checkers: [...defaultCheckers(), recorder] });
      world.runToEnd();
      expect(journal.eventCount).toBe(world.eventCount);
      expect(journal.messageCount).toBe(world.nextMessageId);
      const events = [...journal.events()];
      // What the checkers saw, restricted to the fields of each event's kind, in the journal's order.
      const seen = events.map((event, i) =>
        Object.fromEntries(
          Object.keys(event).map((key) => [key, recorder.events[i][key as keyof TraceEvent]]),
        ),
      );
      expect(text(events)).toBe(text(seen));
      expect(text([...journal.messages()])).toBe(text(recorder.messages));
      const kinds = new Set(recorder.events.map((event) => event.kind));
      expect([...kinds].sort()).toEqual(['action', 'deliver', 'lose', 'timer', 'workload']);
    }
  });
});
