import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceLinearizable } from './brute.ts';
import { checkOperations, InvalidOperationError } from './check.ts';
import type { CheckResult } from './check.ts';
import type { Model, Operation } from './model.ts';
import { casRegisterModel, kvModel } from './models.ts';
import type { KvInput, KvOutput, RegisterInput, RegisterOutput, RegisterValue } from './models.ts';

type KvOperation = Operation<KvInput, KvOutput>;
type RegisterOperation = Operation<RegisterInput, RegisterOutput>;

// ---------------------------------------------------------------------------------------------
// Builders. `ret` defaults to Infinity: no reply, unknown outcome.

const get = (
  client: number,
  key: string,
  seen: string | null,
  call: number,
  ret = Infinity,
): KvOperation => ({
  client,
  input: { op: 'get', key, value: null },
  output: ret === Infinity ? null : seen,
  call,
  return: ret,
});
const put = (client: number, key: string, value: string, call: number, ret = Infinity): KvOperation => ({
  client,
  input: { op: 'put', key, value },
  output: ret === Infinity ? null : '',
  call,
  return: ret,
});
const append = (client: number, key: string, value: string, call: number, ret = Infinity): KvOperation => ({
  ...put(client, key, value, call, ret),
  input: { op: 'append', key, value },
});

const read = (client: number, seen: RegisterValue, call: number, ret = Infinity): RegisterOperation => ({
  client,
  input: { op: 'read' },
  output: ret === Infinity ? 'unknown' : seen,
  call,
  return: ret,
});
const write = (client: number, value: number, call: number, ret = Infinity): RegisterOperation => ({
  client,
  input: { op: 'write', value },
  output: ret === Infinity ? 'unknown' : 'ok',
  call,
  return: ret,
});
const cas = (
  client: number,
  from: number,
  to: number,
  result: 'ok' | 'fail',
  call: number,
  ret = Infinity,
): RegisterOperation => ({
  client,
  input: { op: 'cas', from, to },
  output: ret === Infinity ? 'unknown' : result,
  call,
  return: ret,
});

/** The whole store as one state, without partitioning: an independent oracle for kvModel. */
type Store = ReadonlyMap<string, string>;
const storeModel: Model<Store, KvInput, KvOutput> = {
  init: () => new Map(),
  step: (state, input, output) => {
    const current = state.get(input.key) ?? '';
    if (input.op === 'get')
      return output === null || output === current ? { ok: true, state } : { ok: false };
    const next = input.op === 'put' ? (input.value ?? '') : current + (input.value ?? '');
    return { ok: true, state: new Map(state).set(input.key, next) };
  },
  equal: (a, b) => storeKey(a) === storeKey(b),
  hash: (state) => storeKey(state),
  describe: (input, output) => kvModel.describe(input, output),
};

/** kvModel over plain strings: the reference for its chains of appended chunks. */
const plainKvModel: Model<string, KvInput, KvOutput> = {
  partition: (ops) => kvModel.partition!(ops),
  init: () => '',
  step: (state, input, output) => {
    if (input.op === 'get') return output === null || output === state ? { ok: true, state } : { ok: false };
    return { ok: true, state: input.op === 'put' ? (input.value ?? '') : state + (input.value ?? '') };
  },
  equal: (a, b) => a === b,
  hash: (state) => state,
  describe: (input, output) => kvModel.describe(input, output),
};

function storeKey(state: Store): string {
  return JSON.stringify([...state].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** What a UI would rely on in a report: a legal prefix, in real-time order, and a blocked op among the rest. */
function expectSoundReport<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  result: CheckResult,
): void {
  const illegal = result.illegal!;
  expect(illegal).toBeDefined();
  const partition = model.partition ? model.partition(ops)[illegal.partition] : ops.map((_, i) => i);
  expect(illegal.operations).toContain(illegal.blocked);
  for (const index of [...illegal.operations, ...illegal.longestPrefix]) expect(partition).toContain(index);
  expect(illegal.operations.filter((index) => illegal.longestPrefix.includes(index))).toEqual([]);
  let state = model.init();
  illegal.longestPrefix.forEach((index, position) => {
    const step = model.step(state, ops[index].input, ops[index].output);
    expect(step.ok).toBe(true);
    if (step.ok) state = step.state;
    for (const later of illegal.longestPrefix.slice(position + 1)) {
      expect(ops[later].return < ops[index].call).toBe(false);
    }
  });
}

// ---------------------------------------------------------------------------------------------

describe('checkOperations with the key-value model', () => {
  it('accepts a read of a concurrent write, before or after it takes effect', () => {
    const ops = [put(0, 'x', 'a', 0, 10), get(1, 'x', 'a', 2, 4), get(2, 'x', '', 1, 3)];
    expect(checkOperations(kvModel, ops)).toEqual({ linearizable: true, partitions: 1 });
  });

  it('rejects a stale read and reports the read as the operation that cannot be ordered', () => {
    const ops = [put(0, 'x', 'a', 0, 1), get(1, 'x', '', 2, 3)];
    const result = checkOperations(kvModel, ops);
    expect(result.linearizable).toBe(false);
    expect(result.illegal).toEqual({ partition: 0, operations: [1], blocked: 1, longestPrefix: [0] });
  });

  it('reports the failing key by partition index and operations by index into the input', () => {
    const ops = [
      put(0, 'b', 'new', 0, 1),
      put(1, 'a', '1', 0, 1),
      get(0, 'b', 'old', 2, 3),
      get(1, 'a', '1', 2, 3),
    ];
    const result = checkOperations(kvModel, ops);
    expect(result.partitions).toBe(2);
    expect(result.illegal).toEqual({ partition: 1, operations: [2], blocked: 2, longestPrefix: [0] });
  });

  it('rejects two readers that saw concurrent appends in different orders', () => {
    const ops = [
      append(0, 'k', 'x', 0, 10),
      append(1, 'k', 'y', 0, 10),
      get(2, 'k', 'xy', 11, 12),
      get(3, 'k', 'yx', 13, 14),
    ];
    const result = checkOperations(kvModel, ops);
    expect(result.linearizable).toBe(false);
    expect(result.illegal?.blocked).toBe(3);
    expect(result.illegal?.longestPrefix).toEqual([0, 1, 2]);
    expectSoundReport(kvModel, ops, result);
  });

  it('lists every candidate for the next place when none of them fits', () => {
    const ops = [put(0, 'k', 'a', 0, 1), get(1, 'k', 'x', 2, 5), get(2, 'k', 'y', 2, 6)];
    const result = checkOperations(kvModel, ops);
    expect(result.illegal).toEqual({ partition: 0, operations: [1, 2], blocked: 1, longestPrefix: [0] });
  });

  it('treats intervals that touch as concurrent (calls sort before returns at equal times)', () => {
    expect(checkOperations(kvModel, [put(0, 'k', 'a', 0, 5), get(1, 'k', '', 5, 6)]).linearizable).toBe(true);
    expect(checkOperations(kvModel, [put(0, 'k', 'a', 0, 5), get(1, 'k', '', 6, 7)]).linearizable).toBe(
      false,
    );
  });

  it('accepts the empty history', () => {
    expect(checkOperations(kvModel, [])).toEqual({ linearizable: true, partitions: 0 });
  });
});

describe('checkOperations with the compare-and-set register', () => {
  it('accepts reads, writes and compare-and-sets that can be ordered', () => {
    const ops = [
      write(0, 1, 0, 2),
      read(1, null, 1, 3), // before the write takes effect
      cas(2, 1, 2, 'ok', 4, 6),
      cas(3, 1, 3, 'fail', 5, 8), // after the successful cas
      read(0, 2, 9, 10),
    ];
    expect(checkOperations(casRegisterModel, ops)).toEqual({ linearizable: true, partitions: 1 });
  });

  it('rejects a failed compare-and-set whose expected value was certainly there', () => {
    const ops = [write(0, 1, 0, 1), cas(1, 1, 2, 'fail', 2, 3)];
    const result = checkOperations(casRegisterModel, ops);
    expect(result.illegal).toEqual({ partition: 0, operations: [1], blocked: 1, longestPrefix: [0] });
  });

  it('rejects a read of a value that was overwritten before the read began', () => {
    const ops = [write(0, 1, 0, 1), write(1, 2, 2, 3), read(2, 1, 4, 5)];
    const result = checkOperations(casRegisterModel, ops);
    expect(result.linearizable).toBe(false);
    expect(result.illegal?.blocked).toBe(2);
    expectSoundReport(casRegisterModel, ops, result);
  });
});

describe('operations of unknown outcome', () => {
  it('may take effect at any time after their call', () => {
    expect(checkOperations(kvModel, [put(0, 'k', 'a', 0), get(1, 'k', 'a', 50, 51)]).linearizable).toBe(true);
    expect(checkOperations(casRegisterModel, [write(0, 7, 0), read(1, 7, 50, 51)]).linearizable).toBe(true);
  });

  it('may never take effect', () => {
    expect(checkOperations(kvModel, [put(0, 'k', 'a', 0), get(1, 'k', '', 50, 51)]).linearizable).toBe(true);
    const ops = [write(0, 1, 0, 1), cas(1, 1, 9, 'ok', 2), read(2, 1, 50, 51)];
    expect(checkOperations(casRegisterModel, ops).linearizable).toBe(true);
  });

  it('cannot take effect before their call', () => {
    const result = checkOperations(kvModel, [get(1, 'k', 'a', 0, 1), put(0, 'k', 'a', 2)]);
    expect(result.linearizable).toBe(false);
    expect(result.illegal?.blocked).toBe(0);
  });

  it('cannot take effect and then be undone', () => {
    const ops = [write(0, 5, 0), read(1, 5, 1, 2), read(2, null, 3, 4)];
    const result = checkOperations(casRegisterModel, ops);
    expect(result.linearizable).toBe(false);
    expect(result.illegal?.blocked).toBe(2);
  });

  it('leave later operations free to be ordered around them', () => {
    const ops = [
      append(0, 'k', 'x', 0),
      append(1, 'k', 'y', 1, 2),
      get(2, 'k', 'yx', 3, 4),
      get(3, 'k', 'yx', 5, 6),
    ];
    expect(checkOperations(kvModel, ops).linearizable).toBe(true);
  });
});

describe('checkOperations options and validation', () => {
  /** Ten concurrent appends then a read no order explains: 10! states to rule out. */
  function hardIllegalKey(key: string): KvOperation[] {
    const appends = Array.from({ length: 10 }, (_, i) => append(i, key, String.fromCharCode(97 + i), 0, 100));
    return [...appends, get(10, key, 'impossible', 101, 102)];
  }

  it('gives up with "unknown" once the injected clock passes the timeout', () => {
    let clock = 0;
    const now = () => (clock += 1000);
    const result = checkOperations(kvModel, hardIllegalKey('k'), { timeoutMs: 10, now });
    expect(result).toEqual({ linearizable: 'unknown', partitions: 1 });
  });

  it('still reports an illegal partition when another one times out', () => {
    let clock = 0;
    const now = () => (clock += 1000);
    const ops = [...hardIllegalKey('a'), put(0, 'b', 'v', 200, 201), get(1, 'b', 'w', 202, 203)];
    const result = checkOperations(kvModel, ops, { timeoutMs: 10, now });
    expect(result.linearizable).toBe(false);
    expect(result.illegal).toMatchObject({ partition: 1, blocked: 12 });
  });

  it('finds an illegal partition without finishing a hard one first', () => {
    const ops = [...hardIllegalKey('a'), put(0, 'b', 'v', 200, 201), get(1, 'b', 'w', 202, 203)];
    expect(checkOperations(kvModel, ops).illegal?.partition).toBe(1);
  });

  it('refuses operations that return before they are called', () => {
    expect(() => checkOperations(kvModel, [put(0, 'k', 'a', 5, 4)])).toThrow(
      new InvalidOperationError(0, 'return 4 precedes call 5'),
    );
    expect(() => checkOperations(kvModel, [put(0, 'k', 'a', Number.NaN, 4)])).toThrow(InvalidOperationError);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests against the brute-force checker.

type Fate = 'done' | 'unknown' | 'never';
const fates: Fate[] = ['done', 'done', 'done', 'unknown', 'never'];

interface Planned<Input> {
  readonly input: Input;
  readonly client: number;
  readonly fate: Fate;
  readonly callSlack: number;
  readonly returnSlack: number;
}

function plannedOps<Input>(
  input: fc.Arbitrary<Input>,
  { minLength = 0, maxLength = 7, fate = fc.constantFrom(...fates) } = {},
): fc.Arbitrary<Planned<Input>[]> {
  const planned = fc.record({
    input,
    client: fc.nat(3),
    fate,
    callSlack: fc.nat(25),
    returnSlack: fc.nat(25),
  });
  return fc.array(planned, { minLength, maxLength });
}

/**
 * Run the ops one after another (op i takes effect at time 10i + 10) and stretch each into an
 * interval around that instant: the result is linearizable by construction. Ops fated 'never'
 * have no reply and do not take effect.
 */
function stretch<State, Input, Output>(
  model: Model<State, Input, Output>,
  plan: readonly Planned<Input>[],
  outputOf: (before: State, input: Input) => Output,
  unknown: Output,
): Operation<Input, Output>[] {
  let state = model.init();
  return plan.map(({ input, client, fate, callSlack, returnSlack }, i) => {
    const at = 10 * i + 10;
    const output = outputOf(state, input);
    if (fate !== 'never') {
      const result = model.step(state, input, output);
      if (!result.ok) throw new Error('the sequential run disagrees with the model');
      state = result.state;
    }
    const known = fate === 'done';
    return {
      client,
      input,
      output: known ? output : unknown,
      call: at - callSlack,
      return: known ? at + returnSlack : Infinity,
    };
  });
}

const kvInput: fc.Arbitrary<KvInput> = fc
  .record({
    op: fc.constantFrom('get', 'put', 'append', 'append'),
    key: fc.constantFrom('a', 'b'),
    value: fc.constantFrom('x', 'y'),
  })
  .map((input) => (input.op === 'get' ? { ...input, value: null } : input));

const registerInput: fc.Arbitrary<RegisterInput> = fc.oneof(
  fc.constant<RegisterInput>({ op: 'read' }),
  fc.integer({ min: 0, max: 2 }).map((value): RegisterInput => ({ op: 'write', value })),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
    .map(([from, to]): RegisterInput => ({ op: 'cas', from, to })),
);

const kvOutputOf = (store: Store, input: KvInput): KvOutput =>
  input.op === 'get' ? (store.get(input.key) ?? '') : '';
const registerOutputOf = (state: RegisterValue, input: RegisterInput): RegisterOutput => {
  if (input.op === 'read') return state;
  if (input.op === 'write') return 'ok';
  return state === input.from ? 'ok' : 'fail';
};

const legalKv = plannedOps(kvInput).map((plan) => stretch(storeModel, plan, kvOutputOf, null));
const legalRegister = plannedOps(registerInput).map((plan) =>
  stretch(casRegisterModel, plan, registerOutputOf, 'unknown'),
);

/**
 * Damage one or two operations: change an output, turn the op into a read that saw something,
 * move its interval, or flip whether it was answered.
 */
function corrupt<Input, Output>(
  legal: fc.Arbitrary<Operation<Input, Output>[]>,
  outputs: readonly Output[],
  readInput: (op: Operation<Input, Output>) => Input,
): fc.Arbitrary<Operation<Input, Output>[]> {
  const damage = fc.record({
    victim: fc.nat(6),
    kind: fc.constantFrom('output', 'read', 'read', 'interval', 'answer'),
    output: fc.constantFrom(...outputs),
    call: fc.nat(80),
    length: fc.nat(20),
  });
  return fc
    .tuple(
      legal.filter((ops) => ops.length > 0),
      fc.array(damage, { minLength: 1, maxLength: 2 }),
    )
    .map(([legalOps, damages]) => {
      const ops = [...legalOps];
      for (const { victim, kind, output, call, length } of damages) {
        const i = victim % ops.length;
        const op = ops[i];
        const answered = op.return !== Infinity;
        if (kind === 'output') ops[i] = { ...op, output };
        if (kind === 'read') ops[i] = { ...op, input: readInput(op), output };
        if (kind === 'interval') ops[i] = { ...op, call, return: answered ? call + length : Infinity };
        if (kind === 'answer') ops[i] = { ...op, output, return: answered ? Infinity : op.call + length };
      }
      return ops;
    });
}

const corruptKv = corrupt<KvInput, KvOutput>(legalKv, ['', 'x', 'y', 'xy', 'yx', 'xx', null], (op) => ({
  op: 'get',
  key: op.input.key,
  value: null,
}));
const corruptRegister = corrupt<RegisterInput, RegisterOutput>(
  legalRegister,
  [null, 0, 1, 2, 'ok', 'fail', 'unknown'],
  () => ({ op: 'read' }),
);

function agreesWithBruteForce<State, OracleState, Input, Output>(
  model: Model<State, Input, Output>,
  oracle: Model<OracleState, Input, Output>,
  ops: Operation<Input, Output>[],
): void {
  const result = checkOperations(model, ops);
  expect(result.linearizable).toBe(bruteForceLinearizable(oracle, ops));
  if (result.linearizable === false) expectSoundReport(model, ops, result);
}

describe('checkOperations against brute force on small random histories', () => {
  const runs = { numRuns: 400 };

  it('accepts every stretched sequential key-value run', () => {
    fc.assert(
      fc.property(legalKv, (ops) => {
        expect(bruteForceLinearizable(storeModel, ops)).toBe(true);
        expect(checkOperations(kvModel, ops).linearizable).toBe(true);
      }),
      runs,
    );
  });

  it('accepts every stretched sequential register run', () => {
    fc.assert(
      fc.property(legalRegister, (ops) => {
        expect(bruteForceLinearizable(casRegisterModel, ops)).toBe(true);
        expect(checkOperations(casRegisterModel, ops).linearizable).toBe(true);
      }),
      runs,
    );
  });

  it('agrees on corrupted key-value histories (the oracle does not partition by key)', () => {
    fc.assert(
      fc.property(corruptKv, (ops) => agreesWithBruteForce(kvModel, storeModel, ops)),
      runs,
    );
  });

  it('agrees on corrupted register histories', () => {
    fc.assert(
      fc.property(corruptRegister, (ops) => agreesWithBruteForce(casRegisterModel, casRegisterModel, ops)),
      runs,
    );
  });

  it('gives the same results with kvModel as with plain strings, on longer histories', () => {
    const input: fc.Arbitrary<KvInput> = fc
      .record({
        op: fc.constantFrom<KvInput['op']>('get', 'get', 'append', 'append', 'put'),
        key: fc.constant('k'),
        value: fc.constantFrom('x', 'y', 'xy'),
      })
      .map((kv) => (kv.op === 'get' ? { ...kv, value: null } : kv));
    // Few ops without a reply: each may take effect anywhere after its call, and a few dozen of
    // them make the search exponential.
    const fate = fc.constantFrom<Fate>(...Array<Fate>(12).fill('done'), 'unknown', 'never');
    const legal = plannedOps(input, { minLength: 20, maxLength: 40, fate }).map((plan) =>
      stretch(storeModel, plan, kvOutputOf, null),
    );
    // Make one op a read of what another read saw: plausible, and often out of order.
    const damaged = fc.tuple(legal, fc.nat(), fc.nat(), fc.nat(3)).map(([ops, a, b, damage]) => {
      const reads = ops.filter((op) => op.input.op === 'get' && op.output !== null);
      if (damage === 0 || reads.length === 0) return ops;
      const victim = a % ops.length;
      const seen = reads[b % reads.length].output;
      return ops.map((op, i) =>
        i === victim ? { ...op, input: { ...op.input, op: 'get' as const, value: null }, output: seen } : op,
      );
    });
    fc.assert(
      fc.property(damaged, (ops) => {
        expect(checkOperations(kvModel, ops)).toEqual(checkOperations(plainKvModel, ops));
      }),
      { numRuns: 200 },
    );
  });

  it('draws corrupted histories of both verdicts', () => {
    const legalShare = <State, Input, Output>(
      oracle: Model<State, Input, Output>,
      sample: Operation<Input, Output>[][],
    ) => sample.filter((ops) => bruteForceLinearizable(oracle, ops)).length / sample.length;
    for (const share of [
      legalShare(storeModel, fc.sample(corruptKv, { numRuns: 300, seed: 1 })),
      legalShare(casRegisterModel, fc.sample(corruptRegister, { numRuns: 300, seed: 1 })),
    ]) {
      expect(share).toBeGreaterThan(0.1);
      expect(share).toBeLessThan(0.9);
    }
  });
});

// ---------------------------------------------------------------------------------------------
