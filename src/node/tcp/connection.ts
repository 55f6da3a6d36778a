/**
 * One TCP connection speaking the wire format: hello first in both directions, then checked frames.
 * Any violation (oversized frame, broken JSON, wrong shape, unknown type, a refused hello, a message
 * its sender may not send) closes this connection with one reason; the process carries on.
 */
import type { Socket } from 'node:net';
import type { NodeId } from '../../protocol/index.ts';
import { encodeFrame, FrameDecoder, FrameError } from './framing.ts';
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

/** A peer that sends no hello in this time is dropped. */
export const helloTimeoutMs = 5_000;
/** Bytes queued on a socket beyond which further messages are dropped (the protocol resends). */
export const sendBacklogBytesMax = 64 * 1024 * 1024;

export interface ConnectionOptions {
  readonly context: WireContext;
  /** What this end is: decides which messages the other end may send. */
  readonly role: 'replica' | 'client';
  /** Our hello, built when the connection opens (it carries our current view and status). */
  readonly hello: () => HelloFrame;
  /** Checks the other end's hello: the reason it is refused, or null to accept. */
  readonly acceptHello: (hello: HelloFrame, connection: Connection) => string | null;
  /** The other end's hello was accepted: the connection is open. */
  readonly onOpen?: (connection: Connection) => void;
  readonly onFrame: (frame: Exclude<Frame, HelloFrame>, connection: Connection) => void;
  /** `error` is null when the other end closed cleanly or we closed without a complaint. */
  readonly onClose: (connection: Connection, error: string | null) => void;
}

export function nodeName(node: NodeId): string {
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}

export class Connection {
  readonly remote: string;
  peer: HelloFrame | null = null;
  closed = false;
  private readonly decoder = new FrameDecoder(strangerFrameBytesMax);
  private helloTimer: NodeJS.Timeout | null;
  private corked = false;
  private socketError: string | null = null;

  constructor(
    readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => {
      this.socketError = error.message;
    });
    socket.on('close', () => this.finish(this.socketError));
    this.helloTimer = setTimeout(() => this.close(`no hello within ${helloTimeoutMs} ms`), helloTimeoutMs);
    this.helloTimer.unref();
    this.sendRaw(JSON.stringify(options.hello()));
  }

  /** Who the other end said it is, for log lines. */
  get label(): string {
    return this.peer === null ? this.remote : `${nodeName(this.peer.from)} at ${this.remote}`;
  }

  /** Sends one frame body; returns why it could not be sent, or null. */
  sendRaw(body: string): string | null {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return 'not connected';
    if (this.socket.writableLength > sendBacklogBytesMax) return 'send backlog full';
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
    if (this.helloTimer !== null) clearTimeout(this.helloTimer);
    this.helloTimer = null;
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
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Frame): void {
    if (this.peer === null) {
      if (frame.kind !== 'hello') return this.close(`expected a hello frame first, got ${frame.kind}`);
      const refusal = this.options.acceptHello(frame, this);
      if (refusal !== null) return this.close(`hello refused: ${refusal}`);
      this.peer = frame;
      if (typeof frame.from === 'number') this.decoder.bytesMax = frameBytesMax;
      if (this.helloTimer !== null) clearTimeout(this.helloTimer);
      this.helloTimer = null;
      this.options.onOpen?.(this);
      return;
    }
    if (frame.kind === 'hello') return this.close('a second hello frame');
    if (frame.kind === 'message') {
      const violation = senderViolation(frame.message, this.peer.from, this.options.role);
      if (violation !== null) return this.close(`refused message: ${violation}`);
    }
    this.options.onFrame(frame, this);
  }
}
