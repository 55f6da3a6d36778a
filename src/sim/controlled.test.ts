import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { Run } from './run.ts';
import type { Action } from './scenario-types.ts';
import { summarizeReplicas } from './snapshot.ts';
import { traceHash } from './trace-hash.ts';

const base = {
  version: 1,
  replicas: 3,
  clients: 1,
  network: { latencyMs: [10, 10] },
  until: 2000,
};

function runOf(actions: unknown[]): Run {
  const run = new Run(parseScenario({ ...base, actions }));
  run.extendTo(2000);
  return run;
}

const request = { at: 10, type: 'request', client: 0, op: 'put x 1' };
const control = { at: 15, type: 'control' };

describe('controlled network mode', () => {
  it('after control nothing arrives and no timer fires: the request stays in flight to the end', () => {
    const run = runOf([request, control]);
    const world = run.head;
    expect(world.controlled).toBe(true);
    expect(world.replicas.map((replica) => replica!.opNumber)).toEqual([0, 0, 0]);
    const inFlight = world.inFlight();
    expect(inFlight.map((record) => [record.from, record.to, record.message.type])).toEqual([
      ['c0', 0, 'request'],
    ]);
    // The last event is the control action itself: nothing happened after it.
    expect(run.journal.event(run.journal.eventCount - 1)).toMatchObject({ kind: 'action' });
    expect(world.violations).toEqual([]);
  });

  it('deliver {id} delivers that message now; fire fires a timer early; drop and duplicate act at once', () => {
    const id = runOf([request, control]).head.inFlight()[0].id;
    const delivered = runOf([request, control, { at: 15, type: 'deliver', id }]).head;
    expect(delivered.replicas[0]!.opNumber).toBe(1);
    const prepares = delivered.inFlight().filter((record) => record.message.type === 'prepare');
    expect(prepares.map((record) => record.to)).toEqual([1, 2]);
    const fired = runOf([request, control, { at: 15, type: 'fire', replica: 0, timer: 'heartbeat' }]);
    expect(fired.head.inFlight().filter((record) => record.message.type === 'commit')).toHaveLength(2);
    expect(fired.journal.event(fired.journal.eventCount - 1)).toMatchObject({
      kind: 'timer',
      timer: 'heartbeat',
    });
    const dropped = runOf([request, control, { at: 15, type: 'drop', id }]);
    expect(dropped.head.inFlight()).toEqual([]);
    expect(dropped.journal.event(dropped.journal.eventCount - 1)).toMatchObject({
      kind: 'lose',
      reason: 'by hand',
    });
    const copied = runOf([request, control, { at: 15, type: 'duplicate', id }]).head;
    expect(copied.inFlight().map((record) => record.duplicateOf)).toEqual([null, id]);
  });

  it('a choice that names nothing says so and changes nothing', () => {
    const run = runOf([
      request,
      control,
      { at: 15, type: 'deliver', id: 999 },
      { at: 15, type: 'fire', replica: 1, timer: 'heartbeat' },
    ]);
    const notes = [
      run.journal.event(run.journal.eventCount - 2),
      run.journal.event(run.journal.eventCount - 1),
    ].map((event) => event.notes?.[0]);
    expect(notes).toEqual([
      { kind: 'info', text: 'message #999 is not in flight (or waits for a paused replica)' },
      { kind: 'info', text: 'replica 1 has no heartbeat timer pending, or is not running' },
    ]);
    expect(run.head.replicas[0]!.opNumber).toBe(0);
  });

  it('choices applied one by one to a live world give the same run as the scenario that lists them', () => {
    const live = runOf([request, control]);
    const world = live.head;
    const chosen: Action[] = [];
    const choose = (action: Action) => {
      chosen.push(action);
      world.act(action);
    };
    choose({ at: 15, type: 'deliver', id: world.inFlight()[0].id });
    const [toOne, toTwo] = world.inFlight();
    choose({ at: 15, type: 'deliver', id: toOne.id });
    choose({ at: 15, type: 'drop', id: toTwo.id });
    choose({ at: 15, type: 'crash', replica: 2 });
    choose({ at: 15, type: 'deliver', id: world.inFlight()[0].id });
    choose({ at: 15, type: 'restart', replica: 2 });
    expect(world.replicas[0]!.commitNumber).toBe(1);
    const replay = runOf([request, control, ...chosen]);
    expect(summarizeReplicas(replay.head)).toEqual(summarizeReplicas(world));
    expect(replay.head.eventCount).toBe(world.eventCount);
    expect(replay.head.inFlight().map((record) => record.id)).toEqual(
      world.inFlight().map((record) => record.id),
    );
    // And replaying twice gives the same trace, bit for bit.
    expect(traceHash(runOf([request, control, ...chosen]).journal)).toBe(traceHash(replay.journal));
  });
});
