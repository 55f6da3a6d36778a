/**
 * Linearizability checking after Wing & Gong, with the memoisation of Lowe and the layout of the
 * Go checker Porcupine: per partition, the calls and returns sorted by time form a doubly linked
 * list; a depth-first search linearizes one pending call at a time (lifting it and its return out
 * of the list) and backtracks when it meets a return whose call it could not place. A set of
 * visited (linearized-ops bitset, model state) pairs stops the search from exploring a
 * configuration twice.
 *
 * Differences from Porcupine that make it faster without changing verdicts:
 * - model states are interned to small integers and each (state, op) step is computed once;
 * - the bitset hash is Zobrist (XOR of a fixed random word per op), updated in O(1);
 * - the visited set is an open-addressing table over flat typed arrays;
 * - an op of unknown outcome (return at +Infinity) that would not change the state is never tried,
 *   and the search stops as soon as only such ops remain, since they may never take effect.
 */
import type { Model, Operation } from './model.ts';

export interface CheckOptions {
  /** Give up with the verdict 'unknown' after this long. Needs `now`: src/sim may not read a clock. */
  readonly timeoutMs?: number;
  /** A millisecond clock, e.g. `performance.now`. */
  readonly now?: () => number;
}

export interface IllegalReport {
  /** Which part of the model's partition is not linearizable (0 when the model has no partition). */
  readonly partition: number;
  /**
   * The operations that could come right after `longestPrefix`, none of which fits (input indices,
   * ascending). They include `blocked` and any concurrent call that might have been placed first.
   */
  readonly operations: number[];
  /** The operation whose return ends the window: it had to be linearized next and could not be. */
  readonly blocked: number;
  /** The longest linearizable prefix the search found, in linearization order (input indices). */
  readonly longestPrefix: number[];
}

export interface CheckResult {
  readonly linearizable: boolean | 'unknown';
  /** How many independent parts the history was split into. */
  readonly partitions: number;
  readonly illegal?: IllegalReport;
}

export function checkOperations<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  options: CheckOptions = {},
): CheckResult {
  validateOperations(ops);
  const groups = model.partition ? model.partition(ops) : [ops.map((_, i) => i)];
  const expired = makeDeadline(options);
  let timedOut = false;
  for (let p = 0; p < groups.length; p++) {
    const outcome = searchPartition(model, ops, groups[p], expired);
    if (outcome.kind === 'illegal') {
      return { linearizable: false, partitions: groups.length, illegal: { partition: p, ...outcome.report } };
    }
    // Keep going: a later part may still prove the history illegal.
    if (outcome.kind === 'timeout') timedOut = true;
  }
  return { linearizable: timedOut ? 'unknown' : true, partitions: groups.length };
}

function validateOperations<Input, Output>(ops: readonly Operation<Input, Output>[]): void {
  for (let i = 0; i < ops.length; i++) {
    const { call, return: ret } = ops[i];
    if (!Number.isFinite(call)) throw new RangeError(`operation ${i}: call time ${call} is not finite`);
    if (Number.isNaN(ret) || ret < call) throw new RangeError(`operation ${i}: return ${ret} precedes call ${call}`);
  }
}

type Expired = () => boolean;

function makeDeadline(options: CheckOptions): Expired {
  const { timeoutMs, now } = options;
  if (timeoutMs === undefined || now === undefined) return () => false;
  const start = now();
  return () => now() - start > timeoutMs;
}

// ---------------------------------------------------------------------------------------------
// The search over one partition. Ops are renumbered 0..n-1 locally ("local ops").

type PartitionOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'illegal'; readonly report: Omit<IllegalReport, 'partition'> };

const OK: PartitionOutcome = { kind: 'ok' };
const TIMEOUT: PartitionOutcome = { kind: 'timeout' };
/** How many search steps between two looks at the clock. */
const CLOCK_INTERVAL_MASK = 0xfff;

function searchPartition<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  indices: readonly number[],
  expired: Expired,
): PartitionOutcome {
  const n = indices.length;
  if (n === 0) return OK;
  const list = new EntryList(ops, indices);
  const { next, nodeOp, isCall, tail } = list;
  const maybeNever = new Uint8Array(n);
  for (let i = 0; i < n; i++) maybeNever[i] = ops[indices[i]].return === Infinity ? 1 : 0;

  const states = new StateTable(model);
  const transitions = new TransitionMemo();
  const zobrist = zobristWords(n);
  const words = (n + 31) >>> 5;
  const visited = new VisitedSet(words);
  const linearized = new Uint32Array(words);
  let linearizedHash = 0;
  let stateId = states.intern(model.init());
  const stackNode = new Int32Array(n);
  const stackState = new Int32Array(n);
  let depth = 0;
  const deepest = new DeepestPoint();

  let node = next[HEAD];
  let steps = 0;
  for (;;) {
    if ((++steps & CLOCK_INTERVAL_MASK) === 0 && expired()) return TIMEOUT;
    if (isCall[node] === 1) {
      const op = nodeOp[node];
      let target = transitions.get(stateId, op);
      if (target === MISSING) {
        const input = ops[indices[op]].input;
        const result = model.step(states.values[stateId], input, ops[indices[op]].output);
        target = result.ok ? states.intern(result.state) : ILLEGAL;
        transitions.set(stateId, op, target);
      }
      // An op that may never take effect gains nothing by taking effect without changing the state.
      if (target !== ILLEGAL && !(target === stateId && maybeNever[op] === 1)) {
        const hash = linearizedHash ^ zobrist[op];
        if (visited.addWithOp(linearized, op, hash ^ mix32(target), target)) {
          stackNode[depth] = node;
          stackState[depth] = stateId;
          depth++;
          linearized[op >>> 5] |= 1 << (op & 31);
          linearizedHash = hash;
          stateId = target;
          list.lift(node);
          node = next[HEAD];
          if (node === tail) return OK;
          continue;
        }
      }
      node = next[node];
    } else {
      // Every call before this return has been tried; the return's own op must come first.
      if (maybeNever[nodeOp[node]] === 1) return OK; // only ops that may never happen remain
      if (depth > deepest.depth) deepest.record(list, stackNode, depth, node);
      if (depth === 0) return { kind: 'illegal', report: deepest.report(indices) };
      depth--;
      node = stackNode[depth];
      stateId = stackState[depth];
      const op = nodeOp[node];
      linearized[op >>> 5] &= ~(1 << (op & 31));
      linearizedHash ^= zobrist[op];
      list.unlift(node);
      node = next[node];
    }
  }
}

/** The deepest point of the search, where the longest linearizable prefix ended. */
class DeepestPoint {
  depth = -1;
  private prefix: number[] = [];
  private frontier: number[] = [];
  private blocked = -1;

  record(list: EntryList, stackNode: Int32Array, depth: number, returnNode: number): void {
    this.depth = depth;
    this.prefix = Array.from(stackNode.subarray(0, depth), (node) => list.nodeOp[node]);
    this.frontier = [];
    for (let node = list.next[HEAD]; node !== returnNode; node = list.next[node]) {
      this.frontier.push(list.nodeOp[node]);
    }
    this.blocked = list.nodeOp[returnNode];
  }

  report(indices: readonly number[]): Omit<IllegalReport, 'partition'> {
    return {
      operations: this.frontier.map((op) => indices[op]).sort((a, b) => a - b),
      blocked: indices[this.blocked],
      longestPrefix: this.prefix.map((op) => indices[op]),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The doubly linked list of call and return entries, in flat arrays. Node 0 is the head sentinel,
// node 2n+1 the tail sentinel; nodes 1..2n are the entries sorted by time, calls before returns
// at equal times (so that intervals that merely touch count as concurrent).

const HEAD = 0;

class EntryList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly tail: number;
  /** The local op of each node. */
  readonly nodeOp: Int32Array;
  /** 1 for call entries, 0 for returns and the sentinels. */
  readonly isCall: Uint8Array;
  /** For a call node, the node of its return. */
  private readonly returnNode: Int32Array;

  constructor(ops: readonly Operation<unknown, unknown>[], indices: readonly number[]) {
    const n = indices.length;
    const size = 2 * n + 2;
    this.next = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.nodeOp = new Int32Array(size);
    this.isCall = new Uint8Array(size);
    this.returnNode = new Int32Array(size);
    this.tail = size - 1;
    const callNodeOf = new Int32Array(n);
    sortedEntries(ops, indices).forEach((entry, position) => {
      const node = position + 1;
      const op = entry >>> 1;
      this.nodeOp[node] = op;
      if ((entry & 1) === 0) {
        this.isCall[node] = 1;
        callNodeOf[op] = node;
      } else {
        this.returnNode[callNodeOf[op]] = node;
      }
    });
    for (let node = 0; node < size; node++) {
      this.next[node] = node + 1;
      this.prev[node] = node - 1;
    }
  }

  /** Take a call and its return out of the list (dancing links: they remember their neighbours). */
  lift(call: number): void {
    const { next, prev } = this;
    const ret = this.returnNode[call];
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call];
    next[prev[ret]] = next[ret];
    prev[next[ret]] = prev[ret];
  }

  /** Undo the matching lift; lifts are undone in reverse order. */
  unlift(call: number): void {
    const { next, prev } = this;
    const ret = this.returnNode[call];
    next[prev[ret]] = ret;
    prev[next[ret]] = ret;
    next[prev[call]] = call;
    prev[next[call]] = call;
  }
}

/** Entries encoded as 2*op (call) or 2*op+1 (return), sorted by time, calls first on ties. */
function sortedEntries(ops: readonly Operation<unknown, unknown>[], indices: readonly number[]): number[] {
  const n = indices.length;
  const time = new Float64Array(2 * n);
  const entries = new Array<number>(2 * n);
  for (let op = 0; op < n; op++) {
    time[2 * op] = ops[indices[op]].call;
    time[2 * op + 1] = ops[indices[op]].return;
    entries[2 * op] = 2 * op;
    entries[2 * op + 1] = 2 * op + 1;
  }
  // Explicit comparisons: Infinity - Infinity would be NaN.
  return entries.sort((a, b) => {
    if (time[a] !== time[b]) return time[a] < time[b] ? -1 : 1;
    if ((a & 1) !== (b & 1)) return (a & 1) - (b & 1);
    return a - b;
  });
}

// ---------------------------------------------------------------------------------------------
// Model states interned to integers, and memoised steps between them.

class StateTable<State> {
  readonly values: State[] = [];
  private readonly firstWithHash = new Map<string | number, number>();
  private readonly nextWithSameHash: number[] = [];

  constructor(private readonly model: Model<State, unknown, unknown>) {}

  intern(state: State): number {
    const hash = this.model.hash(state);
    const first = this.firstWithHash.get(hash) ?? -1;
    for (let id = first; id >= 0; id = this.nextWithSameHash[id]) {
      if (this.model.equal(this.values[id], state)) return id;
    }
    const id = this.values.length;
    this.values.push(state);
    this.nextWithSameHash.push(first);
    this.firstWithHash.set(hash, id);
    return id;
  }
}

const MISSING = -2;
const ILLEGAL = -1;

/** (state id, local op) → state id after the step, or ILLEGAL. Open addressing, linear probing. */
class TransitionMemo {
  private stateKeys = new Int32Array(64).fill(-1);
  private opKeys = new Int32Array(64);
  private targets = new Int32Array(64);
  private mask = 63;
  private count = 0;

  get(state: number, op: number): number {
    const { stateKeys, opKeys, mask } = this;
    for (let slot = mix32(state ^ Math.imul(op, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const key = stateKeys[slot];
      if (key === -1) return MISSING;
      if (key === state && opKeys[slot] === op) return this.targets[slot];
    }
  }

  set(state: number, op: number, target: number): void {
    if (2 * (this.count + 1) > this.stateKeys.length) this.grow();
    this.insert(state, op, target);
    this.count++;
  }

  private insert(state: number, op: number, target: number): void {
    const { stateKeys, mask } = this;
    let slot = mix32(state ^ Math.imul(op, 0x9e3779b1)) & mask;
    while (stateKeys[slot] !== -1) slot = (slot + 1) & mask;
    stateKeys[slot] = state;
    this.opKeys[slot] = op;
    this.targets[slot] = target;
  }

  private grow(): void {
    const { stateKeys, opKeys, targets } = this;
    const capacity = stateKeys.length * 2;
    this.stateKeys = new Int32Array(capacity).fill(-1);
    this.opKeys = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let slot = 0; slot < stateKeys.length; slot++) {
      if (stateKeys[slot] !== -1) this.insert(stateKeys[slot], opKeys[slot], targets[slot]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The visited set of (linearized bitset, state id) pairs. Entry e keeps its hash, its state and
// its bitset in `bits[e*words .. (e+1)*words)`; the table maps hash slots to entry e+1 (0 = free).

class VisitedSet {
  private slots = new Int32Array(1024);
  private mask = 1023;
  private hashes = new Int32Array(512);
  private stateIds = new Int32Array(512);
  private bits: Uint32Array;
  private count = 0;

  constructor(private readonly words: number) {
    this.bits = new Uint32Array(512 * words);
  }

  /** Add `linearized ∪ {op}` with `stateId`; false if it was already there. */
  addWithOp(linearized: Uint32Array, op: number, hash: number, stateId: number): boolean {
    const { slots, mask, hashes, stateIds } = this;
    let slot = hash & mask;
    for (let entry = slots[slot]; entry !== 0; entry = slots[slot]) {
      const e = entry - 1;
      if (hashes[e] === hash && stateIds[e] === stateId && this.sameBits(e, linearized, op)) return false;
      slot = (slot + 1) & mask;
    }
    if (this.count === hashes.length) this.growEntries();
    const e = this.count++;
    this.hashes[e] = hash;
    this.stateIds[e] = stateId;
    const base = e * this.words;
    this.bits.set(linearized, base);
    this.bits[base + (op >>> 5)] |= 1 << (op & 31);
    slots[slot] = e + 1;
    if (2 * this.count > slots.length) this.growSlots();
    return true;
  }

  private sameBits(e: number, linearized: Uint32Array, op: number): boolean {
    const { bits, words } = this;
    const base = e * words;
    const opWord = op >>> 5;
    for (let w = 0; w < words; w++) {
      const expected = w === opWord ? linearized[w] | (1 << (op & 31)) : linearized[w];
      if (bits[base + w] !== expected >>> 0) return false;
    }
    return true;
  }

  private growEntries(): void {
    const capacity = this.hashes.length * 2;
    this.hashes = grown(this.hashes, capacity);
    this.stateIds = grown(this.stateIds, capacity);
    const bits = new Uint32Array(capacity * this.words);
    bits.set(this.bits);
    this.bits = bits;
  }

  private growSlots(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = this.hashes[e] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grown(array: Int32Array, capacity: number): Int32Array {
  const copy = new Int32Array(capacity);
  copy.set(array);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Hashing.

/** One fixed pseudo-random word per op (splitmix32 from a constant seed: reproducible). */
function zobristWords(n: number): Int32Array {
  const words = new Int32Array(n);
  let seed = 0x2545f491;
  for (let i = 0; i < n; i++) {
    seed = (seed + 0x9e3779b9) | 0;
    words[i] = mix32(seed);
  }
  return words;
}

/** The murmur3 finaliser: spreads every input bit over the whole word. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
