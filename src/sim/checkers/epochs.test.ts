import { describe, expect, it } from 'vitest';
import type { LogEntry, Note, Replica } from '../../protocol/index.ts';
import { mutationScenarios } from '../../scenario/mutation-scenarios.ts';
import { noteCode } from '../note-codes.ts';
import type { TraceEvent } from '../trace.ts';
import { checkScenario } from '../verdict.ts';
import type { WorldView } from './checker.ts';
import { EpochChecker } from './epochs.ts';

/** A replica as far as the rules read it. */
function replica(fields: Partial<Replica>): Replica {
  return {
    id: 0,
    epoch: 0,
    status: 'normal',
    members: [0, 1, 2],
    commitNumber: 0,
    hasState: () => true,
    isMember: () => true,
    ...fields,
  } as unknown as Replica;
}

let index = 0;
function step(checker: EpochChecker, r: Replica, notes: Note[] | null, sent = 0) {
  const world = {
    now: index,
    replicas: [r],
    stepFirstSent: 10,
    nextMessageId: 10 + sent,
    noteCodesOf: (event: TraceEvent) => (event.notes ?? []).map(noteCode),
  } as unknown as WorldView;
  const event = {
    index: index++,
    time: 0,
    firstSent: 10,
    sentCount: sent,
    notes,
    kind: 'timer',
    node: r.id,
    timer: 'heartbeat',
  } as TraceEvent;
  return checker.afterEvent(world, event);
}

const entry = (op: string): LogEntry => ({ op, client: 'c0', request: 1, view: 0 });
const executed = (opNumber: number, op: string, result: string): Note => ({
  kind: 'executed',
  opNumber,
  entry: entry(op),
  result,
  digest: 0,
});

describe('epoch checker (§7)', () => {
  it('retired-silent: a replica that retired and then sends is caught', () => {
    // Replica 0 retired before these events.
    const checker = new EpochChecker(new Map(), new Map(), [0], [true]);
    expect(step(checker, replica({ status: 'retired' }), null, 0)).toBeNull();
    expect(step(checker, replica({ status: 'retired' }), null, 1)?.checker).toBe('retired-silent');
  });

  it('one-epoch-serves: an op executed in epoch 0 after the reconfiguration that ended it is caught', () => {
    const checker = new EpochChecker();
    expect(
      step(checker, replica({}), [executed(5, 'reconfigure 0 1 2', 'epoch 1: replicas 0 1 2')]),
    ).toBeNull();
    expect(step(checker, replica({}), [executed(6, 'put x 1', 'ok')])?.checker).toBe('one-epoch-serves');
  });

  it('epoch-state: entering an epoch whose reconfiguration never committed is caught', () => {
    const checker = new EpochChecker();
    expect(step(checker, replica({ epoch: 1 }), null)?.checker).toBe('epoch-state');
  });

  it('retire-after-handover: shutting down before f+1 members entered the epoch is caught', () => {
    const checker = new EpochChecker();
    expect(
      step(checker, replica({}), [executed(5, 'reconfigure 1 2 3', 'epoch 1: replicas 1 2 3')]),
    ).toBeNull();
    const leaving = replica({
      epoch: 1,
      status: 'retired',
      members: [1, 2, 3],
      isMember: () => false,
      hasState: () => false,
    });
    expect(step(checker, leaving, null)?.checker).toBe('retire-after-handover');
  });

  it('each §7 mutation scenario trips its rule with every checker on, and passes with the protocol intact', () => {
    for (const m of ['start-epoch-before-commit', 'retire-at-once', 'serve-before-transfer'] as const) {
      const def = mutationScenarios[m];
      expect(checkScenario(def.scenario).violations[0]?.checker).toBe(def.checker);
      expect(checkScenario({ ...def.scenario, mutation: 'none' }).violations).toEqual([]);
    }
  });
});
