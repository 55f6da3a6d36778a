/**
 * One replica as a process: the sans-I/O Replica from src/protocol driven by TCP and a real clock.
 *
 * - Listens on its own address (peers[id]); every other replica and every client connects in.
 * - Dials every other replica and keeps that link up with backoff. Messages to replica j leave on
 *   the link we dialed (or, while it is down, on the connection j dialed to us); a message with no
 *   open connection is dropped, as the network may drop it: the protocol resends what matters.
 * - Time: the protocol's `now` is performance.now(), a monotonic ms clock. A tick every tickMs fires
 *   each due timer (replica.dueTimer / onTimer). Each input (a message, a timer) is one step: the
 *   replica acts into an Outbox, then the step's sends go out, its notes go to stderr and the trace.
 * - Start or restart: a process started with mode 'fresh' calls Replica.start (view 0, empty log,
 *   normal): only right when the whole cluster starts together. A process started with 'recover'
 *   (`--recover`, and every `restart N` of the cluster command) has lost its state, as the paper
 *   assumes, and calls Replica.restart with crypto-random entropy: it rejoins through the recovery
 *   protocol with a fresh nonce (§4.3). Starting fresh later, into a running cluster, would let an
 *   empty log vote in a view change and lose committed ops: never do it. Either way the protocol
 *   clock starts only once f peers are connected, so a cluster whose processes come up a second
 *   apart does not begin with a round of view changes.
 * - A protocol assertion failure stops the process (crash-stop, exit code 70): continuing on a
 *   half-applied step would be unsafe, and restarting with --recover is the paper's crash.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  AssertionError,
  faultsTolerated,
  Outbox,
  Replica,
  type ClientId,
  type Message,
  type NodeId,
  type Note,
  type NoteOf,
  type ReplicaConfig,
  type ReplicaId,
  type StateMachineKind,
  type Timing,
} from '../../protocol/index.ts';
import { noteCaption } from '../../sim/caption.ts';
import { formatAddress, newIncarnation, randomUint32, type Address, type LogSink } from './common.ts';
import { Connection } from './connection.ts';
import { Dialer } from './dialer.ts';
import { TraceWriter, wallClockMs, type TraceLineBody } from './trace-file.ts';
import {
  wireVersion,
  type Frame,
  type HelloFrame,
  type StatusFrame,
  type WireContext,
} from './wire-schema.ts';

/** Connections a replica accepts at once (peers, clients, status probes). */
export const connectionsMax = 1_024;
/** Timers fired per tick at most: a guard, since each timer re-arms itself in the future. */
export const timersPerTickMax = 64;
/** Commit lines per second on stderr; beyond that one summary line per second. */
export const commitLinesPerSecondDefault = 20;
/** With a quorum but not every peer connected, how long to wait for the rest before starting. */
export const startGraceMs = 300;

export type ReplicaStartMode = 'fresh' | 'recover';

export interface ReplicaServerOptions {
  readonly id: ReplicaId;
  readonly peers: readonly Address[];
  readonly stateMachine: StateMachineKind;
  readonly timing: Timing;
  readonly tickMs: number;
  readonly mode: ReplicaStartMode;
  readonly tracePath: string | null;
  readonly log: LogSink;
  /** Every protocol note on stderr (ignored messages, prepares), not only the notable ones. */
  readonly verbose?: boolean;
  readonly commitLinesPerSecond?: number;
  /** Called after a protocol assertion failed and the server stopped itself. */
  readonly onCrash?: (error: AssertionError) => void;
}

export class ReplicaServer {
  readonly id: ReplicaId;
  readonly replicaCount: number;
  readonly incarnation = newIncarnation();
  replica: Replica | null = null;
  private readonly config: ReplicaConfig;
  private readonly context: WireContext;
  private readonly server: Server;
  private readonly dialers: (Dialer | null)[];
  /** The latest connection each replica dialed to us. */
  private readonly inbound = new Map<ReplicaId, Connection>();
  private readonly clients = new Map<ClientId, Connection>();
  private readonly connections = new Set<Connection>();
  private readonly trace: TraceWriter | null;
  private readonly startedAt = performance.now();
  private ticker: NodeJS.Timeout | null = null;
  private startTimer: NodeJS.Timeout | null = null;
  private listeningAt: number | null = null;
  private sequence = 0;
  private stopped = false;
  private commitWindowEnd = 0;
  private commitLinesLeft = 0;
  private commitsSuppressed = 0;
  private lastCommitSuppressed = 0;

  constructor(private readonly options: ReplicaServerOptions) {
    this.id = options.id;
    this.replicaCount = options.peers.length;
    if (options.id < 0 || options.id >= this.replicaCount)
      throw new RangeError(`replica ${options.id} is not in a ${this.replicaCount}-replica configuration`);
    this.config = {
      id: options.id,
      replicaCount: this.replicaCount,
      stateMachine: options.stateMachine,
      timing: options.timing,
      mutation: 'none',
    };
    this.context = { replicaCount: this.replicaCount, stateMachine: options.stateMachine };
    this.trace =
      options.tracePath === null ? null : new TraceWriter(options.tracePath, this.id, this.incarnation);
    this.server = createServer((socket) => this.accept(socket));
    this.dialers = options.peers.map((address, peer) =>
      peer === this.id
        ? null
        : new Dialer({
            target: peer,
            address,
            context: this.context,
            role: 'replica',
            hello: () => this.hello(),
            acceptHello: (hello) => this.checkReplicaHello(hello),
            onFrame: (frame, connection) => this.onFrame(frame, connection),
            onUp: (connection) => this.onPeerUp(peer, connection),
            onDown: (connection, reason) => this.traceConn('down', peer, connection.remote, reason),
            log: options.log,
          }),
    );
  }

  get address(): Address {
    return this.options.peers[this.id];
  }

  /** Listens, dials the peers, starts the clock. Resolves once listening. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.address.port, this.address.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (error) => this.options.log(`listener error: ${error.message}`));
    this.listeningAt = performance.now();
    const f = faultsTolerated(this.replicaCount);
    this.options.log(
      `listening on ${formatAddress(this.address)} (${this.replicaCount} replicas, ${this.options.stateMachine}, ` +
        `${this.options.mode === 'fresh' ? 'fresh start' : 'restart: will recover'}; the protocol starts once the peers, or ${f} of ${this.replicaCount - 1} after ${startGraceMs} ms, are connected)`,
    );
    for (const dialer of this.dialers) dialer?.start();
    this.ticker = setInterval(() => this.tick(), this.options.tickMs);
    this.maybeStartProtocol();
  }

  /** Stops everything this server runs; the trace gets a stop line. */
  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    if (this.startTimer !== null) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.trace?.writeStep(wallClockMs(), [{ kind: 'stop', reason }]);
    this.trace?.close();
    for (const dialer of this.dialers) dialer?.stop();
    for (const connection of this.connections) connection.close(null);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Peers we can send to right now. */
  connectedPeers(): ReplicaId[] {
    const peers: ReplicaId[] = [];
    for (let peer = 0; peer < this.replicaCount; peer++)
      if (peer !== this.id && this.linkTo(peer) !== null) peers.push(peer);
    return peers;
  }

  status(): StatusFrame {
    const replica = this.replica;
    return {
      kind: 'status',
      replica: this.id,
      incarnation: this.incarnation,
      status: replica === null ? 'starting' : replica.status,
      view: replica?.view ?? 0,
      primary: replica?.primary ?? 0,
      opNumber: replica?.opNumber ?? 0,
      commitNumber: replica?.commitNumber ?? 0,
      digest: replica === null ? 0 : replica.stateMachine.digest() >>> 0,
      peers: this.connectedPeers(),
      uptimeMs: Math.round(performance.now() - this.startedAt),
    };
  }

  // ---------------------------------------------------------------- connections

  private hello(): HelloFrame {
    return {
      kind: 'hello',
      version: wireVersion,
      from: this.id,
      replicas: this.replicaCount,
      incarnation: this.incarnation,
      stateMachine: this.options.stateMachine,
      view: this.replica?.view ?? null,
      status: this.replica?.status ?? 'starting',
    };
  }

  private checkReplicaHello(hello: HelloFrame): string | null {
    if (hello.from === this.id) return `replica ${this.id} is this replica`;
    if (hello.stateMachine !== this.options.stateMachine)
      return `replica ${String(hello.from)} runs the ${hello.stateMachine ?? 'no'} state machine, this cluster runs ${this.options.stateMachine}`;
    return null;
  }

  private accept(socket: Socket): void {
    if (this.stopped || this.connections.size >= connectionsMax) {
      this.options.log(
        `refused a connection from ${socket.remoteAddress}:${socket.remotePort}: ${connectionsMax} connections open`,
      );
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, {
      context: this.context,
      role: 'replica',
      hello: () => this.hello(),
      acceptHello: (hello) => (typeof hello.from === 'number' ? this.checkReplicaHello(hello) : null),
      onOpen: (c) => {
        const from = c.peer!.from;
        if (typeof from === 'number') {
          this.inbound.set(from, c);
          this.maybeStartProtocol();
        } else this.clients.set(from, c);
        this.traceConn('up', from, c.remote, null);
      },
      onFrame: (frame, c) => this.onFrame(frame, c),
      onClose: (c, error) => this.onInboundClosed(c, error),
    });
    this.connections.add(connection);
  }

  private onInboundClosed(connection: Connection, error: string | null): void {
    this.connections.delete(connection);
    const from = connection.peer?.from;
    if (typeof from === 'number' && this.inbound.get(from) === connection) this.inbound.delete(from);
    if (typeof from === 'string' && this.clients.get(from) === connection) this.clients.delete(from);
    if (error !== null && !this.stopped) {
      this.options.log(`closed connection from ${connection.label}: ${error}`);
      this.traceConn(connection.peer === null ? 'refused' : 'down', from ?? null, connection.remote, error);
    } else if (from !== undefined) this.traceConn('down', from, connection.remote, null);
  }

  private onPeerUp(peer: ReplicaId, connection: Connection): void {
    this.traceConn('up', peer, connection.remote, null);
    this.maybeStartProtocol();
  }

  private traceConn(
    event: 'up' | 'down' | 'refused',
    peer: NodeId | null,
    remote: string,
    reason: string | null,
  ): void {
    this.trace?.writeStep(wallClockMs(), [{ kind: 'conn', event, peer, remote, reason }]);
  }

  /** The connection a message to `peer` leaves on: the one we dialed, else the one it dialed. */
  private linkTo(peer: NodeId): Connection | null {
    if (typeof peer === 'string') {
      const client = this.clients.get(peer);
      return client !== undefined && !client.closed ? client : null;
    }
    const dialer = this.dialers[peer];
    if (dialer?.isOpen) return dialer.connection;
    const inbound = this.inbound.get(peer);
    return inbound !== undefined && !inbound.closed ? inbound : null;
  }

  private onFrame(frame: Exclude<Frame, HelloFrame>, connection: Connection): void {
    if (this.stopped) return;
    switch (frame.kind) {
      case 'message': {
        const replica = this.replica;
        if (replica === null) return; // not started yet: as if the message were lost
        const from = connection.peer!.from;
        const message = frame.message;
        const now = performance.now();
        this.step(now, { kind: 'receive', id: frame.id, from, message }, (out) =>
          replica.onMessage(from, message, now, out),
        );
        return;
      }
      case 'status_request':
        connection.sendRaw(JSON.stringify(this.status()));
        return;
      case 'status':
        return; // replicas ask for status, they do not take it
    }
  }

  // ---------------------------------------------------------------- the protocol

  /**
   * Starts the protocol once every peer is connected, or once f are and startGraceMs have passed
   * since we began listening: a replica that starts (or recovers) with a quorum but not everyone
   * would only lose its first messages to the late ones.
   */
  private maybeStartProtocol(): void {
    if (this.replica !== null || this.stopped || this.listeningAt === null) return;
    const f = faultsTolerated(this.replicaCount);
    const connected = this.connectedPeers().length;
    const now = performance.now();
    if (connected < this.replicaCount - 1) {
      if (connected < f) return;
      const graceLeft = this.listeningAt + startGraceMs - now;
      if (graceLeft > 0) {
        if (this.startTimer === null)
          this.startTimer = setTimeout(() => {
            this.startTimer = null;
            this.maybeStartProtocol();
          }, graceLeft + 1);
        return;
      }
    }
    const start: TraceLineBody = {
      kind: 'start',
      mode: this.options.mode,
      replicas: this.replicaCount,
      stateMachine: this.options.stateMachine,
      timing: this.options.timing,
      listen: formatAddress(this.address),
      pid: process.pid,
    };
    if (this.options.mode === 'fresh') {
      this.replica = Replica.start(this.config, now);
      this.options.log(
        `${connected} of ${this.replicaCount - 1} peers connected: started as a fresh cluster member (view 0, ${this.replica.isPrimary() ? 'primary' : 'backup'})`,
      );
      this.step(now, start, () => {});
    } else {
      this.options.log(
        `${connected} of ${this.replicaCount - 1} peers connected: state lost, starting recovery`,
      );
      this.step(now, start, (out) => {
        this.replica = Replica.restart(this.config, now, randomUint32(), out);
      });
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.flushCommitSummary();
    const replica = this.replica;
    if (replica === null) return;
    for (let fired = 0; fired < timersPerTickMax; fired++) {
      const now = performance.now();
      const timer = replica.dueTimer(now);
      if (timer === null) return;
      this.step(now, { kind: 'timer', timer }, (out) => replica.onTimer(timer, now, out));
      if (this.stopped) return;
    }
  }

  /** One input to the replica: act, then send, log and trace what it produced. */
  private step(now: number, cause: TraceLineBody, act: (out: Outbox) => void): void {
    const out = new Outbox();
    try {
      act(out);
    } catch (error) {
      if (error instanceof AssertionError) return this.crash(error);
      throw error;
    }
    const lines: TraceLineBody[] | null = this.trace === null ? null : [cause];
    const encoded = new Map<Message, string>();
    for (const { to, message } of out.sends) {
      const id = `${this.id}.${this.incarnation}.${++this.sequence}`;
      let json = encoded.get(message);
      if (json === undefined) {
        json = JSON.stringify(message);
        encoded.set(message, json);
      }
      const lost = this.transmit(to, id, json);
      lines?.push({ kind: 'send', id, to, message, lost });
    }
    for (const note of out.notes) {
      lines?.push({ kind: 'note', note });
      this.logNote(note, now);
    }
    if (lines !== null) this.trace!.writeStep(wallClockMs(), lines);
  }

  private transmit(to: NodeId, id: string, messageJson: string): string | null {
    if (to === this.id) return 'addressed to itself';
    const connection = this.linkTo(to);
    if (connection === null) return 'not connected';
    const problem = connection.sendRaw(`{"kind":"message","id":"${id}","message":${messageJson}}`);
    // Lost to a down link is the network's business; anything else deserves a line.
    if (problem !== null && problem !== 'not connected')
      this.options.log(
        `dropped message ${id} to ${typeof to === 'number' ? `replica ${to}` : to}: ${problem}`,
      );
    return problem;
  }

  private crash(error: AssertionError): void {
    this.options.log(
      `protocol assertion failed: ${error.message}; stopping (restart this replica with --recover)`,
    );
    this.trace?.writeStep(wallClockMs(), [{ kind: 'crash', error: error.message }]);
    void this.stop(`assertion failed: ${error.message}`).then(() => this.options.onCrash?.(error));
  }

  // ---------------------------------------------------------------- stderr

  private logNote(note: Note, now: number): void {
    switch (note.kind) {
      case 'executed':
        return this.logCommit(note, now);
      case 'ignored':
      case 'prepared':
      case 'invoked':
      case 'completed':
      case 'client-retry':
        if (this.options.verbose) this.options.log(noteCaption(note));
        return;
      default:
        this.options.log(noteCaption(note));
    }
  }

  /** Commit lines up to a rate, then one summary per second: stderr stays readable under load. */
  private logCommit(note: NoteOf<'executed'>, now: number): void {
    if (now >= this.commitWindowEnd) {
      this.flushCommitSummary(true);
      this.commitWindowEnd = now + 1_000;
      this.commitLinesLeft = this.options.commitLinesPerSecond ?? commitLinesPerSecondDefault;
    }
    if (this.options.verbose || this.commitLinesLeft > 0) {
      this.commitLinesLeft--;
      this.options.log(
        `committed op ${note.opNumber} '${note.entry.op}' from ${note.entry.client} → '${note.result}'`,
      );
      return;
    }
    this.commitsSuppressed++;
    this.lastCommitSuppressed = note.opNumber;
  }

  private flushCommitSummary(force = false): void {
    if (this.commitsSuppressed === 0) return;
    if (!force && performance.now() < this.commitWindowEnd) return;
    this.options.log(
      `… and ${this.commitsSuppressed} more ops committed, up to op ${this.lastCommitSuppressed}`,
    );
    this.commitsSuppressed = 0;
  }
}
