import { describe, expect, it } from 'vitest';
import type { HistoryOperation } from '../../sim/history.ts';
import { fitLabel, windowOf } from './LinearizabilityView.tsx';

function ops(count: number, length: number, gap: number): HistoryOperation[] {
  return Array.from(
    { length: count },
    (_, i) =>
      ({
        client: 'c0',
        op: `put k ${i}`,
        call: i * gap,
        return: i * gap + length,
        result: 'ok',
      }) as HistoryOperation,
  );
}

describe('the linearizability view window', () => {
  it('opens on the latest operations, wide enough to read a label, with 100+ operations', () => {
    const history = ops(150, 40, 50);
    const t1 = 150 * 50 + 40;
    const view = windowOf(null, 0, t1, history, 800);
    expect(view.start + view.span).toBe(t1);
    // A 40 ms operation is 110 px wide: its label fits whole.
    const px = (40 / view.span) * 800;
    expect(px).toBeGreaterThanOrEqual(100);
    expect(fitLabel('put k 149 → ok', px - 6)).toBe('put k 149 → ok');
  });

  it('shows a short history whole, and the zoom the person chose', () => {
    expect(windowOf(null, 0, 200, ops(3, 40, 50), 800)).toEqual({ start: 0, span: 200 });
    expect(windowOf({ start: 10, span: 30 }, 0, 200, ops(3, 40, 50), 800)).toEqual({ start: 10, span: 30 });
  });
});
