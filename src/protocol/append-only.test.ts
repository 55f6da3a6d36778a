import { describe, expect, it } from 'vitest';
import { AppendOnly, AppendOnlyNumbers } from './append-only.ts';

function numbers(count: number): AppendOnlyNumbers {
  const sequence = new AppendOnlyNumbers();
  for (let i = 0; i < count; i++) sequence.push(i * 1.5);
  return sequence;
}

describe('AppendOnly', () => {
  it('a clone appended to after the original grew keeps its own items', () => {
    const a = new AppendOnly<number>([1, 2, 3]);
    const b = a.clone();
    a.push(4);
    b.push(40);
    expect(a.slice()).toEqual([1, 2, 3, 4]);
    expect(b.slice()).toEqual([1, 2, 3, 40]);
  });
});

describe('AppendOnlyNumbers', () => {
  it('holds every number pushed, across chunk growth and chunk boundaries', () => {
    const sequence = numbers(10_000);
    expect(sequence.length).toBe(10_000);
    for (const index of [0, 63, 64, 4095, 4096, 8191, 8192, 9999])
      expect(sequence.at(index)).toBe(index * 1.5);
  });

  it('reads NaN outside its items, and keeps NaN and uint32 values exactly', () => {
    const sequence = new AppendOnlyNumbers();
    sequence.push(Number.NaN);
    sequence.push(0xffffffff);
    expect(sequence.at(0)).toBeNaN();
    expect(sequence.at(1)).toBe(0xffffffff);
    expect(sequence.at(-1)).toBeNaN();
    expect(sequence.at(2)).toBeNaN();
  });

  it('clones share what was written before them and diverge after', () => {
    for (const length of [10, 64, 4096, 5000]) {
      const a = numbers(length);
      const b = a.clone();
      a.push(-1);
      b.push(-2);
      b.push(-3);
      expect([a.length, a.at(length), a.at(length - 1)]).toEqual([length + 1, -1, (length - 1) * 1.5]);
      expect([b.length, b.at(length), b.at(length + 1)]).toEqual([length + 2, -2, -3]);
      // Growing one clone's first chunk leaves the other's values in place.
      for (let i = 0; i < 200; i++) a.push(i);
      expect(b.at(length)).toBe(-2);
      expect(b.at(0)).toBe(0);
    }
  });

  it('after truncation a push does not overwrite what a clone still reads', () => {
    const a = numbers(100);
    const checkpoint = a.clone();
    a.truncate(50);
    a.push(7);
    expect(a.length).toBe(51);
    expect(a.at(50)).toBe(7);
    expect(a.at(51)).toBeNaN();
    expect(checkpoint.at(50)).toBe(75);
    expect(checkpoint.length).toBe(100);
  });
});
