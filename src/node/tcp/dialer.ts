/**
 * Keeps one outgoing connection to a replica open: dials, says hello, checks that the replica that
 * answers is the one configured at that address, and redials with backoff whenever it drops.
 */
import { connect } from 'node:net';
import { backoffMs, backoffMsMax, formatAddress, type Address, type LogSink } from './common.ts';
import { Connection, type BufferBudgets } from './connection.ts';
import type { Frame, HelloFrame, WireContext } from './wire-schema.ts';

/** A connect attempt that has not completed in this time is abandoned and retried. */
export const connectTimeoutMs = 2_000;

export interface DialerOptions {
  readonly target: number;
  readonly address: Address;
  readonly context: WireContext;
  readonly role: 'replica' | 'client';
  readonly hello: () => Omit<HelloFrame, 'nonce' | 'auth'>;
  /** The cluster secret (replicas dialing replicas), or null. */
  readonly secret?: Buffer | null;
  readonly budgets?: BufferBudgets | null;
  /** Checks beyond "it is replica `target` of this configuration"; the reason to refuse, or null. */
  readonly acceptHello?: (hello: HelloFrame) => string | null;
  readonly onFrame: (frame: Exclude<Frame, HelloFrame>, connection: Connection) => void;
  readonly onUp?: (connection: Connection) => void;
  readonly onDown?: (connection: Connection, error: string | null) => void;
  readonly log: LogSink;
}

export class Dialer {
  /** The open connection (hello accepted), or null. */
  connection: Connection | null = null;
  /** Why the last attempt failed (connect error, refused hello), until a connection opens. */
  lastProblem: string | null = null;
  /** A connection whose hello exchange is still under way. */
  private handshaking: Connection | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Whether the current outage was already reported (one line per outage, not per attempt). */
  private outageReported = false;
  /** A drop and reconnection we asked for (redial): not worth a line. */
  private quiet = false;
  private readonly name: string;

  constructor(private readonly options: DialerOptions) {
    this.name = `replica ${options.target} at ${formatAddress(options.address)}`;
  }

  get isOpen(): boolean {
    return this.connection !== null && this.connection.isOpen;
  }

  /** Drops the open connection (if any) and dials again at once, e.g. to send a new hello. */
  redial(): void {
    if (this.stopped) return;
    this.quiet = true;
    this.connection?.close(null);
    this.handshaking?.close(null);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.dial();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const connection = this.connection;
    this.connection = null;
    connection?.close(null);
    this.handshaking?.close(null);
    this.handshaking = null;
  }

  private dial(): void {
    this.timer = null;
    if (this.stopped) return;
    const socket = connect({ host: this.options.address.host, port: this.options.address.port });
    let connected = false;
    let error: string | null = null;
    socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error('connect timed out')));
    socket.on('error', (e: Error) => {
      error = (e as NodeJS.ErrnoException).code ?? e.message;
    });
    socket.once('close', () => {
      if (!connected) this.failed(error ?? 'closed');
    });
    socket.once('connect', () => {
      connected = true;
      socket.setTimeout(0);
      if (this.stopped) return void socket.destroy();
      this.handshaking = new Connection(socket, {
        context: this.options.context,
        role: this.options.role,
        side: 'dialer',
        hello: this.options.hello,
        secret: this.options.secret ?? null,
        budgets: this.options.budgets ?? null,
        acceptHello: (hello) => {
          if (hello.from !== this.options.target)
            return `expected replica ${this.options.target} at ${formatAddress(this.options.address)}, it says it is ${typeof hello.from === 'number' ? `replica ${hello.from}` : `client ${hello.from}`}`;
          return this.options.acceptHello?.(hello) ?? null;
        },
        onOpen: (c) => this.up(c),
        onFrame: this.options.onFrame,
        onClose: (c, reason) => this.down(c, reason),
      });
    });
  }

  private up(connection: Connection): void {
    if (this.handshaking === connection) this.handshaking = null;
    if (this.stopped) return void connection.close(null);
    this.connection = connection;
    this.attempt = 0;
    this.outageReported = false;
    this.lastProblem = null;
    if (!this.quiet) this.options.log(`connected to ${this.name}`);
    this.quiet = false;
    this.options.onUp?.(connection);
  }

  private down(connection: Connection, reason: string | null): void {
    if (this.handshaking === connection) this.handshaking = null;
    const wasUp = this.connection === connection;
    if (wasUp) {
      this.connection = null;
      if (!this.quiet) {
        this.options.log(
          `lost connection to ${this.name}${reason === null ? '' : `: ${reason}`}; reconnecting`,
        );
        this.outageReported = true;
      }
      this.options.onDown?.(connection, reason);
    } else if (reason !== null) {
      this.lastProblem = reason;
      this.options.log(`connection to ${this.name} refused: ${reason}`);
      this.outageReported = true;
    }
    this.failed(null);
  }

  private failed(error: string | null): void {
    if (this.stopped || this.timer !== null) return;
    if (error !== null) this.lastProblem = error;
    if (error !== null && !this.outageReported) {
      this.options.log(`${this.name} unreachable (${error}); retrying with backoff up to ${backoffMsMax} ms`);
      this.outageReported = true;
    }
    this.timer = setTimeout(() => this.dial(), backoffMs(this.attempt++));
  }
}
