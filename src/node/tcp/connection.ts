/**
 * One TCP connection speaking the wire format: hello first in both directions, then, between
 * replicas that hold a cluster secret, one auth frame each way (auth.ts), then checked frames.
 * Any violation (oversized frame, broken JSON, wrong shape, unknown type, a refused hello, a failed
 * proof, a message its sender may not send, buffers full) closes this connection with one reason;
 * the process carries on.
 *
 * Until the handshake completes the other end is a stranger: small frames, the strangers' buffer
 * budget, and a deadline. Then a replica peer gets the large frame limit and the peers' budget, a
 * client keeps the small limit, gets the clients' budget and, on a replica, an idle deadline.
 */
import type { Socket } from 'node:net';
import type { NodeId } from '../../protocol/index.ts';
import { authProof, newNonce, proofMatches, type AuthRole } from './auth.ts';
import { ByteBudget, encodeFrame, FrameDecoder, FrameError } from './framing.ts';
import {
  frameBytesMax,
  parseFrame,
  strangerFrameBytesMax,
  senderViolation,
  WireError,
  type Frame,
  type HelloFrame,
  type WireContext,
} from './wire-schema.ts';

/** A peer that has not finished its handshake in this time is dropped. */
export const helloTimeoutMs = 5_000;
/** Bytes queued on a socket to a replica beyond which further messages are dropped (the protocol resends). */
export const sendBacklogBytesMax = 64 * 1024 * 1024;
/** The same for a client: replies are small, and a client that does not read must not cost us memory. */
export const clientSendBacklogBytesMax = 1024 * 1024;

/** Buffer budgets shared by every connection of a class (see framing.ts). */
export interface BufferBudgets {
  readonly stranger: ByteBudget;
  readonly client: ByteBudget;
  readonly peer: ByteBudget;
}

export function newBufferBudgets(sizes: {
  strangerBytesMax: number;
  clientBytesMax: number;
  peerBytesMax: number;
}): BufferBudgets {
  return {
    stranger: new ByteBudget('handshake', sizes.strangerBytesMax),
    client: new ByteBudget('client', sizes.clientBytesMax),
    peer: new ByteBudget('replica', sizes.peerBytesMax),
  };
}

export interface ConnectionOptions {
  readonly context: WireContext;
  /** What this end is: decides which messages the other end may send. */
  readonly role: 'replica' | 'client';
  /** Whether this end dialed (decides the order of proofs between replicas). */
  readonly side: AuthRole;
  /** Our hello, built when the connection opens (it carries our current view and status). */
  readonly hello: () => Omit<HelloFrame, 'nonce' | 'auth'>;
  /** The cluster secret, when this end is a replica that authenticates its peers. */
  readonly secret?: Buffer | null;
  /** Checks the other end's hello: the reason it is refused, or null to accept. */
  readonly acceptHello: (hello: HelloFrame, connection: Connection) => string | null;
  /** The other end's handshake completed: the connection is open. */
  readonly onOpen?: (connection: Connection) => void;
  readonly onFrame: (frame: Exclude<Frame, HelloFrame>, connection: Connection) => void;
  /** `error` is null when the other end closed cleanly or we closed without a complaint. */
  readonly onClose: (connection: Connection, error: string | null) => void;
  readonly budgets?: BufferBudgets | null;
  /** A client connection that sends nothing for this long is closed (replicas only); 0 = never. */
  readonly clientIdleMs?: number;
  readonly handshakeTimeoutMs?: number;
}

export function nodeName(node: NodeId): string {
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}

type Phase = 'hello' | 'auth' | 'open';

export class Connection {
  readonly remote: string;
  /** The other end's address without its port (per-address limits count by it). */
  readonly remoteAddress: string;
  peer: HelloFrame | null = null;
  closed = false;
  /** Whether the handshake ever completed (it stays true once closed). */
  opened = false;
  /** performance.now() of the last frame received: eviction picks the least recently active. */
  lastActive = performance.now();
  readonly openedAt = performance.now();
  private phase: Phase = 'hello';
  private readonly nonce = newNonce();
  private readonly decoder: FrameDecoder;
  private handshakeTimer: NodeJS.Timeout | null;
  private corked = false;
  private socketError: string | null = null;

  constructor(
    readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = normalizeAddress(socket.remoteAddress);
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.decoder = new FrameDecoder(strangerFrameBytesMax, options.budgets?.stranger ?? null);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => {
      this.socketError = error.message;
    });
    socket.on('close', () => this.finish(this.socketError));
    const timeoutMs = options.handshakeTimeoutMs ?? helloTimeoutMs;
    this.handshakeTimer = setTimeout(() => this.close(`no handshake within ${timeoutMs} ms`), timeoutMs);
    this.handshakeTimer.unref();
    const secret = options.secret ?? null;
    this.sendRaw(JSON.stringify({ ...options.hello(), nonce: this.nonce, auth: secret !== null }));
  }

  /** Who the other end said it is, for log lines. */
  get label(): string {
    return this.peer === null ? this.remote : `${nodeName(this.peer.from)} at ${this.remote}`;
  }

  /** Whether the handshake completed. */
  get isOpen(): boolean {
    return this.phase === 'open' && !this.closed;
  }

  /** Sends one frame body; returns why it could not be sent, or null. */
  sendRaw(body: string): string | null {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return 'not connected';
    const backlogMax =
      this.peer !== null && typeof this.peer.from === 'string' && this.options.role === 'replica'
        ? clientSendBacklogBytesMax
        : sendBacklogBytesMax;
    if (this.socket.writableLength > backlogMax) return 'send backlog full';
    let frame: Buffer;
    try {
      frame = encodeFrame(body);
    } catch (error) {
      if (error instanceof FrameError) return error.message;
      throw error;
    }
    // Everything one step sends to this peer leaves in one write.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    return null;
  }

  /** Closes the connection for a reason (logged by the owner through onClose). */
  close(reason: string | null): void {
    if (this.closed) return;
    this.socket.destroy();
    this.finish(reason);
  }

  private finish(error: string | null): void {
    if (this.closed) return;
    this.closed = true;
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.decoder.clear(); // give its buffers back at once, not when the object is collected
    this.socket.destroy();
    this.options.onClose(this, error);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let bodies: Buffer[];
    try {
      bodies = this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof FrameError) return this.close(error.message);
      throw error;
    }
    for (const body of bodies) {
      if (this.closed) return;
      let frame: Frame;
      try {
        frame = parseFrame(body, this.options.context);
      } catch (error) {
        if (error instanceof WireError) return this.close(`bad frame: ${error.message}`);
        throw error;
      }
      this.lastActive = performance.now();
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Frame): void {
    switch (this.phase) {
      case 'hello':
        if (frame.kind !== 'hello') return this.close(`expected a hello frame first, got ${frame.kind}`);
        return this.onHello(frame);
      case 'auth':
        if (frame.kind !== 'auth') return this.close(`expected an auth frame, got ${frame.kind}`);
        return this.onAuth(frame.proof);
      case 'open':
        break;
    }
    if (frame.kind === 'hello') return this.close('a second hello frame');
    if (frame.kind === 'auth') return this.close('an auth frame after the handshake');
    if (frame.kind === 'message') {
      const violation = senderViolation(frame.message, this.peer!.from, this.options.role);
      if (violation !== null) return this.close(`refused message: ${violation}`);
    }
    this.options.onFrame(frame, this);
  }

  private onHello(hello: HelloFrame): void {
    const secret = this.options.secret ?? null;
    const replicaPeer = typeof hello.from === 'number' && this.options.role === 'replica';
    if (replicaPeer && secret !== null && !hello.auth)
      return this.close(
        `hello refused: replica ${String(hello.from)} has no cluster secret; this replica requires one (--secret-file)`,
      );
    if (replicaPeer && secret === null && hello.auth)
      return this.close(
        `hello refused: replica ${String(hello.from)} authenticates with a cluster secret; this replica has none (--secret-file)`,
      );
    const refusal = this.options.acceptHello(hello, this);
    if (refusal !== null) return this.close(`hello refused: ${refusal}`);
    this.peer = hello;
    if (!replicaPeer || secret === null) return this.open();
    this.phase = 'auth';
    if (this.options.side === 'dialer') this.sendProof(secret, 'dialer');
  }

  private onAuth(proof: string): void {
    const secret = this.options.secret!;
    const hello = this.peer!;
    const theirRole: AuthRole = this.options.side === 'dialer' ? 'acceptor' : 'dialer';
    const me = this.options.hello().from as number;
    const expected = authProof(secret, theirRole, hello.from as number, me, this.nonce, hello.nonce);
    if (!proofMatches(expected, proof))
      return this.close(`authentication failed: ${nodeName(hello.from)} does not hold the cluster secret`);
    if (this.options.side === 'acceptor') this.sendProof(secret, 'acceptor');
    this.open();
  }

  private sendProof(secret: Buffer, role: AuthRole): void {
    const hello = this.peer!;
    const me = this.options.hello().from as number;
    const proof = authProof(secret, role, me, hello.from as number, hello.nonce, this.nonce);
    this.sendRaw(JSON.stringify({ kind: 'auth', proof }));
  }

  private open(): void {
    const hello = this.peer!;
    this.phase = 'open';
    this.opened = true;
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    const budgets = this.options.budgets ?? null;
    try {
      if (typeof hello.from === 'number') {
        this.decoder.bytesMax = frameBytesMax;
        if (budgets !== null) this.decoder.setBudget(budgets.peer);
      } else if (budgets !== null) this.decoder.setBudget(budgets.client);
    } catch (error) {
      if (error instanceof FrameError) return this.close(error.message);
      throw error;
    }
    const idleMs = this.options.clientIdleMs ?? 0;
    if (typeof hello.from === 'string' && this.options.role === 'replica' && idleMs > 0)
      this.socket.setTimeout(idleMs, () => this.close(`idle for ${idleMs} ms`));
    this.options.onOpen?.(this);
  }
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address for per-address limits. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return '?';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
