import { ILLEGAL_STEP } from './model.ts';
import type { Model, Operation, StepResult } from './model.ts';

// ---------------------------------------------------------------------------------------------
// Key-value store: per key a string, initially "".

export type KvOp = 'get' | 'put' | 'append';

export interface KvInput {
  readonly op: KvOp;
  readonly key: string;
  /** The string written by put/append; null for get. */
  readonly value: string | null;
}

/** What a get returned (put/append results are ignored); null when the outcome is unknown. */
export type KvOutput = string | null;

export const kvModel: Model<string, KvInput, KvOutput> = {
  partition: (ops) => partitionBy(ops, (op) => op.input.key),
  init: () => '',
  step: stepKv,
  equal: (a, b) => a === b,
  hash: (state) => state,
  describe: describeKv,
};

function stepKv(state: string, input: KvInput, output: KvOutput): StepResult<string> {
  switch (input.op) {
    case 'get':
      return output === null || output === state ? { ok: true, state } : ILLEGAL_STEP;
    case 'put':
      return { ok: true, state: input.value ?? '' };
    case 'append':
      return { ok: true, state: state + (input.value ?? '') };
  }
}

function describeKv(input: KvInput, output: KvOutput): string {
  const call =
    input.op === 'get'
      ? `get(${quote(input.key)})`
      : `${input.op}(${quote(input.key)}, ${quote(input.value ?? '')})`;
  if (output === null) return `${call} → ?`;
  return input.op === 'get' ? `${call} → ${quote(output)}` : call;
}

// ---------------------------------------------------------------------------------------------
// Compare-and-set register (the etcd Jepsen test): starts empty (null).

export type RegisterValue = number | null;

export type RegisterInput =
  | { readonly op: 'read' }
  | { readonly op: 'write'; readonly value: number }
  | { readonly op: 'cas'; readonly from: number; readonly to: number };

/**
 * A read's output is the value read; a write answers 'ok'; a cas answers 'ok' or 'fail'.
 * 'unknown' when no answer came back (null is a legitimate read result, so it cannot mean that).
 */
export type RegisterOutput = RegisterValue | 'ok' | 'fail' | 'unknown';

export const casRegisterModel: Model<RegisterValue, RegisterInput, RegisterOutput> = {
  init: () => null,
  step: stepRegister,
  equal: (a, b) => a === b,
  hash: (state) => (state === null ? 'nil' : state),
  describe: describeRegister,
};

function stepRegister(
  state: RegisterValue,
  input: RegisterInput,
  output: RegisterOutput,
): StepResult<RegisterValue> {
  const unknown = output === 'unknown';
  switch (input.op) {
    case 'read':
      return unknown || output === state ? { ok: true, state } : ILLEGAL_STEP;
    case 'write':
      return { ok: true, state: input.value };
    case 'cas': {
      const applies = state === input.from;
      if (!unknown && (output === 'ok') !== applies) return ILLEGAL_STEP;
      return { ok: true, state: applies ? input.to : state };
    }
  }
}

function describeRegister(input: RegisterInput, output: RegisterOutput): string {
  const result = output === 'unknown' ? '?' : String(output ?? 'nil');
  switch (input.op) {
    case 'read':
      return `read() → ${result}`;
    case 'write':
      return `write(${input.value})${output === 'unknown' ? ' → ?' : ''}`;
    case 'cas':
      return `cas(${input.from}, ${input.to}) → ${result}`;
  }
}

// ---------------------------------------------------------------------------------------------

/** Group operation indices by a key, groups in sorted key order so results are reproducible. */
export function partitionBy<Input, Output>(
  ops: readonly Operation<Input, Output>[],
  keyOf: (op: Operation<Input, Output>) => string,
): number[][] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < ops.length; i++) {
    const key = keyOf(ops[i]);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((key) => groups.get(key)!);
}

function quote(text: string): string {
  return JSON.stringify(text);
}
