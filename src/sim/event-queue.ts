/**
 * The simulator's event queue: a binary min-heap ordered by (time, sequence). The sequence number is
 * assigned at insertion, so ties never depend on iteration order.
 */
import type { MessageRecord } from './trace.ts';

export interface QueuedEvent {
  readonly time: number;
  readonly seq: number;
  readonly kind: 'deliver' | 'lose' | 'wake' | 'workload';
  /** A message id for deliver/lose, a node index for wake/workload. */
  readonly target: number;
  /** The message for deliver/lose. */
  readonly message?: MessageRecord;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

export class EventQueue {
  private heap: QueuedEvent[];

  constructor(heap: QueuedEvent[] = []) {
    this.heap = heap;
  }

  get size(): number {
    return this.heap.length;
  }

  push(event: QueuedEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = event;
  }

  peek(): QueuedEvent | undefined {
    return this.heap[0];
  }

  pop(): QueuedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Every queued event, in no particular order. */
  items(): readonly QueuedEvent[] {
    return this.heap;
  }

  clone(): EventQueue {
    return new EventQueue(this.heap.slice());
  }
}
