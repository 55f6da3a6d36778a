/**
 * A VR client over TCP: the sans-I/O Client from src/protocol, a connection to every replica, and a
 * real clock for its retry timer. submit() resolves when the op's reply arrives, however many
 * retries (to every replica, §4.1) it took; the answer says which replica answered in which view.
 * Used by the REPL (client-main.ts), the cluster command, the tests and the benchmark.
 */
import { randomBytes } from 'node:crypto';
import {
  Client,
  opBytesMax,
  Outbox,
  validateOp,
  type ClientId,
  type Message,
  type StateMachineKind,
  type Timing,
} from '../../protocol/index.ts';
import { defaultTiming } from '../../protocol/index.ts';
import { newIncarnation, type Address, type LogSink } from './common.ts';
import type { Connection } from './connection.ts';
import { Dialer } from './dialer.ts';
import { TraceWriter, wallClockMs, type TraceLineBody } from './trace-file.ts';
import {
  wireVersion,
  type Frame,
  type HelloFrame,
  type StatusFrame,
  type WireContext,
} from './wire-schema.ts';

export interface Completion {
  readonly op: string;
  readonly request: number;
  readonly result: string;
  readonly replica: number;
  readonly view: number;
  /** From submit() to the reply, in ms. */
  readonly latencyMs: number;
  /** How many times the request was sent (1 = no retry). */
  readonly attempts: number;
}

export interface TcpClientOptions {
  readonly peers: readonly Address[];
  /** "c<N>"; by default a random one. */
  readonly id?: ClientId;
  /**
   * The first request-number minus one. A replica drops requests numbered at or below the latest it
   * saw from this client id, so a process that reuses an id must start above its predecessor.
   */
  readonly requestNumberBase?: number;
  readonly timing?: Timing;
  readonly tracePath?: string | null;
  readonly log?: LogSink;
}

interface Waiter {
  readonly op: string;
  readonly submittedAt: number;
  readonly resolve: (completion: Completion) => void;
  readonly reject: (error: Error) => void;
}

export class ClientClosedError extends Error {
  override name = 'ClientClosedError';
}

/** A request given up on (a timeout, Ctrl-C): it may still execute, its outcome is unknown. */
export class RequestCancelledError extends Error {
  override name = 'RequestCancelledError';
}

/**
 * A random 64-bit client id: nobody can guess it, and a replica gives an id to the first open
 * connection that uses it, so no other connection can take over this client's replies.
 */
export function randomClientId(): ClientId {
  return `c${randomBytes(8).readBigUInt64BE(0)}`;
}

export class TcpClient {
  readonly id: ClientId;
  readonly replicaCount: number;
  readonly incarnation = newIncarnation();
  /** The protocol client; replaced (numbering on) when requests are cancelled. */
  client: Client;
  /** The state machine the replicas run, as their hellos say (null until one answered). */
  stateMachine: StateMachineKind | null = null;
  private readonly dialers: Dialer[];
  private readonly context: WireContext;
  private readonly waiters: Waiter[] = [];
  private readonly statusWaiters: ((frame: StatusFrame | null) => void)[][];
  private readonly trace: TraceWriter | null;
  private readonly log: LogSink;
  private readonly timing: Timing;
  private timer: NodeJS.Timeout | null = null;
  private sequence = 0;
  private closed = false;
  private started = false;
  private attemptsOfCurrent = 0;

  constructor(options: TcpClientOptions) {
    this.id = options.id ?? randomClientId();
    this.replicaCount = options.peers.length;
    this.log = options.log ?? (() => {});
    const timing = options.timing ?? defaultTiming;
    this.timing = timing;
    this.client = new Client({ id: this.id, replicaCount: this.replicaCount, timing });
    this.client.requestNumber = options.requestNumberBase ?? 0;
    this.context = { replicaCount: this.replicaCount, stateMachine: null };
    this.statusWaiters = options.peers.map(() => []);
    this.trace =
      options.tracePath === undefined || options.tracePath === null
        ? null
        : new TraceWriter(options.tracePath, this.id, this.incarnation);
    this.trace?.writeStep(wallClockMs(), [
      {
        kind: 'start',
        mode: 'client',
        replicas: this.replicaCount,
        stateMachine: null,
        timing,
        listen: null,
        pid: process.pid,
      },
    ]);
    this.dialers = options.peers.map(
      (address, replica) =>
        new Dialer({
          target: replica,
          address,
          context: this.context,
          role: 'client',
          hello: () => this.hello(),
          onUp: (connection) => this.onReplicaUp(connection),
          onDown: () => this.failStatusWaiters(replica),
          onFrame: (frame, connection) => this.onFrame(frame, connection),
          log: this.log,
        }),
    );
  }

  /** Starts connecting to every replica (submit() also does it). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (const dialer of this.dialers) dialer.start();
  }

  /** Replicas with an open connection. */
  connectedReplicas(): number[] {
    return this.dialers.flatMap((dialer, replica) => (dialer.isOpen ? [replica] : []));
  }

  /** Why each unconnected replica is not connected, as `replica N: reason` lines. */
  connectionProblems(): string[] {
    return this.dialers.flatMap((dialer, replica) =>
      dialer.isOpen ? [] : [`replica ${replica}: ${dialer.lastProblem ?? 'connecting'}`],
    );
  }

  /** Resolves once at least `count` replicas are connected, or rejects after `timeoutMs`. */
  async waitForConnections(count: number, timeoutMs: number): Promise<void> {
    this.start();
    const deadline = performance.now() + timeoutMs;
    while (this.connectedReplicas().length < count) {
      if (this.closed) throw new ClientClosedError('client closed');
      if (performance.now() > deadline)
        throw new Error(
          `connected to ${this.connectedReplicas().length} of ${count} replicas after ${timeoutMs} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Why `op` would be refused before sending it, or null. */
  checkOp(op: string): string | null {
    if (op.trim() === '') return 'empty command';
    if (Buffer.byteLength(op, 'utf8') > opBytesMax) return `an op is at most ${opBytesMax} bytes`;
    return this.stateMachine === null ? null : validateOp(this.stateMachine, op);
  }

  /** Sends an op (queued behind the outstanding one) and resolves with its reply. */
  submit(op: string): Promise<Completion> {
    if (this.closed) return Promise.reject(new ClientClosedError('client closed'));
    this.start();
    return new Promise<Completion>((resolve, reject) => {
      const waiter: Waiter = { op, submittedAt: performance.now(), resolve, reject };
      const now = performance.now();
      let accepted = false;
      this.step(now, { kind: 'submit', op }, (out) => {
        accepted = this.client.submit(op, now, out);
      });
      if (!accepted) return reject(new Error(`client ${this.id}'s queue is full`));
      this.waiters.push(waiter);
    });
  }

  /** Asks every replica for its status; an unreachable or silent replica gives null. */
  async status(timeoutMs = 1_000): Promise<(StatusFrame | null)[]> {
    this.start();
    return Promise.all(
      this.dialers.map(
        (dialer, replica) =>
          new Promise<StatusFrame | null>((resolve) => {
            const connection = dialer.connection;
            if (connection === null || connection.sendRaw('{"kind":"status_request"}') !== null)
              return resolve(null);
            const timer = setTimeout(() => {
              const waiting = this.statusWaiters[replica];
              const index = waiting.indexOf(done);
              if (index >= 0) waiting.splice(index, 1);
              resolve(null);
            }, timeoutMs);
            const done = (frame: StatusFrame | null) => {
              clearTimeout(timer);
              resolve(frame);
            };
            this.statusWaiters[replica].push(done);
          }),
      ),
    );
  }

  /**
   * Gives up on the outstanding request and every queued one: their submits reject with
   * RequestCancelledError. The outstanding one may still execute (its outcome is unknown); the
   * next op takes a higher request-number, so a replica takes it at once.
   */
  cancel(why: string): number {
    const cancelled = this.waiters.splice(0);
    const pending = this.client.pending;
    const fresh = new Client({ id: this.id, replicaCount: this.replicaCount, timing: this.timing });
    fresh.requestNumber = this.client.requestNumber;
    fresh.view = this.client.view;
    this.client = fresh;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (pending !== null)
      this.trace?.writeStep(wallClockMs(), [
        {
          kind: 'note',
          note: { kind: 'info', text: `gave up on request #${pending.request} (${why}): outcome unknown` },
        },
      ]);
    for (const waiter of cancelled)
      waiter.reject(new RequestCancelledError(`'${waiter.op}' ${why} (outcome unknown)`));
    return cancelled.length;
  }

  /** Closes every connection; outstanding submits reject (their outcome is unknown). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const dialer of this.dialers) dialer.stop();
    for (let replica = 0; replica < this.replicaCount; replica++) this.failStatusWaiters(replica);
    for (const waiter of this.waiters.splice(0))
      waiter.reject(
        new ClientClosedError(`client closed before '${waiter.op}' was answered (outcome unknown)`),
      );
    this.trace?.writeStep(wallClockMs(), [{ kind: 'stop', reason: 'closed' }]);
    this.trace?.close();
  }

  // ---------------------------------------------------------------- wire

  private hello(): Omit<HelloFrame, 'nonce' | 'auth'> {
    return {
      kind: 'hello',
      version: wireVersion,
      from: this.id,
      replicas: this.replicaCount,
      incarnation: this.incarnation,
      stateMachine: null,
      view: null,
      status: null,
      opNumber: null,
      cluster: null,
    };
  }

  private onReplicaUp(connection: Connection): void {
    const hello = connection.peer!;
    if (hello.stateMachine !== null) this.stateMachine = hello.stateMachine;
    // A hint outside the protocol: address the primary of the latest normal view we hear of at once.
    if (hello.status === 'normal' && hello.view !== null && hello.view > this.client.view)
      this.client.view = hello.view;
  }

  private failStatusWaiters(replica: number): void {
    for (const done of this.statusWaiters[replica].splice(0)) done(null);
  }

  private onFrame(frame: Exclude<Frame, HelloFrame>, connection: Connection): void {
    if (this.closed) return;
    const from = connection.peer!.from as number;
    switch (frame.kind) {
      case 'message': {
        const message = frame.message;
        if (message.type !== 'reply') return; // the connection already refuses anything else
        const now = performance.now();
        this.step(now, { kind: 'receive', id: frame.id, from, message }, (out) =>
          this.client.onReply(from, message, now, out),
        );
        return;
      }
      case 'status':
        this.statusWaiters[from].shift()?.(frame);
        return;
      case 'status_request':
      case 'auth':
        return;
    }
  }

  // ---------------------------------------------------------------- protocol steps

  private step(now: number, cause: TraceLineBody, act: (out: Outbox) => void): void {
    const out = new Outbox();
    act(out);
    const lines: TraceLineBody[] | null = this.trace === null ? null : [cause];
    for (const { to, message } of out.sends) {
      const id = `${this.id}.${this.incarnation}.${++this.sequence}`;
      const lost = this.transmit(to as number, id, message);
      lines?.push({ kind: 'send', id, to, message, lost });
    }
    for (const note of out.notes) {
      lines?.push({ kind: 'note', note });
      if (note.kind === 'invoked') this.attemptsOfCurrent = 1;
      else if (note.kind === 'client-retry') {
        this.attemptsOfCurrent++;
        this.log(`no answer to request #${note.request}: resending it to every replica`);
      } else if (note.kind === 'completed') {
        const waiter = this.waiters.shift();
        waiter?.resolve({
          op: note.op,
          request: note.request,
          result: note.result,
          replica: note.replica,
          view: note.view,
          latencyMs: now - waiter.submittedAt,
          attempts: this.attemptsOfCurrent,
        });
      }
    }
    if (lines !== null) this.trace!.writeStep(wallClockMs(), lines);
    this.armTimer();
  }

  private transmit(to: number, id: string, message: Message): string | null {
    const connection = this.dialers[to]?.connection ?? null;
    if (connection === null) return 'not connected';
    return connection.sendRaw(JSON.stringify({ kind: 'message', id, message }));
  }

  private armTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const deadline = this.client.nextDeadline();
    if (deadline === Infinity || this.closed) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = performance.now();
        if (this.client.nextDeadline() > now) return this.armTimer();
        this.step(now, { kind: 'timer', timer: 'clientRetry' }, (out) =>
          this.client.onRetryTimeout(now, out),
        );
      },
      Math.max(0, deadline - performance.now()),
    );
  }
}
