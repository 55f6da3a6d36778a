/**
 * An append-only sequence whose clones share storage: clone() is O(1), and a clone that is later
 * appended to after truncation copies first. Checkpoints of long runs stay cheap because of this.
 *
 * The items sit in chunks of a fixed size, and the chunk list is shared like the items: a write
 * that another clone could see (after a truncation, or past a clone's end) copies only the chunk
 * it lands in and the short chunk list, not the whole sequence. A long run's log is truncated now
 * and then (state transfer); copying it whole each time made most of the checkpoints' memory.
 */
const chunkBits = 12;
const chunkSize = 1 << chunkBits;
const chunkMask = chunkSize - 1;

export class AppendOnly<T> {
  /** chunks[i] holds items i * chunkSize ...; shared with clones, never written below a clone's end. */
  private chunks: T[][];
  private count: number;
  /**
   * How many times this sequence was cut short. Items below the length never change otherwise, so a
   * reader that checked a prefix can trust it while this stays the same (the roles checker does).
   */
  truncations = 0;

  constructor(items: T[] = [], count = items.length) {
    this.chunks = [];
    for (let start = 0; start < count; start += chunkSize)
      this.chunks.push(items.slice(start, Math.min(start + chunkSize, count)));
    this.count = count;
  }

  get length(): number {
    return this.count;
  }

  /** Item at 0-based index. */
  at(index: number): T {
    return this.chunks[index >> chunkBits]?.[index & chunkMask];
  }

  push(item: T): void {
    const chunkIndex = this.count >> chunkBits;
    const offset = this.count & chunkMask;
    let chunks = this.chunks;
    // In place only at the physical end of the storage: then no clone can see the slot written.
    const atEnd =
      offset === 0
        ? chunkIndex === chunks.length
        : chunkIndex === chunks.length - 1 && chunks[chunkIndex].length === offset;
    if (!atEnd) {
      // We truncated, or a clone appended past our end: copy the chunk list and our partial chunk.
      chunks = chunks.slice(0, chunkIndex);
      if (offset > 0) chunks.push(this.chunks[chunkIndex].slice(0, offset));
      this.chunks = chunks;
    }
    if (offset === 0) chunks.push([item]);
    else chunks[chunkIndex].push(item);
    this.count++;
  }

  truncate(length: number): void {
    if (length < this.count) {
      this.count = length;
      this.truncations++;
    }
  }

  /** Items [start, end) as a fresh array. */
  slice(start = 0, end = this.count): T[] {
    const stop = Math.min(end, this.count);
    const out: T[] = [];
    for (let index = Math.max(0, start); index < stop; index++) out.push(this.at(index));
    return out;
  }

  clone(): AppendOnly<T> {
    // Through the constructor, so a copy has the shape of every other AppendOnly: copies made by
    // Object.create had another, and each access to a log or a checker's column turned polymorphic.
    const copy = new AppendOnly<T>();
    copy.chunks = this.chunks;
    copy.count = this.count;
    copy.truncations = this.truncations;
    return copy;
  }
}

/** Storage shared by clones of an AppendOnlyNumbers: `end` is how far any of them has written. */
interface NumberStorage {
  chunks: Float64Array[];
  end: number;
}

const firstNumberChunk = 64;

/**
 * An append-only sequence of numbers with the same sharing as AppendOnly, stored in Float64Array
 * chunks. Numbers kept per op for a whole run (checker records) then cost the garbage collector
 * nothing: an array of objects or of doubles is scanned or copied by every collection it survives.
 * NaN is an ordinary value, so callers can use it for "none".
 */
export class AppendOnlyNumbers {
  private storage: NumberStorage;
  private count: number;

  constructor(storage: NumberStorage = { chunks: [], end: 0 }, count = 0) {
    this.storage = storage;
    this.count = count;
  }

  get length(): number {
    return this.count;
  }

  /** Item at 0-based index; NaN outside 0 .. length - 1. */
  at(index: number): number {
    if (index < 0 || index >= this.count) return Number.NaN;
    return this.storage.chunks[index >> chunkBits][index & chunkMask];
  }

  push(value: number): void {
    const count = this.count;
    let storage = this.storage;
    if (storage.end !== count) {
      // A clone wrote past our end, or we truncated: take our own copy of the chunk written to.
      const chunks = storage.chunks.slice(0, count >> chunkBits);
      if ((count & chunkMask) !== 0) chunks.push(storage.chunks[count >> chunkBits].slice());
      storage = this.storage = { chunks, end: count };
    }
    const chunkIndex = count >> chunkBits;
    const offset = count & chunkMask;
    let chunk = storage.chunks[chunkIndex];
    if (chunk === undefined) {
      // The first chunk starts small (fuzzing builds thousands of short-lived worlds) and doubles.
      chunk = new Float64Array(chunkIndex === 0 ? firstNumberChunk : chunkSize);
      storage.chunks.push(chunk);
    } else if (offset === chunk.length) {
      // Only the first chunk grows; clones sharing it see the same values below their ends.
      const grown = new Float64Array(Math.min(chunk.length * 2, chunkSize));
      grown.set(chunk);
      chunk = storage.chunks[chunkIndex] = grown;
    }
    chunk[offset] = value;
    storage.end = this.count = count + 1;
  }

  truncate(length: number): void {
    if (length < this.count) this.count = length;
  }

  clone(): AppendOnlyNumbers {
    return new AppendOnlyNumbers(this.storage, this.count);
  }
}
