import { describe, expect, it } from 'vitest';
import {
  along,
  clusterLayout,
  linkSegment,
  lossFadeMs,
  nodePoint,
  placeMessage,
  replicaPairs,
  timerArcPath,
  timerRemaining,
  tripProgress,
} from './layout.ts';

describe('cluster layout', () => {
  it('puts replica 0 at the top of the ring and the others clockwise, all on one circle', () => {
    for (const n of [3, 5, 7, 9]) {
      const layout = clusterLayout(n, 2);
      expect(layout.replicas).toHaveLength(n);
      const top = layout.replicas[0];
      expect(top.x).toBeCloseTo(layout.center.x);
      expect(top.y).toBeLessThan(layout.center.y);
      for (const point of layout.replicas)
        expect(Math.hypot(point.x - layout.center.x, point.y - layout.center.y)).toBeCloseTo(layout.radius);
      // clockwise: replica 1 is to the right of replica 0
      expect(layout.replicas[1].x).toBeGreaterThan(top.x);
    }
  });

  it('keeps every node inside the view with room for its circle', () => {
    for (const n of [1, 3, 5, 7, 9])
      for (const clients of [0, 1, 2, 16]) {
        const layout = clusterLayout(n, clients);
        for (const point of [...layout.replicas, ...layout.clients]) {
          expect(point.x - layout.nodeRadius).toBeGreaterThanOrEqual(0);
          expect(point.x + layout.nodeRadius).toBeLessThanOrEqual(layout.width);
          expect(point.y - layout.nodeRadius).toBeGreaterThanOrEqual(0);
          expect(point.y + layout.nodeRadius).toBeLessThanOrEqual(layout.height);
        }
      }
  });

  it('places a single replica in the middle and clients in a column left of the ring', () => {
    const layout = clusterLayout(1, 3);
    expect(layout.replicas[0]).toEqual(layout.center);
    expect(layout.clients.every((c) => c.x < layout.center.x - layout.radius)).toBe(true);
    expect(nodePoint(layout, 'c2')).toEqual(layout.clients[2]);
    expect(nodePoint(layout, 0)).toEqual(layout.replicas[0]);
  });

  it('lists each replica pair once', () => {
    expect(replicaPairs(3)).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(replicaPairs(9)).toHaveLength(36);
  });
});

describe('messages in flight', () => {
  it('progress is (now - sent) / (delivery - sent), clamped', () => {
    expect(tripProgress(100, 200, 150)).toBe(0.5);
    expect(tripProgress(100, 200, 50)).toBe(0);
    expect(tripProgress(100, 200, 250)).toBe(1);
    expect(tripProgress(100, 100, 100)).toBe(1);
  });

  it('a directed link is trimmed to the node rims and offset so both directions are apart', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    const ab = linkSegment(a, b, 10, 5);
    const ba = linkSegment(b, a, 10, 5);
    expect(ab.from.x).toBeCloseTo(12);
    expect(ab.to.x).toBeCloseTo(88);
    expect(ab.from.y).toBeCloseTo(5);
    expect(ba.from.y).toBeCloseTo(-5);
    expect(along(ab, 0.5)).toEqual({ x: 50, y: 5 });
  });

  it('a message moves along its link and a lost one stops where it was lost, then fades', () => {
    const layout = clusterLayout(3, 0);
    const message = { from: 0, to: 1, sentAt: 0, deliverAt: 100, lostAt: null };
    const start = placeMessage(layout, message, 0);
    const middle = placeMessage(layout, message, 50);
    const end = placeMessage(layout, message, 100);
    expect(start.progress).toBe(0);
    expect(middle.progress).toBe(0.5);
    expect(end.progress).toBe(1);
    expect(middle.x).toBeCloseTo((start.x + end.x) / 2);
    const lost = { ...message, lostAt: 40 };
    expect(placeMessage(layout, lost, 30).opacity).toBe(1);
    const justLost = placeMessage(layout, lost, 40);
    const later = placeMessage(layout, lost, 40 + lossFadeMs / 2);
    expect(later.progress).toBeCloseTo(0.4);
    expect(later.x).toBeCloseTo(justLost.x);
    expect(later.opacity).toBeCloseTo(0.5);
    expect(placeMessage(layout, lost, 40 + lossFadeMs).opacity).toBe(0);
  });
});

describe('timer arcs', () => {
  it('drain from full when armed to empty at the deadline', () => {
    expect(timerRemaining(1500, 500, 1000)).toBe(1);
    expect(timerRemaining(1500, 500, 1250)).toBe(0.5);
    expect(timerRemaining(1500, 500, 1600)).toBe(0);
    expect(timerRemaining(Infinity, 500, 0)).toBe(0);
  });

  it('draws nothing for an empty timer and a closed ring for a full one', () => {
    expect(timerArcPath(0, 30, 34)).toBe('');
    expect(timerArcPath(1, 30, 34)).toMatch(/^M/);
    expect(timerArcPath(0.25, 30, 34)).not.toBe(timerArcPath(0.5, 30, 34));
  });
});
