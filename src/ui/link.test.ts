import { assert, property, string } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { decodeLink, encodeLink } from './link.ts';

describe('scenario links', () => {
  it('round-trip the scenario and the cursor time', () => {
    const scenario = { ...defaultScenario, actions: [{ at: 1201, type: 'crash' as const, replica: 0 }] };
    const decoded = decodeLink(encodeLink(scenario, 1234.7));
    expect(decoded).toEqual({ ok: true, payload: { scenario, time: 1234 } });
  });

  it('report bad links in one line and never throw', () => {
    expect(decodeLink('')).toBeNull();
    expect(decodeLink('#nothing')).toMatchObject({ ok: false });
    const good = encodeLink(defaultScenario, 0);
    expect(decodeLink(good.slice(0, good.length / 2))).toMatchObject({ ok: false });
    expect(decodeLink('#s=' + 'A'.repeat(40_000))).toMatchObject({ ok: false, problem: /limit/ });
    assert(
      property(string(), (text) => {
        const result = decodeLink('#s=' + text);
        expect(result === null || typeof result.ok === 'boolean').toBe(true);
      }),
    );
  });
});
