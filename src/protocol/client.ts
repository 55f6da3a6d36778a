/**
 * A VR client (§4, §4.1) as a sans-I/O state machine: one request outstanding at a time, request
 * numbers increasing, sent to the primary it believes in; with no reply in time it resends to every
 * replica. It learns the view from replies and ignores duplicates.
 */
import { assert } from './assert.ts';
import type { ReplyMessage } from './message.ts';
import type { Outbox } from './output.ts';
import type { Timing } from './timing.ts';
import { primaryOf, type ClientId, type NodeId, type ReplicaId } from './types.ts';

/** Ops a client queues behind its outstanding request. */
export const clientQueueMax = 1024;

export interface ClientConfig {
  readonly id: ClientId;
  readonly replicaCount: number;
  readonly timing: Timing;
}

export interface PendingRequest {
  readonly request: number;
  readonly op: string;
  readonly invokedAt: number;
  attempts: number;
}

export class Client {
  readonly id: ClientId;
  readonly config: ClientConfig;
  /** The view this client believes current: it sends to that view's primary first. */
  view = 0;
  requestNumber = 0;
  pending: PendingRequest | null = null;
  queue: string[] = [];
  retryAt = Infinity;
  completed = 0;

  constructor(config: ClientConfig) {
    this.config = config;
    this.id = config.id;
  }

  nextDeadline(): number {
    return this.retryAt;
  }

  /** Issues an op now, or queues it behind the outstanding request. Returns false when the queue is full. */
  submit(op: string, now: number, out: Outbox): boolean {
    if (this.pending !== null) {
      if (this.queue.length >= clientQueueMax) return false;
      this.queue.push(op);
      return true;
    }
    this.invoke(op, now, out);
    return true;
  }

  private invoke(op: string, now: number, out: Outbox): void {
    assert(this.pending === null, 'one outstanding request per client');
    this.requestNumber++;
    this.pending = { request: this.requestNumber, op, invokedAt: now, attempts: 1 };
    out.note({ kind: 'invoked', client: this.id, request: this.requestNumber, op });
    out.send(primaryOf(this.view, this.config.replicaCount), this.requestMessage());
    this.retryAt = now + this.config.timing.clientRetryMs;
  }

  private requestMessage() {
    assert(this.pending !== null, 'a request is outstanding');
    return { type: 'request' as const, client: this.id, request: this.pending.request, op: this.pending.op };
  }

  onReply(from: NodeId, message: ReplyMessage, now: number, out: Outbox): void {
    if (typeof from !== 'number' || from !== message.replica)
      return out.ignore('reply', 'sender is not the replica it names');
    if (this.pending === null || message.request !== this.pending.request)
      return out.ignore('reply', 'duplicate reply');
    const pending = this.pending;
    if (message.view > this.view) this.view = message.view;
    this.pending = null;
    this.retryAt = Infinity;
    this.completed++;
    out.note({
      kind: 'completed',
      client: this.id,
      request: pending.request,
      op: pending.op,
      result: message.result,
      replica: message.replica as ReplicaId,
      view: message.view,
    });
    const next = this.queue.shift();
    if (next !== undefined) this.invoke(next, now, out);
  }

  /** No reply in time: the primary may have changed, so ask every replica (§4.1). */
  onRetryTimeout(now: number, out: Outbox): void {
    this.retryAt = Infinity;
    if (this.pending === null) return;
    this.pending.attempts++;
    out.note({ kind: 'client-retry', client: this.id, request: this.pending.request });
    const message = this.requestMessage();
    for (let replica = 0; replica < this.config.replicaCount; replica++) out.send(replica, message);
    this.retryAt = now + this.config.timing.clientRetryMs;
  }

  clone(): Client {
    const copy = new Client(this.config);
    copy.view = this.view;
    copy.requestNumber = this.requestNumber;
    copy.pending = this.pending === null ? null : { ...this.pending };
    copy.queue = this.queue.slice();
    copy.retryAt = this.retryAt;
    copy.completed = this.completed;
    return copy;
  }
}
