import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../../scenario/builtin.ts';
import { samePast } from './state-diff.ts';

describe('a pinned moment of the state diff', () => {
  const crash = { at: 500, type: 'crash' as const, replica: 0 };
  const later = { at: 3000, type: 'restart' as const, replica: 0 };

  it('stays valid while the run keeps its past', () => {
    const before = { ...defaultScenario, actions: [crash] };
    expect(samePast(before, before, 1000)).toBe(true);
    // An action taken after the pinned moment leaves its past alone.
    expect(samePast(before, { ...before, actions: [crash, later] }, 1000)).toBe(true);
  });

  it('is dropped for another scenario or an edited past', () => {
    const before = { ...defaultScenario, actions: [crash] };
    expect(samePast(before, { ...before, seed: 99 }, 1000)).toBe(false);
    expect(samePast(before, { ...before, mutation: 'ack-with-gap' }, 1000)).toBe(false);
    expect(samePast(before, { ...before, actions: [] }, 1000)).toBe(false);
    expect(samePast(before, { ...before, actions: [{ ...crash, at: 400 }] }, 1000)).toBe(false);
  });
});
