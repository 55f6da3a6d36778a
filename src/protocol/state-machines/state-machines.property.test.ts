/**
 * Model-based tests: the state machines and a replica's client table against references far simpler
 * than they are (a Map, an array). fast-check generates command sequences and shrinks a failure to
 * the shortest one.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../output.ts';
import { Replica } from '../replica.ts';
import type { StateMachine } from '../state-machine.ts';
import { defaultTiming } from '../timing.ts';
import { AppendLog } from './append-log.ts';
import { KeyValueStore } from './kv.ts';

const key = fc.constantFrom('a', 'b', 'c');
const value = fc.stringMatching(/^[a-z0-9]{1,4}$/);

const kvOp = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => `put ${k} ${v}`),
  fc.tuple(key, value).map(([k, v]) => `append ${k} ${v}`),
  key.map((k) => `get ${k}`),
);

const logOp = fc.oneof(
  value.map((v) => `append ${v}`),
  fc.integer({ min: 0, max: 12 }).map((i) => `read ${i}`),
  fc.constant('len'),
);

/** What each op returns in the reference, and its state after. */
function kvReference(ops: readonly string[]): { results: string[]; state: Record<string, string> } {
  const map = new Map<string, string>();
  const results = ops.map((op) => {
    const [verb, k, v] = op.split(' ');
    if (verb === 'get') return map.get(k) ?? '';
    map.set(k, verb === 'put' ? v : (map.get(k) ?? '') + v);
    return 'ok';
  });
  return { results, state: Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

function logReference(ops: readonly string[]): { results: string[]; state: string[] } {
  const entries: string[] = [];
  const results = ops.map((op) => {
    const [verb, arg] = op.split(' ');
    if (verb === 'len') return String(entries.length);
    if (verb === 'read') return entries[Number(arg) - 1] ?? '';
    entries.push(arg);
    return String(entries.length);
  });
  return { results, state: entries };
}

function applyAll(machine: StateMachine, ops: readonly string[]): string[] {
  return ops.map((op, i) => machine.apply(op, i + 1));
}

describe('state machines against a reference', () => {
  it('the key-value store answers and ends as a Map would', () => {
    fc.assert(
      fc.property(fc.array(kvOp, { maxLength: 60 }), (ops) => {
        const store = new KeyValueStore();
        const expected = kvReference(ops);
        expect(applyAll(store, ops)).toEqual(expected.results);
        expect(store.contents()).toEqual(expected.state);
      }),
    );
  });

  it('the append-only log answers and ends as an array would', () => {
    fc.assert(
      fc.property(fc.array(logOp, { maxLength: 60 }), (ops) => {
        const log = new AppendLog();
        const expected = logReference(ops);
        expect(applyAll(log, ops)).toEqual(expected.results);
        expect(log.contents()).toEqual(expected.state);
      }),
    );
  });

  it('a delta since commit k brings a copy taken at k to the same state and digest', () => {
    const machines = [
      { make: () => new KeyValueStore() as StateMachine, op: kvOp },
      { make: () => new AppendLog() as StateMachine, op: logOp },
    ];
    for (const { make, op } of machines)
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), fc.nat(), (ops, cut) => {
          const k = ops.length === 0 ? 0 : cut % (ops.length + 1);
          const full = make();
          applyAll(full, ops);
          const behind = make();
          ops.slice(0, k).forEach((o, i) => behind.apply(o, i + 1));
          const delta = full.delta(k);
          expect(behind.deltaProblem(delta)).toBeNull();
          behind.applyDelta(delta, ops.length);
          expect(behind.contents()).toEqual(full.contents());
          expect(behind.digest()).toBe(full.digest());
        }),
      );
  });
});

describe("a replica's client table against a reference", () => {
  /** A client sends request n (new, the latest again, or an older one) to a one-replica cluster. */
  const command = fc.record({
    client: fc.constantFrom('c0', 'c1'),
    kind: fc.constantFrom('next', 'again', 'older'),
    op: kvOp,
  });

  it('executes each new request once, answers the latest again from its cache, and drops older ones', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        // With one replica the primary commits alone: every request is executed as it arrives.
        const replica = Replica.start(
          { id: 0, replicaCount: 1, stateMachine: 'kv', timing: defaultTiming, mutation: 'none' },
          0,
        );
        const latest = new Map<string, { request: number; op: string; result: string }>();
        const executed: string[] = [];
        let now = 0;
        for (const { client, kind, op } of commands) {
          const last = latest.get(client);
          const request =
            kind === 'next' || last === undefined
              ? (last?.request ?? 0) + 1
              : kind === 'again'
                ? last.request
                : last.request - 1;
          if (request < 1) continue;
          const sentOp = kind === 'next' || last === undefined ? op : last.op;
          const out = new Outbox();
          replica.onMessage(client, { type: 'request', client, request, op: sentOp }, (now += 10), out);
          const replies = out.sends.filter((s) => s.message.type === 'reply');
          if (last === undefined || request > last.request) {
            executed.push(sentOp);
            const result = kvReference(executed).results.at(-1)!;
            latest.set(client, { request, op: sentOp, result });
            expect(replies.map((s) => s.message)).toEqual([expect.objectContaining({ request, result })]);
          } else if (request === last.request) {
            expect(replies.map((s) => s.message)).toEqual([
              expect.objectContaining({ request, result: last.result }),
            ]);
          } else expect(replies).toEqual([]);
        }
        expect(replica.commitNumber).toBe(executed.length);
        for (const [client, row] of latest)
          expect(replica.clientTable.get(client)).toMatchObject({ request: row.request, result: row.result });
      }),
    );
  });
});

/**
 * The same machines driven by fast-check's commands: ops applied on a leader, a follower that lags
 * and catches up by delta, and a clone taken at any moment (a checkpoint) that must not move when
 * the original does. The model is a plain list of the ops applied, replayed by the references.
 */
describe('state machines as a leader, a lagging follower and checkpoints (commands)', () => {
  interface Model {
    ops: string[];
    followerAt: number;
    checkpoint: { at: number } | null;
  }
  interface Real {
    leader: StateMachine;
    follower: StateMachine;
    checkpoint: StateMachine | null;
  }

  function machineCommands(
    reference: (ops: readonly string[]) => { results: string[]; state: unknown },
    ops: fc.Arbitrary<string>,
  ) {
    class Apply implements fc.Command<Model, Real> {
      constructor(readonly op: string) {}
      check = () => true;
      run(model: Model, real: Real): void {
        model.ops.push(this.op);
        const result = real.leader.apply(this.op, model.ops.length);
        expect(result).toBe(reference(model.ops).results.at(-1));
        expect(real.leader.contents()).toEqual(reference(model.ops).state);
      }
      toString = () => `apply(${this.op})`;
    }
    class CatchUp implements fc.Command<Model, Real> {
      check = (model: Readonly<Model>) => model.followerAt < model.ops.length;
      run(model: Model, real: Real): void {
        const delta = real.leader.delta(model.followerAt);
        expect(real.follower.deltaProblem(delta)).toBeNull();
        real.follower.applyDelta(delta, model.ops.length);
        model.followerAt = model.ops.length;
        expect(real.follower.contents()).toEqual(real.leader.contents());
        expect(real.follower.digest()).toBe(real.leader.digest());
      }
      toString = () => 'catchUp';
    }
    class Checkpoint implements fc.Command<Model, Real> {
      check = () => true;
      run(model: Model, real: Real): void {
        real.checkpoint = real.leader.clone();
        model.checkpoint = { at: model.ops.length };
      }
      toString = () => 'checkpoint';
    }
    class CheckpointUnchanged implements fc.Command<Model, Real> {
      check = (model: Readonly<Model>) => model.checkpoint !== null;
      run(model: Model, real: Real): void {
        const at = model.checkpoint!.at;
        expect(real.checkpoint!.contents()).toEqual(reference(model.ops.slice(0, at)).state);
      }
      toString = () => 'checkpointUnchanged';
    }
    return [
      ops.map((o) => new Apply(o)),
      fc.constant(new CatchUp()),
      fc.constant(new Checkpoint()),
      fc.constant(new CheckpointUnchanged()),
    ];
  }

  const cases = [
    { name: 'the key-value store', make: () => new KeyValueStore(), reference: kvReference, op: kvOp },
    { name: 'the append-only log', make: () => new AppendLog(), reference: logReference, op: logOp },
  ];
  for (const { name, make, reference, op } of cases)
    it(`${name} keeps its follower and its checkpoints exact`, () => {
      fc.assert(
        fc.property(fc.commands(machineCommands(reference, op), { maxCommands: 60 }), (commands) => {
          const model: Model = { ops: [], followerAt: 0, checkpoint: null };
          const real: Real = { leader: make(), follower: make(), checkpoint: null };
          fc.modelRun(() => ({ model, real }), commands);
        }),
        { numRuns: 200 },
      );
    });
});
