/**
 * The simulator's event queue: a binary min-heap ordered by (time, sequence). The sequence number is
 * assigned at insertion, so ties never depend on iteration order.
 *
 * Every message and timer of a run passes through here, so the queue stores no object per event:
 * each queued event lives in a slot of parallel arrays (recycled through a free list), and the
 * heap orders slot numbers. The driver reads the top's fields, then pops it.
 */
import type { MessageRecord } from './trace.ts';

export type QueuedEventKind = 'deliver' | 'lose' | 'wake' | 'workload';

export interface QueuedEvent {
  readonly time: number;
  readonly seq: number;
  readonly kind: QueuedEventKind;
  /** A message id for deliver/lose, a node index for wake/workload. */
  readonly target: number;
  /** The message for deliver/lose. */
  readonly message?: MessageRecord;
}

const kindNames: readonly QueuedEventKind[] = ['deliver', 'lose', 'wake', 'workload'];
export const kindCode: Readonly<Record<QueuedEventKind, number>> = {
  deliver: 0,
  lose: 1,
  wake: 2,
  workload: 3,
};

export class EventQueue {
  /** Slot numbers in heap order; heap[0] is the earliest event. */
  private heap: number[];
  private count = 0;
  // Plain arrays, not typed arrays: values come out as small integers (a float64 time copied into a
  // trace event or a message record would be boxed in its own object), and a checkpoint's copy
  // allocates no array buffers.
  private times: number[];
  private seqs: number[];
  private kinds: number[];
  private targets: number[];
  private messages: (MessageRecord | undefined)[];
  /** Free slots (a stack); slots past `used` were never handed out. */
  private free: number[];
  private freeCount = 0;
  private used = 0;

  constructor(events: readonly QueuedEvent[] = [], capacity = 64) {
    const size = Math.max(capacity, events.length);
    this.heap = zeros(size);
    this.times = zeros(size);
    this.seqs = zeros(size);
    this.kinds = zeros(size);
    this.targets = zeros(size);
    this.messages = [];
    for (let i = 0; i < size; i++) this.messages.push(undefined);
    this.free = zeros(size);
    for (const event of events) this.push(event);
  }

  get size(): number {
    return this.count;
  }

  push(event: QueuedEvent): void {
    this.add(event.time, event.seq, kindCode[event.kind], event.target, event.message);
  }

  /** Queues an event without an object for it (kind: a kindCode). */
  add(time: number, seq: number, kind: number, target: number, message: MessageRecord | undefined): void {
    if (this.count === this.heap.length) this.grow();
    const slot = this.freeCount > 0 ? this.free[--this.freeCount] : this.used++;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.kinds[slot] = kind;
    this.targets[slot] = target;
    this.messages[slot] = message;
    const heap = this.heap;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(slot, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = slot;
  }

  /** The earliest event's fields (the queue must not be empty). */
  get topTime(): number {
    return this.times[this.heap[0]];
  }

  get topKind(): number {
    return this.kinds[this.heap[0]];
  }

  get topTarget(): number {
    return this.targets[this.heap[0]];
  }

  get topMessage(): MessageRecord | undefined {
    return this.messages[this.heap[0]];
  }

  peek(): QueuedEvent | undefined {
    return this.count === 0 ? undefined : this.event(this.heap[0]);
  }

  pop(): QueuedEvent | undefined {
    if (this.count === 0) return undefined;
    const top = this.event(this.heap[0]);
    this.removeTop();
    return top;
  }

  /** Drops the earliest event (read it first through the top* fields). */
  removeTop(): void {
    const heap = this.heap;
    const slot = heap[0];
    this.messages[slot] = undefined;
    this.free[this.freeCount++] = slot;
    const n = --this.count;
    if (n === 0) return;
    const last = heap[n];
    heap[this.siftDown(0, last, n)] = last;
  }

  /** Moves the hole at `i` down past children that come before `last`; returns where `last` belongs. */
  private siftDown(i: number, last: number, n: number): number {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return i;
      const right = left + 1;
      const child = right < n && this.before(heap[right], heap[left]) ? right : left;
      if (!this.before(heap[child], last)) return i;
      heap[i] = heap[child];
      i = child;
    }
  }

  /** Every queued event, in no particular order. */
  items(): readonly QueuedEvent[] {
    const out: QueuedEvent[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.event(this.heap[i]));
    return out;
  }

  /** A compact copy: live events only, in slots 0..size-1 (a checkpoint keeps one per 500 events). */
  clone(): EventQueue {
    const n = this.count;
    const copy = new EventQueue([], Math.max(n, 4));
    for (let i = 0; i < n; i++) {
      const slot = this.heap[i];
      copy.heap[i] = i;
      copy.times[i] = this.times[slot];
      copy.seqs[i] = this.seqs[slot];
      copy.kinds[i] = this.kinds[slot];
      copy.targets[i] = this.targets[slot];
      copy.messages[i] = this.messages[slot];
    }
    copy.count = n;
    copy.used = n;
    return copy;
  }

  /** The messages of queued events of kind `kind` (a kindCode), in no particular order. */
  queuedMessages(kind: number): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = this.heap[i];
      if (this.kinds[slot] === kind) out.push(this.messages[slot]!);
    }
    return out;
  }

  /**
   * Takes the queued delivery or loss of message `id` out of the queue (the controlled network's
   * choices): returns its kind code and message, or null when it is not queued.
   */
  removeMessage(id: number): { kind: number; message: MessageRecord } | null {
    const heap = this.heap;
    let index = -1;
    for (let i = 0; i < this.count; i++) {
      const slot = heap[i];
      if (this.kinds[slot] <= kindCode.lose && this.messages[slot]?.id === id) {
        index = i;
        break;
      }
    }
    if (index < 0) return null;
    const slot = heap[index];
    const found = { kind: this.kinds[slot], message: this.messages[slot]! };
    this.messages[slot] = undefined;
    this.free[this.freeCount++] = slot;
    const n = --this.count;
    if (index === n) return found;
    const last = heap[n];
    // The last slot fills the hole, then moves up or down to where it belongs.
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(last, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[this.siftDown(i, last, n)] = last;
    return found;
  }

  private before(a: number, b: number): boolean {
    const ta = this.times[a];
    const tb = this.times[b];
    return ta < tb || (ta === tb && this.seqs[a] < this.seqs[b]);
  }

  private event(slot: number): QueuedEvent {
    const message = this.messages[slot];
    const event = {
      time: this.times[slot],
      seq: this.seqs[slot],
      kind: kindNames[this.kinds[slot]],
      target: this.targets[slot],
    };
    return message === undefined ? event : { ...event, message };
  }

  private grow(): void {
    const size = this.heap.length * 2;
    while (this.heap.length < size) {
      this.heap.push(0);
      this.times.push(0);
      this.seqs.push(0);
      this.kinds.push(0);
      this.targets.push(0);
      this.free.push(0);
      this.messages.push(undefined);
    }
  }
}

/** A packed array of small integers (a holey one would check for holes on every read). */
function zeros(size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(0);
  return out;
}
