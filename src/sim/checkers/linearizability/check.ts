/**
 * Linearizability checking after Wing & Gong, with the memoisation of Lowe and the layout of the
 * Go checker Porcupine: per partition, the calls and returns sorted by time form a doubly linked
 * list; a depth-first search linearizes one pending call at a time (lifting it and its return out
 * of the list) and backtracks when it meets a return whose call it could not place. A set of
 * visited (linearized-ops bitset, model state) pairs stops the search from exploring a
 * configuration twice.
 *
 * Differences from Porcupine that make it faster without changing verdicts:
 * - model states are interned to small integers, and (state, op) steps are memoised;
 * - the bitset hash is Zobrist (XOR of a fixed random word per op), updated in O(1);
 * - the visited set is an open-addressing table over flat typed arrays, and a visited bitset is
 *   stored compressed (ops ordered by return time: a run of ones, a short window, zeros), so
 *   long histories cost a few words per visited configuration, not one bit per op;
 * - an op of unknown outcome (return at +Infinity) that would not change the state is never tried,
 *   and the search stops as soon as only such ops remain, since they may never take effect;
 * - partitions take turns in slices of steps, as Porcupine's goroutines do, so that an illegal
 *   partition is found without first finishing a hard legal one.
 * Pure and deterministic: no clock unless the caller passes one for a timeout.
 */
import type { Model, Operation } from './model.ts';

export interface CheckOptions {
  /** Give up with the verdict 'unknown' after this long. Needs `now`: src/sim may not read a clock. */
  readonly timeoutMs?: number;
  /** A millisecond clock the caller injects (the CLI and the app pass their own). */
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
  // Round-robin time slices, like Porcupine's goroutine per partition: one hard but linearizable
  // part must not delay the discovery that another part is illegal. Searches are built on their
  // first turn, so an early verdict saves building the rest.
  const searches: (PartitionSearch<State, Input, Output> | undefined)[] = groups.map(() => undefined);
  const arena = new Arena(ARENA_INTS_PER_OP * ops.length);
  let running = groups.map((_, partition) => partition);
  while (running.length > 0) {
    for (const partition of running) {
      const search = (searches[partition] ??= new PartitionSearch(model, ops, groups[partition], arena));
      if (search.run(SLICE_STEPS, expired) === 'illegal') {
        return { linearizable: false, partitions: groups.length, illegal: { partition, ...search.report() } };
      }
    }
    running = running.filter((partition) => searches[partition]!.status === 'running');
    if (running.length > 0 && expired()) return { linearizable: 'unknown', partitions: groups.length };
  }
  return { linearizable: true, partitions: groups.length };
}

/** An operation whose times make no sense (thrown before any checking). */
export class InvalidOperationError extends RangeError {
  constructor(
    readonly index: number,
    problem: string,
  ) {
    super(`operation ${index}: ${problem}`);
    this.name = 'InvalidOperationError';
  }
}

function validateOperations<Input, Output>(ops: readonly Operation<Input, Output>[]): void {
  for (let i = 0; i < ops.length; i++) {
    const { call, return: ret } = ops[i];
    if (!Number.isFinite(call)) throw new InvalidOperationError(i, `call time ${call} is not finite`);
    if (Number.isNaN(ret)) throw new InvalidOperationError(i, 'return time is not a number');
    if (ret < call) throw new InvalidOperationError(i, `return ${ret} precedes call ${call}`);
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
// The search over one partition, resumable so that partitions can take turns. Ops are renumbered
// 0..n-1 within the partition ("local ops").

/** Search steps per turn of a partition (a few milliseconds at most). */
const SLICE_STEPS = 1 << 16;
/** How many search steps between two looks at the clock. */
const CLOCK_INTERVAL_MASK = 0xfff;

type SearchStatus = 'running' | 'ok' | 'illegal';

const STACK_STRIDE = 4;

class PartitionSearch<State, Input, Output> {
  status: SearchStatus = 'running';
  private readonly list: EntryList;
  private readonly inputs: Input[];
  private readonly outputs: Output[];
  /** 1 for ops without a reply: they may take effect any time after their call, or never. */
  private readonly maybeNever: Int32Array;
  private readonly states: StateTable<State>;
  private readonly transitions: TransitionMemo;
  private readonly zobrist: Int32Array;
  private readonly visited: VisitedSet;
  private readonly linearized: LinearizedSet;
  /** The linearized calls: (call node, state id before it, linearized.low and .high before it). */
  private readonly stack: Int32Array;
  private readonly deepest = new DeepestPoint();
  // The search position, saved between turns.
  private linearizedHash = 0;
  private stateId: number;
  private depth = 0;
  private node: number;

  constructor(
    private readonly model: Model<State, Input, Output>,
    ops: readonly Operation<Input, Output>[],
    private readonly indices: readonly number[],
    arena: Arena,
  ) {
    const n = indices.length;
    this.list = new EntryList(ops, indices, arena);
    this.inputs = indices.map((i) => ops[i].input);
    this.outputs = indices.map((i) => ops[i].output);
    this.maybeNever = arena.int32(n);
    for (let op = 0; op < n; op++) if (ops[indices[op]].return === Infinity) this.maybeNever[op] = 1;
    this.states = new StateTable(model, arena);
    this.transitions = new TransitionMemo(n, arena);
    this.zobrist = zobristWords(n, arena);
    this.linearized = new LinearizedSet(this.list, this.maybeNever, arena);
    this.visited = new VisitedSet(n, this.linearized, arena);
    this.stack = arena.int32(STACK_STRIDE * n);
    this.stateId = this.states.intern(model.init());
    this.node = this.list.next[HEAD];
    if (n === 0) this.status = 'ok';
  }

  /** Search for at most `budget` steps (fewer if the clock runs out) and say where it stands. */
  run(budget: number, expired: Expired): SearchStatus {
    if (this.status !== 'running') return this.status;
    const { list, maybeNever, zobrist, visited, linearized, stack, transitions } = this;
    const { next, nodeOp, isCall, tail } = list;
    let { node, depth, stateId, linearizedHash } = this;
    let status: SearchStatus = 'running';
    for (let steps = 1; steps <= budget; steps++) {
      if ((steps & CLOCK_INTERVAL_MASK) === 0 && expired()) break;
      if (isCall[node] === 1) {
        const op = nodeOp[node];
        let target = transitions.get(stateId, op);
        if (target === MISSING) {
          target = this.step(stateId, op);
          transitions.set(stateId, op, target);
        }
        // An op that may never take effect gains nothing by taking effect without changing the state.
        if (target !== ILLEGAL && !(target === stateId && maybeNever[op] === 1)) {
          const hash = linearizedHash ^ zobrist[op];
          linearized.prepare(op);
          if (visited.addCandidate(hash ^ mix32(target), target)) {
            const at = STACK_STRIDE * depth++;
            stack[at] = node;
            stack[at + 1] = stateId;
            stack[at + 2] = linearized.low;
            stack[at + 3] = linearized.high;
            linearized.addCandidate();
            linearizedHash = hash;
            stateId = target;
            list.lift(node);
            node = next[HEAD];
            if (node === tail) {
              status = 'ok';
              break;
            }
            continue;
          }
        }
        node = next[node];
      } else {
        // Every call before this return has been tried; the return's own op had to come next.
        if (maybeNever[nodeOp[node]] === 1) {
          status = 'ok'; // only ops that may never happen remain
          break;
        }
        if (depth > this.deepest.depth) this.deepest.record(list, stack, depth, node);
        if (depth === 0) {
          status = 'illegal';
          break;
        }
        const at = STACK_STRIDE * --depth;
        node = stack[at];
        stateId = stack[at + 1];
        const op = nodeOp[node];
        linearized.remove(op, stack[at + 2], stack[at + 3]);
        linearizedHash ^= zobrist[op];
        list.unlift(node);
        node = next[node];
      }
    }
    this.node = node;
    this.depth = depth;
    this.stateId = stateId;
    this.linearizedHash = linearizedHash;
    this.status = status;
    return status;
  }

  report(): Omit<IllegalReport, 'partition'> {
    return this.deepest.report(this.indices);
  }

  /** The state after `op` from state `stateId`, or ILLEGAL. */
  private step(stateId: number, op: number): number {
    const current = this.states.values[stateId];
    const result = this.model.step(current, this.inputs[op], this.outputs[op]);
    if (!result.ok) return ILLEGAL;
    return result.state === current ? stateId : this.states.intern(result.state);
  }
}

/** The deepest point of the search, where the longest linearizable prefix ended. */
class DeepestPoint {
  depth = -1;
  private prefix: number[] = [];
  private frontier: number[] = [];
  private blocked = -1;

  record(list: EntryList, stack: Int32Array, depth: number, returnNode: number): void {
    this.depth = depth;
    this.prefix = [];
    for (let i = 0; i < depth; i++) this.prefix.push(list.nodeOp[stack[STACK_STRIDE * i]]);
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
  readonly isCall: Int32Array;
  /** For a call node, the node of its return. */
  private readonly returnNode: Int32Array;

  constructor(ops: readonly Operation<unknown, unknown>[], indices: readonly number[], arena: Arena) {
    const n = indices.length;
    const size = 2 * n + 2;
    this.next = arena.int32(size);
    this.prev = arena.int32(size);
    this.nodeOp = arena.int32(size);
    this.isCall = arena.int32(size);
    this.returnNode = arena.int32(size);
    this.tail = size - 1;
    const callNodeOf = new Array<number>(n);
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
  const time = new Array<number>(2 * n);
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
  /** The integer key of each state id. */
  private keys: Int32Array;
  /** Open addressing: slot → state id + 1 (0 = free). */
  private slots: Int32Array;
  private mask = 31;
  /** String hashes are numbered, so that the table itself only ever sees integers. */
  private stringCodes: Map<string, number> | null = null;

  constructor(
    private readonly model: Model<State, unknown, unknown>,
    arena: Arena,
  ) {
    this.keys = arena.int32(16);
    this.slots = arena.int32(32);
  }

  intern(state: State): number {
    const key = this.integerKey(this.model.hash(state));
    const { slots, mask, keys, values } = this;
    let slot = mix32(key) & mask;
    for (let entry = slots[slot]; entry !== 0; entry = slots[slot]) {
      const id = entry - 1;
      if (keys[id] === key && this.model.equal(values[id], state)) return id;
      slot = (slot + 1) & mask;
    }
    const id = values.length;
    values.push(state);
    if (id === keys.length) this.keys = grown(keys, 2 * id);
    this.keys[id] = key;
    slots[slot] = id + 1;
    if (2 * values.length > slots.length) this.growSlots();
    return id;
  }

  private integerKey(hash: string | number): number {
    if (typeof hash === 'number') return hash | 0;
    const codes = (this.stringCodes ??= new Map());
    let code = codes.get(hash);
    if (code === undefined) {
      code = codes.size;
      codes.set(hash, code);
    }
    return code;
  }

  private growSlots(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.values.length; id++) {
      let slot = mix32(this.keys[id]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

const MISSING = -2;
const ILLEGAL = -1;

/**
 * (state id, local op) → state id after the step, or ILLEGAL: a lossy, direct-mapped memo whose
 * slot clashes overwrite. Few states (a register) fit entirely; with many (growing strings) it
 * keeps the recent ones, which the depth-first search is the most likely to revisit, and it never
 * grows.
 */
class TransitionMemo {
  /** Slot i holds [state id + 1 (0 = empty), op, target] at 3i. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly opCount: number,
    arena: Arena,
  ) {
    const size = Math.min(MEMO_MAX_SLOTS, nextPowerOfTwo(Math.max(64, opCount * 16)));
    this.slots = arena.int32(3 * size);
    this.mask = size - 1;
  }

  get(state: number, op: number): number {
    const at = 3 * this.slot(state, op);
    const slots = this.slots;
    return slots[at] === state + 1 && slots[at + 1] === op ? slots[at + 2] : MISSING;
  }

  set(state: number, op: number, target: number): void {
    const at = 3 * this.slot(state, op);
    this.slots[at] = state + 1;
    this.slots[at + 1] = op;
    this.slots[at + 2] = target;
  }

  /** Consecutive states take consecutive rows: no clashes until the table wraps around. */
  private slot(state: number, op: number): number {
    return (Math.imul(state, this.opCount) + op) & this.mask;
  }
}

const MEMO_MAX_SLOTS = 1 << 16;

/** For 1 ≤ value ≤ 2^30. */
function nextPowerOfTwo(value: number): number {
  return value <= 1 ? 1 : 1 << (32 - Math.clz32(value - 1));
}

// ---------------------------------------------------------------------------------------------
// The set of linearized ops, and the visited set of (linearized set, state id) pairs.

/**
 * The linearized ops as a bitset laid out to compress: ops with a reply take bits in the order of
 * their returns, so a search state's set is "every op up to some return" plus a few beyond it;
 * ops without a reply take the last words. Words [0, low) are then all ones and words from
 * `high` to the reply-less ones all zeros, so a visited record keeps only words [low, high) and
 * the reply-less words: a few words even in a history of thousands of ops.
 */
class LinearizedSet {
  readonly words: Int32Array;
  /** Words holding ops with a reply; the reply-less ones follow. */
  readonly finiteWords: number;
  low = 0;
  high = 0;
  /** The bit and the bounds of `words ∪ {op}`, as computed by `prepare(op)`. */
  candidateWord = 0;
  candidateMask = 0;
  candidateLow = 0;
  candidateHigh = 0;
  private readonly bitOf: Int32Array;

  constructor(list: EntryList, maybeNever: Int32Array, arena: Arena) {
    const n = maybeNever.length;
    this.bitOf = arena.int32(n);
    let finite = 0;
    for (let node = 1; node < list.tail; node++) {
      const op = list.nodeOp[node];
      if (list.isCall[node] === 0 && maybeNever[op] === 0) this.bitOf[op] = finite++;
    }
    this.finiteWords = (finite + 31) >>> 5;
    let replyless = 32 * this.finiteWords;
    for (let op = 0; op < n; op++) if (maybeNever[op] === 1) this.bitOf[op] = replyless++;
    this.words = arena.int32((replyless + 31) >>> 5);
  }

  prepare(op: number): void {
    const bit = this.bitOf[op];
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    let low = this.low;
    let high = this.high;
    if (word < this.finiteWords) {
      if (word === low && (this.words[word] | mask) === -1) {
        low++;
        while (low < this.finiteWords && this.words[low] === -1) low++;
      }
      if (high <= word) high = word + 1;
      if (high < low) high = low;
    }
    this.candidateWord = word;
    this.candidateMask = mask;
    this.candidateLow = low;
    this.candidateHigh = high;
  }

  /** Make the prepared candidate the current set. */
  addCandidate(): void {
    this.words[this.candidateWord] |= this.candidateMask;
    this.low = this.candidateLow;
    this.high = this.candidateHigh;
  }

  /** Undo an add, given the bounds from before it. */
  remove(op: number, low: number, high: number): void {
    const bit = this.bitOf[op];
    this.words[bit >>> 5] &= ~(1 << (bit & 31));
    this.low = low;
    this.high = high;
  }
}

/**
 * An open-addressing table of slots pointing at variable-length records
 * [hash, state id, low, high, words low..high-1, reply-less words], in flat typed arrays.
 */
class VisitedSet {
  /** Slot → record offset + 1 (0 = free). */
  private slots: Int32Array;
  private mask: number;
  private records: Int32Array;
  private end = 0;
  private count = 0;

  /** A search that succeeds visits at least `opCount` entries; start with room for a few times that. */
  constructor(
    opCount: number,
    private readonly set: LinearizedSet,
    arena: Arena,
  ) {
    const capacity = nextPowerOfTwo(Math.max(16, 4 * opCount));
    this.slots = arena.int32(2 * capacity);
    this.mask = 2 * capacity - 1;
    this.records = arena.int32(capacity * (6 + set.words.length - set.finiteWords));
  }

  /** Add the candidate prepared in the linearized set, with `stateId`; false if it was already there. */
  addCandidate(hash: number, stateId: number): boolean {
    const { slots, mask, records, set } = this;
    let slot = hash & mask;
    for (let record = slots[slot]; record !== 0; record = slots[slot]) {
      const at = record - 1;
      if (
        records[at] === hash &&
        records[at + 1] === stateId &&
        records[at + 2] === set.candidateLow &&
        records[at + 3] === set.candidateHigh &&
        this.sameWords(at + 4)
      ) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = this.append(hash, stateId) + 1;
    if (2 * ++this.count > slots.length) this.growSlots();
    return true;
  }

  private sameWords(at: number): boolean {
    const { records, set } = this;
    const { words, candidateWord, candidateMask } = set;
    let i = at;
    for (let w = set.candidateLow; w < set.candidateHigh; w++) {
      if (records[i++] !== (w === candidateWord ? words[w] | candidateMask : words[w])) return false;
    }
    for (let w = set.finiteWords; w < words.length; w++) {
      if (records[i++] !== (w === candidateWord ? words[w] | candidateMask : words[w])) return false;
    }
    return true;
  }

  /** Writes a record for the candidate and returns its offset. */
  private append(hash: number, stateId: number): number {
    const { set } = this;
    const { words, candidateWord, candidateMask, candidateLow, candidateHigh, finiteWords } = set;
    const length = 4 + candidateHigh - candidateLow + words.length - finiteWords;
    if (this.end + length > this.records.length) {
      this.records = grown(this.records, 2 * Math.max(this.records.length, length));
    }
    const records = this.records;
    const at = this.end;
    records[at] = hash;
    records[at + 1] = stateId;
    records[at + 2] = candidateLow;
    records[at + 3] = candidateHigh;
    let i = at + 4;
    for (let w = candidateLow; w < candidateHigh; w++) records[i++] = words[w];
    for (let w = finiteWords; w < words.length; w++) records[i++] = words[w];
    if (candidateWord < candidateHigh && candidateWord >= candidateLow) {
      records[at + 4 + candidateWord - candidateLow] |= candidateMask;
    } else if (candidateWord >= finiteWords) {
      records[at + 4 + candidateHigh - candidateLow + candidateWord - finiteWords] |= candidateMask;
    }
    this.end = i;
    return at;
  }

  private growSlots(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    const replyless = this.set.words.length - this.set.finiteWords;
    for (let at = 0; at < this.end; at += 4 + this.records[at + 3] - this.records[at + 2] + replyless) {
      let slot = this.records[at] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = at + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grown(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(capacity);
  copy.set(array);
  return copy;
}

/**
 * Zeroed Int32Arrays carved out of shared buffers. A fresh ArrayBuffer costs more than the whole
 * search of a small partition, and each search starts with a dozen arrays. The first buffer is
 * sized from an estimate of what all the searches need; later ones, if any, grow geometrically.
 */
class Arena {
  private buffer: ArrayBuffer;
  private capacity: number;
  private used = 0;
  private nextChunk: number;

  constructor(estimatedInts: number) {
    this.capacity = Math.min(Math.max(estimatedInts, ARENA_MIN_CHUNK), ARENA_MAX_CHUNK);
    this.buffer = new ArrayBuffer(4 * this.capacity);
    this.nextChunk = ARENA_MIN_CHUNK;
  }

  int32(length: number): Int32Array {
    if (length > ARENA_MAX_CHUNK / 4) return new Int32Array(length);
    if (this.used + length > this.capacity) {
      while (this.nextChunk < 4 * length) this.nextChunk *= 2;
      this.capacity = this.nextChunk;
      this.buffer = new ArrayBuffer(4 * this.capacity);
      this.used = 0;
      this.nextChunk = Math.min(2 * this.nextChunk, ARENA_MAX_CHUNK);
    }
    const view = new Int32Array(this.buffer, 4 * this.used, length);
    this.used += length;
    return view;
  }
}

/** Buffer sizes, in ints. */
const ARENA_MIN_CHUNK = 1 << 10;
const ARENA_MAX_CHUNK = 1 << 18;
/** Roughly what a partition search of n ops takes from the arena: about 100 ints per op. */
const ARENA_INTS_PER_OP = 128;

// ---------------------------------------------------------------------------------------------
// Hashing.

/** One fixed pseudo-random word per op (splitmix32 from a constant seed: reproducible). */
function zobristWords(n: number, arena: Arena): Int32Array {
  const words = arena.int32(n);
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
