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
    if (length < this.count) this.count = length;
  }

  /** Items [start, end) as a fresh array. */
  slice(start = 0, end = this.count): T[] {
    const stop = Math.min(end, this.count);
    const out: T[] = [];
    for (let index = Math.max(0, start); index < stop; index++) out.push(this.at(index));
    return out;
  }

  clone(): AppendOnly<T> {
    const copy = Object.create(AppendOnly.prototype) as AppendOnly<T>;
    copy.chunks = this.chunks;
    copy.count = this.count;
    return copy;
  }
}
