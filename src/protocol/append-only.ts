/**
 * An append-only sequence whose clones share storage: clone() is O(1), and a clone that is later
 * appended to after truncation copies first. Checkpoints of long runs stay cheap because of this.
 */
export class AppendOnly<T> {
  private items: T[];
  private count: number;

  constructor(items: T[] = [], count = items.length) {
    this.items = items;
    this.count = count;
  }

  get length(): number {
    return this.count;
  }

  /** Item at 0-based index. */
  at(index: number): T {
    return this.items[index];
  }

  push(item: T): void {
    // Another holder appended past our end or we truncated: take a private copy before writing.
    if (this.items.length !== this.count) this.items = this.items.slice(0, this.count);
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
    return new AppendOnly(this.items, this.count);
  }
}
