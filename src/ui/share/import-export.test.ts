import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { Run } from '../../sim/run.ts';
import { importBytesMax, importText, traceJson } from './import-export.ts';
import { recentMax, validateRecent } from './recent.ts';

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
});

describe('recent scenarios store', () => {
  it('accepts only well-formed entries', () => {
    expect(validateRecent([{ name: 'a', hash: '#s=abc', loadedAt: 1 }])).toHaveLength(1);
    expect(validateRecent([{ name: 'a', hash: 'javascript:1', loadedAt: 1 }])).toBeNull();
    expect(validateRecent({})).toBeNull();
    expect(
      validateRecent(Array.from({ length: recentMax + 1 }, () => ({ name: 'a', hash: '#s=', loadedAt: 0 }))),
    ).toBeNull();
  });
});
