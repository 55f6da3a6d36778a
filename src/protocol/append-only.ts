/**
 * An append-only sequence whose clones share storage: clone() is O(1), and a clone that is later
 * appended to after truncation copies first. Checkpoints of long runs stay cheap because of this.
 */
export class AppendOnly<T> {
  private items: T[];
  private count: number;
  /** Whether another AppendOnly may read `items`: then we never write below its end. */
  private shared: boolean;

  constructor(items: T[] = [], count = items.length, shared = false) {
    this.items = items;
    this.count = count;
    this.shared = shared;
  }

  get length(): number {
    return this.count;
  }

  /** Item at 0-based index. */
  at(index: number): T {
    return this.items[index];
  }

  push(item: T): void {
    if (this.items.length !== this.count) {
      // We truncated, or a clone appended past our end: write in place only if no clone can see it.
      if (this.shared) this.items = this.items.slice(0, this.count);
      else this.items.length = this.count;
      this.shared = false;
    }
    this.items.push(item);
    this.count++;
  }

  truncate(length: number): void {
    if (length < this.count) this.count = length;
  }

  /** Items [start, end) as a fresh array. */
  slice(start = 0, end = this.count): T[] {
    return this.items.slice(start, Math.min(end, this.count));
  }

  clone(): AppendOnly<T> {
    this.shared = true;
    return new AppendOnly(this.items, this.count, true);
  }
}
