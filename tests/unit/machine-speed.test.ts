import { describe, expect, it } from 'vitest';
import { median, summarize } from '../../bench/machine-speed.ts';

describe('benchmark samples', () => {
  it('takes the lower middle value as the median of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('reports the best and median rate and how much the reference loop varied', () => {
    const summary = summarize([
      { rate: 900, referenceMs: 40 },
      { rate: 600, referenceMs: 64 },
      { rate: 1100, referenceMs: 41 },
      { rate: 650, referenceMs: 60 },
      { rate: 700, referenceMs: 58 },
    ]);
    expect(summary).toEqual({ median: 700, best: 1100, referenceMs: [40, 64] });
  });
});
