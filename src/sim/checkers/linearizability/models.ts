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

/**
 * A key's value as the chain of strings appended since the last put, with its length and a hash.
 * Nothing is concatenated: a search creates a state per order of appends it tries, and copying
 * every long value would dominate the check. The hash (FNV-1a) is resumable: hash(a + b)
 * continues hash(a) over b, so it costs only the appended part.
 */
export interface KvState {
  /** The value before the last append; null after a put (or initially). */
  readonly prefix: KvState | null;
  /** The last string appended, or the whole value put. */
  readonly chunk: string;
  readonly length: number;
  readonly hash: number;
  /** A cache: a string known to equal the whole value (a read that matched it), or null. */
  verified: string | null;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const EMPTY_KV: KvState = { prefix: null, chunk: '', length: 0, hash: FNV_OFFSET, verified: '' };

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  partition: (ops) => partitionBy(ops, (op) => op.input.key),
  init: () => EMPTY_KV,
  step: stepKv,
  equal: sameKvText,
  hash: (state) => state.hash,
  describe: describeKv,
};

/** The value as one string. */
export function kvText(state: KvState): string {
  const chunks: string[] = [];
  for (let at: KvState | null = state; at !== null; at = at.prefix) chunks.push(at.chunk);
  return chunks.toReversed().join('');
}

function stepKv(state: KvState, input: KvInput, output: KvOutput): StepResult<KvState> {
  switch (input.op) {
    case 'get':
      return output === null || hasText(state, output) ? { ok: true, state } : ILLEGAL_STEP;
    case 'put': {
      const value = input.value ?? '';
      const hash = fnvContinue(FNV_OFFSET, value);
      return { ok: true, state: { prefix: null, chunk: value, length: value.length, hash, verified: value } };
    }
    case 'append': {
      const value = input.value ?? '';
      const length = state.length + value.length;
      return {
        ok: true,
        state: { prefix: state, chunk: value, length, hash: fnvContinue(state.hash, value), verified: null },
      };
    }
  }
}

/** Walks both chains while their chunks line up (they usually do), down to a shared prefix. */
function sameKvText(a: KvState, b: KvState): boolean {
  if (a.length !== b.length || a.hash !== b.hash) return false;
  if (a.verified !== null && b.verified !== null) return a.verified === b.verified;
  for (let x: KvState | null = a, y: KvState | null = b; x !== y; x = x.prefix, y = y.prefix) {
    if (x === null || y === null || x.chunk.length !== y.chunk.length) return kvText(a) === kvText(b);
    if (x.chunk !== y.chunk) return false;
  }
  return true;
}

/**
 * Compares from the end, chunk by chunk (a wrong read usually differs in its last append), down
 * to a prefix already matched by some read, which one native comparison settles. A match is
 * remembered, so the appends after it never need walking again.
 */
function hasText(state: KvState, text: string): boolean {
  if (state.length !== text.length) return false;
  let end = text.length;
  for (let at: KvState | null = state; at !== null; at = at.prefix) {
    const known = at.verified;
    if (known !== null) {
      if (known !== text && !text.startsWith(known)) return false; // known.length === end
      break;
    }
    end -= at.chunk.length;
    if (!text.startsWith(at.chunk, end)) return false;
  }
  state.verified = text;
  return true;
}

/** FNV-1a over UTF-16 code units. */
function fnvContinue(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
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
// Append-only log (the `log` state machine): append V answers the new length, read I the entry at
// position I ("" beyond the end), len the length.

export type LogInput =
  | { readonly op: 'append'; readonly value: string }
  | { readonly op: 'read'; readonly position: number }
  | { readonly op: 'len' };

/** The reply's text; null when the outcome is unknown. */
export type LogOutput = string | null;

/** The log as a chain from its last entry back, with its length and a hash of its contents. */
export interface LogState {
  readonly prev: LogState | null;
  readonly value: string;
  readonly length: number;
  readonly hash: number;
}

const EMPTY_LOG: LogState = { prev: null, value: '', length: 0, hash: FNV_OFFSET };

export const logModel: Model<LogState, LogInput, LogOutput> = {
  init: () => EMPTY_LOG,
  step: stepLog,
  equal: sameLog,
  hash: (state) => state.hash,
  describe: describeLog,
};

function stepLog(state: LogState, input: LogInput, output: LogOutput): StepResult<LogState> {
  switch (input.op) {
    case 'append': {
      const length = state.length + 1;
      if (output !== null && output !== String(length)) return ILLEGAL_STEP;
      const hash = fnvContinue(fnvContinue(state.hash, input.value), '\u0000');
      return { ok: true, state: { prev: state, value: input.value, length, hash } };
    }
    case 'read':
      return output === null || output === logEntry(state, input.position)
        ? { ok: true, state }
        : ILLEGAL_STEP;
    case 'len':
      return output === null || output === String(state.length) ? { ok: true, state } : ILLEGAL_STEP;
  }
}

/** Entry `position` (1-based), or "" beyond the end: walked from the last entry. */
function logEntry(state: LogState, position: number): string {
  if (position < 1 || position > state.length) return '';
  let at: LogState = state;
  while (at.length > position) at = at.prev!;
  return at.value;
}

function sameLog(a: LogState, b: LogState): boolean {
  if (a.length !== b.length || a.hash !== b.hash) return false;
  for (let x: LogState | null = a, y: LogState | null = b; x !== y; x = x!.prev, y = y!.prev)
    if (x === null || y === null || x.value !== y.value) return false;
  return true;
}

function describeLog(input: LogInput, output: LogOutput): string {
  const result = output === null ? ' → ?' : ` → ${quote(output)}`;
  switch (input.op) {
    case 'append':
      return `append(${quote(input.value)})${result}`;
    case 'read':
      return `read(${input.position})${result}`;
    case 'len':
      return `len()${result}`;
  }
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
