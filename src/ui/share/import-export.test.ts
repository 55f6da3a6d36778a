import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { Run } from '../../sim/run.ts';
import { scenarioBytesMax } from '../../scenario/schema.ts';
import {
  cleanStopCaption,
  importBytesMax,
  importText,
  traceJson,
  traceTimeMax,
  utf8Bytes,
} from './import-export.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { loadRecent, recentMax, recentName, recentNameMax, recordRecent, validateRecent } from './recent.ts';
import { onCorrupt } from '../storage.ts';
import { useMemoryStorage } from '../memory-storage.ts';

describe('import', () => {
  it('checks size, then JSON, then the schema, naming the path', () => {
    expect(importText('{}', importBytesMax + 1)).toMatchObject({ ok: false, problem: /limit/ });
    expect(importText('{"version": 1,')).toMatchObject({ ok: false, problem: /not valid JSON/ });
    const bad = { ...defaultScenario, actions: [{ at: 3, type: 'crash', replica: 7 }] };
    expect(importText(JSON.stringify(bad))).toMatchObject({
      ok: false,
      problem: /^actions\[0\]\.replica: 7/,
    });
    expect(importText(JSON.stringify(defaultScenario))).toEqual({
      ok: true,
      kind: 'scenario',
      scenario: defaultScenario,
    });
  });

  it('reads an exported trace back, and a recorded one read-only', () => {
    const run = new Run(defaultScenario, { checkpointEvery: 250 });
    run.extendTo(800);
    const text = traceJson(run, defaultScenario);
    const exported = JSON.parse(text);
    expect(exported.events[0]).toHaveProperty('type');
    expect(exported.events[0]).toHaveProperty('time');
    const back = importText(text);
    expect(back).toMatchObject({ ok: true, kind: 'trace', scenario: defaultScenario });
    const recorded = importText(JSON.stringify({ ...exported, source: 'tcp', scenario: undefined }));
    expect(recorded).toMatchObject({ ok: true, kind: 'trace', scenario: null });
    exported.events[2].time = -1;
    expect(importText(JSON.stringify(exported))).toMatchObject({ ok: false, problem: /^events\[2\]\.time/ });
    exported.events[2].time = exported.events[1].time;
    exported.messages[0].from = { x: 1 };
    expect(importText(JSON.stringify(exported))).toMatchObject({
      ok: false,
      problem: /^messages\[0\]\.from/,
    });
  });

  it('reads a scenario file that starts with a UTF-8 byte-order mark', () => {
    expect(importText(`\uFEFF${JSON.stringify(defaultScenario)}`)).toEqual({
      ok: true,
      kind: 'scenario',
      scenario: defaultScenario,
    });
  });

  it('labels a replica that stopped cleanly in a recorded trace as stopped, not crashed', () => {
    const base = {
      index: 3,
      time: 9,
      firstSent: 0,
      sentCount: 0,
      notes: null,
      kind: 'action',
      node: 0,
    } as const;
    const stopped = { ...base, action: { at: 9, type: 'crash', replica: 0 }, stop: 'SIGTERM' } as TraceEvent;
    const killed = { ...base, action: { at: 9, type: 'crash', replica: 0 } } as TraceEvent;
    expect(cleanStopCaption(stopped)).toBe('replica 0 stopped cleanly (SIGTERM): not a crash');
    expect(cleanStopCaption(killed)).toBeNull();
    const trace = exportedTrace();
    trace.events.push({ ...stopped, index: trace.events.length, time: 800 });
    const imported = importText(JSON.stringify(trace));
    expect(imported.ok && imported.kind === 'trace' && cleanStopCaption(imported.trace.events.at(-1)!)).toBe(
      'replica 0 stopped cleanly (SIGTERM): not a crash',
    );
    trace.events.at(-1)!.stop = { reason: 'x' };
    expect(problemOf(trace)).toMatch(/\.stop: expected the reason of a clean stop/);
  });
});

/** A valid exported trace as a plain object, to break one field at a time. */
function exportedTrace(): Record<string, unknown> & {
  events: Record<string, unknown>[];
  messages: Record<string, unknown>[];
} {
  const run = new Run(defaultScenario, { checkpointEvery: 250 });
  run.extendTo(800);
  const trace = JSON.parse(traceJson(run, defaultScenario));
  delete trace.scenario;
  trace.source = 'tcp';
  return trace;
}

function problemOf(trace: unknown): string {
  const result = importText(JSON.stringify(trace));
  if (result.ok) throw new Error('expected the trace to be refused');
  return result.problem;
}

describe('trace import refuses every shape the views cannot read', () => {
  const base = exportedTrace();
  const firstWith = (test: (e: Record<string, unknown>) => boolean) => base.events.findIndex(test);
  const deliver = firstWith((e) => e.kind === 'deliver');
  const withNotes = firstWith((e) => Array.isArray(e.notes) && (e.notes as unknown[]).length > 0);

  it('accepts the exported trace itself', () => {
    expect(importText(JSON.stringify(base))).toMatchObject({ ok: true, kind: 'trace' });
    expect(deliver).toBeGreaterThanOrEqual(0);
    expect(withNotes).toBeGreaterThanOrEqual(0);
  });

  const cases: [string, (t: ReturnType<typeof exportedTrace>) => void, RegExp][] = [
    ['events without notes', (t) => delete t.events[0].notes, /^events\[0\]\.notes/],
    [
      'notes that are not objects',
      (t) => (t.events[withNotes].notes = [42]),
      /notes\[0\]: expected an object/,
    ],
    ['a note of an unknown kind', (t) => (t.events[withNotes].notes = [{ kind: 'x' }]), /notes\[0\]\.kind/],
    [
      'a status note with an unknown status',
      (t) => (t.events[withNotes].notes = [{ kind: 'status', from: 'normal', to: 'zombie', view: 1 }]),
      /notes\[0\]\.to: "zombie" is not a status/,
    ],
    [
      'an action event without action',
      (t) => (t.events[0] = { ...t.events[0], kind: 'action', action: undefined }),
      /^events\[0\]\.action/,
    ],
    [
      'a crash action naming no replica',
      (t) =>
        (t.events[0] = { ...t.events[0], kind: 'action', action: { type: 'crash', replica: '__proto__' } }),
      /^events\[0\]\.action\.replica/,
    ],
    [
      'an unknown message type',
      (t) => (t.messages[0].message = { type: 'gossip' }),
      /^messages\[0\]\.message\.type: "gossip"/,
    ],
    ['a huge time', (t) => (t.events.at(-1)!.time = 1e20), /\.time: expected a time in ms up to/],
    ['a huge send time', (t) => (t.messages[0].sentAt = traceTimeMax + 1), /^messages\[0\]\.sentAt/],
    ['sentBy past the events', (t) => (t.messages[0].sentBy = t.events.length), /^messages\[0\]\.sentBy/],
    ['sentBy not an integer', (t) => (t.messages[0].sentBy = 0.5), /^messages\[0\]\.sentBy/],
    ['an index out of place', (t) => (t.events[1].index = 7), /^events\[1\]\.index: expected 1/],
    [
      'a fractional msgId',
      (t) => (t.events[deliver].msgId = 0.5),
      new RegExp(`^events\\[${deliver}\\]\\.msgId`),
    ],
    [
      'firstSent past the messages',
      (t) => (t.events[0].firstSent = t.messages.length + 1),
      /^events\[0\]\.firstSent/,
    ],
    [
      'sentCount past the messages',
      (t) => (t.events[0].sentCount = t.messages.length + 1),
      /^events\[0\]\.(firstSent|sentCount)/,
    ],
    ['replicas out of range', (t) => (t.replicas = 12), /^replicas: expected an integer from 1 to 9/],
    [
      'a replica past the lanes',
      (t) => (t.messages[0].to = 7),
      /^messages\[0\]\.to: 7 is not a replica of a 5-replica cluster/,
    ],
    [
      'a client id that is not one',
      (t) => (t.messages[0].to = 'x'.repeat(500)),
      /^messages\[0\]\.to: expected a replica number or a client id/,
    ],
  ];
  for (const [name, breakIt, problem] of cases)
    it(`refuses ${name}`, () => {
      const trace = structuredClone(base);
      breakIt(trace);
      expect(problemOf(trace)).toMatch(problem);
    });

  it('never repeats long input in a problem', () => {
    const trace = structuredClone(base);
    trace.version = 'v'.repeat(5000);
    expect(problemOf(trace).length).toBeLessThan(200);
    trace.version = 1;
    trace.events[deliver].msgId = 'm'.repeat(5000);
    expect(problemOf(trace).length).toBeLessThan(200);
  });
});

describe('scenario import size', () => {
  it('counts bytes, and refuses a large scenario before parsing it', () => {
    expect(utf8Bytes('aé€😀')).toBe(1 + 2 + 3 + 4);
    // Under the limit in characters, over it in bytes.
    const name = '€'.repeat(Math.ceil(scenarioBytesMax / 3));
    const text = JSON.stringify({ ...defaultScenario, name });
    expect(text.length).toBeLessThan(scenarioBytesMax);
    expect(importText(text)).toMatchObject({ ok: false, problem: /^the scenario is \d+ bytes, the limit/ });
    // Not even JSON: refused for its size, so it was never parsed.
    expect(importText('x'.repeat(scenarioBytesMax + 1))).toMatchObject({
      ok: false,
      problem: /^the scenario is/,
    });
  });
});

describe('recent scenarios store', () => {
  useMemoryStorage();

  it('drops only the bad entries of a stored list', () => {
    const good = { name: 'a', hash: '#s=abc', loadedAt: 1 };
    expect(validateRecent([good])).toEqual([good]);
    expect(validateRecent([{ name: 'a', hash: 'javascript:1', loadedAt: 1 }, good])).toEqual([good]);
    expect(validateRecent([{ name: 'x'.repeat(201), hash: '#s=', loadedAt: 1 }, good])).toEqual([good]);
    expect(validateRecent({})).toBeNull();
    expect(validateRecent(Array.from({ length: recentMax + 5 }, () => good))).toHaveLength(recentMax);
  });

  it('keeps the list when a scenario has a long name, and cuts the label', () => {
    const seen: string[] = [];
    onCorrupt((key) => seen.push(key));
    recordRecent({ ...defaultScenario, seed: 5 });
    const long = { ...defaultScenario, name: 'n'.repeat(200) };
    recordRecent(long);
    const list = loadRecent();
    expect(seen).toEqual([]);
    expect(list).toHaveLength(2);
    expect(list[0].name.length).toBeLessThanOrEqual(recentNameMax);
  });

  it('names an unnamed scenario by its settings', () => {
    expect(recentName({ ...defaultScenario, name: 'custom', replicas: 7, seed: 2012 })).toBe(
      '7 replicas · seed 2012 · 0 actions',
    );
    expect(recentName({ ...defaultScenario, name: 'untitled', mutation: 'ack-with-gap' })).toContain(
      'broken: ack-with-gap',
    );
    expect(recentName({ ...defaultScenario, name: 'my run', seed: 3 })).toBe('my run · seed 3 · 0 actions');
  });
});
