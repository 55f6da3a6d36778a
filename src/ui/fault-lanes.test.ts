import { describe, expect, it } from 'vitest';
import type { Action } from '../sim/scenario-types.ts';
import { editActions, faultLanes, lastActionTime, previewMove } from './fault-lanes.ts';

const actions: Action[] = [
  { at: 3000, type: 'restart', replica: 1 },
  { at: 1000, type: 'crash', replica: 1 },
  {
    at: 1500,
    type: 'partition',
    groups: [
      [0, 1],
      [2, 'c0'],
    ],
  },
  { at: 2000, type: 'cut', from: 0, to: 2 },
  { at: 2500, type: 'heal' },
  { at: 4000, type: 'crash', replica: 2 },
  { at: 4100, type: 'request', client: 0, op: 'put x 1' },
  { at: 4200, type: 'network', dropRate: 0.1 },
];

describe('fault lanes', () => {
  it('turns crash / restart, partition / heal and cut / heal into bars, every action into a marker', () => {
    const lanes = faultLanes(actions, 6000);
    expect(lanes.map((lane) => lane.label)).toEqual(['replica 1', 'replica 2', 'network', 'clients']);
    const [one, two, network, clients] = lanes;
    expect(one.bars).toEqual([{ kind: 'down', start: 1000, end: 3000, label: 'replica 1 down' }]);
    expect(one.markers.map((m) => [m.index, m.at, m.type])).toEqual([
      [1, 1000, 'crash'],
      [0, 3000, 'restart'],
    ]);
    // Never restarted: down until the end of the lanes.
    expect(two.bars).toEqual([{ kind: 'down', start: 4000, end: 6000, label: 'replica 2 down' }]);
    expect(network.bars.map((bar) => [bar.kind, bar.start, bar.end])).toEqual([
      ['partition', 1500, 2500],
      ['cut', 2000, 2500],
    ]);
    expect(network.markers.map((m) => m.type)).toEqual(['partition', 'cut', 'heal', 'network']);
    expect(clients.markers[0].label).toContain('put x 1');
  });

  it('a new partition ends the previous one; a mend ends only its own link', () => {
    const lanes = faultLanes(
      [
        { at: 100, type: 'partition', groups: [[0], [1, 2]] },
        { at: 300, type: 'partition', groups: [[1], [0, 2]] },
        { at: 400, type: 'cut', from: 0, to: 1 },
        { at: 450, type: 'cut', from: 1, to: 0 },
        { at: 500, type: 'mend', from: 0, to: 1 },
      ],
      1000,
    );
    expect(lanes[0].bars.map((bar) => [bar.kind, bar.start, bar.end])).toEqual([
      ['partition', 100, 300],
      ['cut', 400, 500],
      ['partition', 300, 1000],
      ['cut', 450, 1000],
    ]);
  });

  it('shows nothing when there are no actions', () => {
    expect(faultLanes([], 1000)).toEqual([]);
    expect(lastActionTime([])).toBe(0);
    expect(lastActionTime(actions)).toBe(4200);
  });
});

describe('editing actions', () => {
  it('moves an action in time order, last among those at the same millisecond', () => {
    const { actions: moved, index } = editActions(actions, 1, 2500);
    expect(index).toBe(3);
    expect(moved.map((a) => [a.type, a.at])).toEqual([
      ['partition', 1500],
      ['cut', 2000],
      ['heal', 2500],
      ['crash', 2500],
      ['restart', 3000],
      ['crash', 4000],
      ['request', 4100],
      ['network', 4200],
    ]);
    expect(actions[1].at).toBe(1000);
  });

  it('deletes an action', () => {
    const { actions: rest, index } = editActions(actions, 0, null);
    expect(index).toBe(-1);
    expect(rest).toHaveLength(actions.length - 1);
    expect(rest.some((a) => a.type === 'restart')).toBe(false);
  });
});

describe('a drag in progress', () => {
  it('moves the action and its bars without renumbering any action', () => {
    const preview = previewMove(actions, 1, 3500);
    expect(preview.map((a) => a.type)).toEqual(actions.map((a) => a.type));
    const [one] = faultLanes(preview, 6000);
    // The crash now comes after the restart: replica 1 is down from 3.5 s to the end.
    expect(one.bars).toEqual([{ kind: 'down', start: 3500, end: 6000, label: 'replica 1 down' }]);
    expect(one.markers.map((m) => [m.index, m.at])).toEqual([
      [0, 3000],
      [1, 3500],
    ]);
  });
});
