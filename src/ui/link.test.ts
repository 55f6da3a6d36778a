import { array, assert, constantFrom, integer, nat, property, string, tuple } from 'fast-check';
import lzString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { defaultScenario, scenarioWithActions } from '../scenario/builtin.ts';
import { stepScenario, tours } from '../scenario/tours/index.ts';
import type { Scenario } from '../sim/scenario-types.ts';
import { Run } from '../sim/run.ts';
import { decodeLink, encodeLink, linkBytesMax, linkJsonBytesMax } from './link.ts';

function neverThrows(hash: string): void {
  const result = decodeLink(hash);
  expect(result === null || typeof result.ok === 'boolean').toBe(true);
  if (result !== null && !result.ok) expect(result.problem).not.toContain('\n');
}

/** A scenario with 200 actions of every kind a person can take. */
const manyActions = (): Scenario => scenarioWithActions(200, 20_000);

function traceOf(scenario: Scenario, until: number): string {
  const run = new Run(scenario, { checkpointEvery: 250 });
  run.extendTo(until);
  return JSON.stringify([...run.journal.events()]);
}

describe('scenario links', () => {
  it('round-trip the scenario and the cursor time', () => {
    const scenario = { ...defaultScenario, actions: [{ at: 1201, type: 'crash' as const, replica: 0 }] };
    const decoded = decodeLink(encodeLink(scenario, 1234.7));
    expect(decoded).toEqual({ ok: true, payload: { scenario, time: 1234 } });
  });

  it('round-trip every built-in scenario and tour step with byte-identical traces', () => {
    const scenarios = [
      defaultScenario,
      manyActions(),
      ...tours.flatMap((tour) => tour.steps.map((step) => stepScenario(tour, step))),
    ];
    for (const scenario of new Set(scenarios)) {
      const decoded = decodeLink(encodeLink(scenario, 500));
      expect(decoded?.ok).toBe(true);
      if (decoded?.ok !== true) continue;
      expect(decoded.payload.scenario).toEqual(scenario);
      expect(traceOf(decoded.payload.scenario, 1500)).toBe(traceOf(scenario, 1500));
    }
  });

  it('stay under the size limit (sizes are printed for the report)', () => {
    const sizes: [string, number][] = [['default scenario', encodeLink(defaultScenario, 1000).length]];
    for (const tour of tours)
      sizes.push([`tour ${tour.id}`, encodeLink(tour.scenario, tour.steps.at(-1)!.at).length]);
    sizes.push(['200-action scenario', encodeLink(manyActions(), 10_000).length]);
    console.log(sizes.map(([name, size]) => `${name}: ${size} bytes`).join('\n'));
    for (const [, size] of sizes) expect(size).toBeLessThan(linkBytesMax);
  });

  it('report bad links in one line and never throw', () => {
    expect(decodeLink('')).toBeNull();
    expect(decodeLink('#tour=normal-operation')).toBeNull();
    expect(decodeLink('#nothing')).toMatchObject({ ok: false });
    const good = encodeLink(defaultScenario, 0);
    expect(decodeLink(good.slice(0, good.length / 2))).toMatchObject({ ok: false });
    expect(decodeLink('#s=' + 'A'.repeat(40_000))).toMatchObject({ ok: false, problem: /limit/ });
    const future =
      '#s=' + lzString.compressToEncodedURIComponent(JSON.stringify({ v: 2, scenario: {}, t: 0 }));
    expect(decodeLink(future)).toMatchObject({ ok: false, problem: /unknown link version 2/ });
    const bad = { ...defaultScenario, actions: [{ at: 5, type: 'crash', replica: 7 }] };
    const invalid =
      '#s=' + lzString.compressToEncodedURIComponent(JSON.stringify({ v: 1, scenario: bad, t: 0 }));
    expect(decodeLink(invalid)).toMatchObject({ ok: false, problem: /actions\[0\]\.replica/ });
  });

  it('refuse a small link that expands past the scenario size limit, before parsing it', () => {
    const json = JSON.stringify({ v: 1, scenario: defaultScenario, t: 0, pad: ' '.repeat(600_000) });
    const hash = '#s=' + lzString.compressToEncodedURIComponent(json);
    expect(hash.length).toBeLessThan(linkBytesMax);
    expect(decodeLink(hash)).toEqual({
      ok: false,
      problem: `the link expands to more than ${linkJsonBytesMax} bytes, the limit for a scenario`,
    });
    // Bytes, not characters: 200,000 three-byte characters are 600,000 bytes.
    const wide = JSON.stringify({ v: 1, scenario: defaultScenario, t: 0, pad: '€'.repeat(200_000) });
    expect(wide.length).toBeLessThan(linkJsonBytesMax);
    expect(decodeLink('#s=' + lzString.compressToEncodedURIComponent(wide))).toMatchObject({
      ok: false,
      problem: /expands to more than/,
    });
  });

  it('never repeat long input in a problem', () => {
    const version = '#s=' + lzString.compressToEncodedURIComponent(JSON.stringify({ v: 'x'.repeat(5000) }));
    const result = decodeLink(version);
    expect(result).toMatchObject({ ok: false, problem: /^unknown link version "x+…"/ });
    expect(result?.ok === false && result.problem.length).toBeLessThan(120);
  });

  it('fuzz: random strings, truncations and bit flips never throw', () => {
    const good = encodeLink(manyActions(), 5000);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
    assert(
      property(string(), (text) => neverThrows('#s=' + text)),
      { numRuns: 500 },
    );
    assert(
      property(string({ unit: 'binary' }), (text) => neverThrows(text)),
      { numRuns: 300 },
    );
    assert(
      property(nat({ max: good.length }), (cut) => neverThrows(good.slice(0, cut))),
      { numRuns: 300 },
    );
    assert(
      property(
        array(tuple(integer({ min: 3, max: good.length - 1 }), constantFrom(...alphabet)), {
          minLength: 1,
          maxLength: 8,
        }),
        (flips) => {
          const chars = [...good];
          for (const [index, char] of flips) chars[index] = char;
          neverThrows(chars.join(''));
        },
      ),
      { numRuns: 300 },
    );
  });
});
