/**
 * A VR client (§4, §4.1) as a sans-I/O state machine: one request outstanding at a time, request
 * numbers increasing, sent to the primary it believes in; with no reply in time it resends to every
 * replica. It learns the view from replies and ignores duplicates.
 */
import { assert } from './assert.ts';
import { primaryIn } from './configuration.ts';
import type { NewEpochMessage, ReplyMessage } from './message.ts';
import type { Outbox } from './output.ts';
import type { Timing } from './timing.ts';
import type { ClientId, NodeId, ReplicaId } from './types.ts';

/** Ops a client queues behind its outstanding request. */
export const clientQueueMax = 1024;

export interface ClientConfig {
  readonly id: ClientId;
  /** Replica slots: a client with no reply in time resends to every one (§7: it may not know the group). */
  readonly replicaCount: number;
  /** The group of epoch 0 (default: every slot). */
  readonly members?: readonly ReplicaId[];
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
  /** §7: the epoch and group it believes current, learned from replies and new_epoch. */
  epoch = 0;
  members: readonly ReplicaId[];
  requestNumber = 0;
  pending: PendingRequest | null = null;
  queue: string[] = [];
  retryAt = Infinity;
  completed = 0;

  constructor(config: ClientConfig) {
    this.config = config;
    this.id = config.id;
    this.members = config.members ?? Array.from({ length: config.replicaCount }, (_, i) => i);
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
    out.send(primaryIn(this.members, this.view), this.requestMessage());
    this.retryAt = now + this.config.timing.clientRetryMs;
  }

  private requestMessage() {
    assert(this.pending !== null, 'a request is outstanding');
    const { request, op } = this.pending;
    if (this.epoch === 0) return { type: 'request' as const, client: this.id, request, op };
    return { type: 'request' as const, epoch: this.epoch, client: this.id, request, op };
  }

  onReply(from: NodeId, message: ReplyMessage, now: number, out: Outbox): void {
    if (typeof from !== 'number' || from !== message.replica)
      return out.ignore('reply', 'sender is not the replica it names');
    if (this.pending === null || message.request !== this.pending.request)
      return out.ignore('reply', 'duplicate reply');
    const pending = this.pending;
    const epoch = message.epoch ?? 0;
    if (epoch > this.epoch && message.members !== undefined)
      this.learnEpoch(epoch, message.members, message.view);
    else if (epoch === this.epoch && message.view > this.view) this.view = message.view;
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

  /** §7: a replica says the group moved on: resend the outstanding request to the new primary at once. */
  onNewEpoch(from: NodeId, message: NewEpochMessage, _now: number, out: Outbox): void {
    if (typeof from !== 'number' || from !== message.replica)
      return out.ignore('new_epoch', 'sender is not the replica it names');
    if (message.epoch <= this.epoch) return out.ignore('new_epoch', `knows epoch ${this.epoch} already`);
    this.learnEpoch(message.epoch, message.members, 0);
    if (this.pending !== null) out.send(primaryIn(this.members, this.view), this.requestMessage());
  }

  private learnEpoch(epoch: number, members: readonly ReplicaId[], view: number): void {
    assert(members.length > 0, 'a group has members');
    this.epoch = epoch;
    this.members = members;
    this.view = view;
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
    copy.epoch = this.epoch;
    copy.members = this.members;
    copy.requestNumber = this.requestNumber;
    copy.pending = this.pending === null ? null : { ...this.pending };
    copy.queue = this.queue.slice();
    copy.retryAt = this.retryAt;
    copy.completed = this.completed;
    return copy;
  }
}
