import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../sim/trace.ts';
import { clusterLayout, placeMessage } from './layout.ts';
import { drawMessages, fitTransform, hitMessage, toLayout } from './message-canvas.ts';

function record(id: number, from: number, to: number, sentAt: number, deliverAt: number): MessageRecord {
  return {
    id,
    from,
    to,
    message: { type: 'commit', view: 0, commitNumber: 1 },
    sentAt,
    deliverAt,
    lostAt: null,
    lossReason: null,
    duplicateOf: null,
    sentBy: 0,
  };
}

describe('message canvas geometry', () => {
  const layout = clusterLayout(5, 2);

  it('fits the layout box like SVG meet: centred, uniform scale', () => {
    const wide = fitTransform(layout, layout.width * 3, layout.height);
    expect(wide.scale).toBe(1);
    expect(wide.offsetX).toBe(layout.width);
    expect(wide.offsetY).toBe(0);
    const half = fitTransform(layout, layout.width / 2, layout.height);
    expect(half.scale).toBe(0.5);
    expect(half.offsetY).toBe(layout.height / 4);
    const back = toLayout(half, half.offsetX + 100 * half.scale, half.offsetY + 50 * half.scale);
    expect(back.x).toBeCloseTo(100);
    expect(back.y).toBeCloseTo(50);
  });

  it('hits the nearest message within the radius and nothing farther', () => {
    const a = record(1, 0, 1, 0, 100);
    const b = record(2, 0, 2, 0, 100);
    const at = placeMessage(layout, a, 50);
    expect(hitMessage(layout, [a, b], 50, { x: at.x + 3, y: at.y - 2 })?.id).toBe(1);
    expect(hitMessage(layout, [a, b], 50, { x: at.x + 40, y: at.y + 40 })).toBeNull();
    const bAt = placeMessage(layout, b, 50);
    expect(hitMessage(layout, [a, b], 50, bAt)?.id).toBe(2);
  });
});

describe('drawing messages', () => {
  /** A context that records calls (no canvas in Node). */
  function recorder() {
    const calls: string[] = [];
    const context = new Proxy(
      {},
      {
        get: (_, name: string) =>
          name in settable ? settable[name] : (...args: unknown[]) => calls.push(`${name}(${args.length})`),
        set: (_, name: string, value) => {
          calls.push(`${name}=${String(value)}`);
          return true;
        },
      },
    ) as unknown as CanvasRenderingContext2D;
    const settable: Record<string, unknown> = {};
    return { context, calls };
  }

  it('fills each message type once and rings the selected message', () => {
    const layout = clusterLayout(3, 1);
    const prepare = (id: number, to: number): MessageRecord => ({
      ...record(id, 0, to, 0, 100),
      message: {
        type: 'prepare',
        view: 0,
        opNumber: id,
        commitNumber: 0,
        entry: { op: 'get x', client: 'c0', request: id, view: 0 },
      },
    });
    const messages = [
      prepare(1, 1),
      prepare(2, 2),
      record(3, 1, 0, 0, 100),
      { ...record(4, 2, 0, 0, 100), duplicateOf: 3 },
    ];
    const { context, calls } = recorder();
    drawMessages(context, { width: 640, height: 520, pixelRatio: 2 }, layout, messages, [], 50, 2, false);
    expect(calls.filter((c) => c === 'fill(0)')).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith('fillStyle='))).toHaveLength(2);
    expect(calls).toContain('setLineDash(1)');
    expect(calls.filter((c) => c === 'lineWidth=2.5')).toHaveLength(1);
    expect(calls[0]).toBe('setTransform(6)');
  });
});
