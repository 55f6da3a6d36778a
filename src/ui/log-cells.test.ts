import { describe, expect, it } from 'vitest';
import { cellWidth, visibleCells } from './log-cells.ts';

const ops = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('log cells on a card', () => {
  it('shows every cell when they fit and nothing came before', () => {
    expect(visibleCells(ops(1, 8), 1, 300, 1)).toEqual({ shown: ops(1, 8), earlier: 0 });
  });

  it('keeps the newest cells that fit beside the "earlier" marker, and counts the rest', () => {
    const width = 300;
    const { shown, earlier } = visibleCells(ops(101, 120), 101, width, 3);
    expect(shown.at(-1)).toBe(120);
    expect(shown.length * cellWidth(3) + 78).toBeLessThanOrEqual(width);
    expect(earlier + shown.length).toBe(120);
  });

  it('wider numbers take wider cells', () => {
    expect(cellWidth(4)).toBeGreaterThan(cellWidth(2));
    expect(visibleCells(ops(1001, 1020), 1001, 300, 4).shown.length).toBeLessThan(
      visibleCells(ops(11, 30), 11, 300, 2).shown.length,
    );
  });

  it('shows everything before the first measurement', () => {
    expect(visibleCells(ops(5, 24), 5, 0, 2)).toEqual({ shown: ops(5, 24), earlier: 4 });
  });
});
