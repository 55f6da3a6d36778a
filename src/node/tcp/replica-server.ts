/**
 * One replica as a process: the sans-I/O Replica from src/protocol driven by TCP and a real clock.
 *
 * - Listens on its own address (peers[id]); every other replica and every client connects in.
 * - Dials every other replica and keeps that link up with backoff. Messages to replica j leave on
 *   the link we dialed (or, while it is down, on the connection j dialed to us); a message with no
 *   open connection is dropped, as the network may drop it: the protocol resends what matters.
 * - Who may connect: admission.ts (separate budgets for handshakes, clients and peers), auth.ts
 *   (peers prove the cluster secret; without one, replica connections come from loopback only).
 * - Time: the protocol's `now` is performance.now(), a monotonic ms clock. A tick every tickMs fires
 *   each due timer (replica.dueTimer / onTimer). Each input (a message, a timer) is one step: the
 *   replica acts into an Outbox, then the step's sends go out, its notes go to stderr and the trace.
 *   The tick only schedules the timers (setImmediate): after a late wake (a GC pause, SIGSTOP), the
 *   event loop's poll phase then reads the input already waiting, say the heartbeats of a healthy
 *   primary, before an overdue view-change timer can fire and depose it.
 * - Start or restart: a process started with mode 'fresh' (`--new-cluster`) starts a new, empty
 *   cluster: view 0, empty log, normal. It refuses to start beside replicas that already hold state
 *   (group.ts). A process started with 'recover' (`--recover`, and every `restart N` of the cluster
 *   command) has lost its state, as the paper assumes, and calls Replica.restart with crypto-random
 *   entropy: it rejoins through the recovery protocol with a fresh nonce (§4.3). Either way the
 *   protocol clock starts only once f peers are connected, so a cluster whose processes come up a
 *   second apart does not begin with a round of view changes.
 * - A protocol assertion that an input trips is not a crash: messages that carry logs or state
 *   (start_view, do_view_change, new_state, recovery_response) are applied to a copy kept aside, and
 *   one that would break an invariant is refused and logged, as if lost. An assertion anywhere else
 *   stops the process (crash-stop, exit code 70): continuing on a half-applied step would be unsafe.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  AssertionError,
  faultsTolerated,
  Outbox,
  Replica,
  type Message,
  type MessageType,
  type NodeId,
  type Note,
  type NoteOf,
  type ReplicaConfig,
  type ReplicaId,
  type StateMachineKind,
  type Timing,
} from '../../protocol/index.ts';
import { noteCaption } from '../../sim/caption.ts';
import { Admission, defaultConnectionLimits, peerBufferBytes, type ConnectionLimits } from './admission.ts';
import { isLoopback } from './auth.ts';
import { formatAddress, newIncarnation, randomUint32, type Address, type LogSink } from './common.ts';
import { Connection, newBufferBudgets, type BufferBudgets } from './connection.ts';
import { Dialer } from './dialer.ts';
import { decideNewCluster, newClusterId, stateHoldersProblem } from './group.ts';
import { TraceWriter, wallClockMs, type TraceLineBody } from './trace-file.ts';
import {
  statusProblemBytesMax,
  wireVersion,
  type Frame,
  type HelloFrame,
  type ProcessStatus,
  type StatusFrame,
  type WireContext,
} from './wire-schema.ts';

/** Timers fired per tick at most: a guard, since each timer re-arms itself in the future. */
export const timersPerTickMax = 64;
/** Commit lines per second on stderr; beyond that one summary line per second. */
export const commitLinesPerSecondDefault = 20;
/** With a quorum but not every peer connected, how long to wait for the rest before starting. */
export const startGraceMs = 300;
/** How often a replica asks its peers for their status (to tell who still holds state). */
export const peerStatusEveryMs = 1_000;
/** Recovery attempts logged one by one; after that, one summary line every so often. */
export const recoveryLinesMax = 5;
/** Messages applied to a copy first: they carry logs or state, and a bad one must not crash us. */
const guardedTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  'start_view',
  'do_view_change',
  'new_state',
  'recovery_response',
]);
/** A refused message is logged once per type per this many ms (with a count). */
const refusalLogEveryMs = 5_000;

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
  /** A new cluster's id, the same on every replica started together (default: agreed at start). */
  readonly clusterId?: string;
  /** The cluster secret peers must prove (auth.ts); null: replica connections from loopback only. */
  readonly secret?: Buffer | null;
  readonly limits?: Partial<ConnectionLimits>;
  /** After this many recovery attempts (or as long in view change), say who holds state. */
  readonly stuckAttempts?: number;
  /** Every protocol note on stderr (ignored messages, prepares), not only the notable ones. */
  readonly verbose?: boolean;
  readonly commitLinesPerSecond?: number;
  /** Called after a protocol assertion failed and the server stopped itself. */
  readonly onCrash?: (error: AssertionError) => void;
  /** Called when the server refused to start (for example: a new cluster beside one with state). */
  readonly onRefusedStart?: (reason: string) => void;
}

interface PeerStatus {
  readonly status: ProcessStatus;
  readonly at: number;
}

export class ReplicaServer {
  readonly id: ReplicaId;
  readonly replicaCount: number;
  readonly incarnation = newIncarnation();
  replica: Replica | null = null;
  /** The cluster incarnation id: a candidate until the protocol starts, then fixed. Null: not known yet. */
  cluster: string | null;
  /** A plain sentence when fewer than f+1 replicas hold state, or null. */
  problem: string | null = null;
  readonly budgets: BufferBudgets;
  private readonly limits: ConnectionLimits;
  private readonly admission: Admission;
  private readonly config: ReplicaConfig;
  private readonly context: WireContext;
  private readonly server: Server;
  private readonly dialers: (Dialer | null)[];
  private readonly connections = new Set<Connection>();
  /** The latest hello of each peer (from whichever connection opened last). */
  private readonly peerHellos: (HelloFrame | null)[];
  private readonly peerStatuses: (PeerStatus | null)[];
  private readonly trace: TraceWriter | null;
  private readonly startedAt = performance.now();
  private ticker: NodeJS.Timeout | null = null;
  private timersScheduled = false;
  private startTimer: NodeJS.Timeout | null = null;
  private listeningAt: number | null = null;
  private sequence = 0;
  private stopped = false;
  private commitWindowEnd = 0;
  private commitLinesLeft = 0;
  private commitsSuppressed = 0;
  private lastCommitSuppressed = 0;
  private nextPeerPoll = 0;
  private troubleSince: number | null = null;
  private recoveryAttempts = 0;
  private lastRecoverySummary = 0;
  private readonly refusals = new Map<MessageType, { count: number; loggedAt: number }>();

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
    this.cluster = options.mode === 'fresh' ? (options.clusterId ?? newClusterId()) : null;
    this.limits = { ...defaultConnectionLimits, ...options.limits };
    this.admission = new Admission(this.limits);
    this.budgets = newBufferBudgets({
      strangerBytesMax: this.limits.strangerBufferBytesMax,
      clientBytesMax: this.limits.clientBufferBytesMax,
      peerBytesMax: peerBufferBytes(this.limits, this.replicaCount),
    });
    this.peerHellos = options.peers.map(() => null);
    this.peerStatuses = options.peers.map(() => null);
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
            secret: options.secret ?? null,
            budgets: this.budgets,
            acceptHello: (hello) => this.checkReplicaHello(hello, null),
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
        `${this.options.mode === 'fresh' ? 'new cluster' : 'restart: will recover'}; the protocol starts once the peers, or ${f} of ${this.replicaCount - 1} after ${startGraceMs} ms, are connected)`,
    );
    this.options.log(
      this.options.secret
        ? 'peers authenticate with the cluster secret'
        : 'no cluster secret (--secret-file): replica connections are accepted from loopback addresses only',
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

  /** Connections open or in their handshake: strangers, clients, peers that dialed us. */
  get inboundCount(): number {
    return this.connections.size;
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
      cluster: this.cluster,
      problem: this.problem === null ? null : this.problem.slice(0, statusProblemBytesMax / 3),
    };
  }

  // ---------------------------------------------------------------- connections

  private hello(): Omit<HelloFrame, 'nonce' | 'auth'> {
    return {
      kind: 'hello',
      version: wireVersion,
      from: this.id,
      replicas: this.replicaCount,
      incarnation: this.incarnation,
      stateMachine: this.options.stateMachine,
      view: this.replica?.view ?? null,
      status: this.replica?.status ?? 'starting',
      opNumber: this.replica?.opNumber ?? null,
      // A candidate is not announced as fixed: peers see it only as a starting replica's proposal.
      cluster: this.cluster,
    };
  }

  /** Checks a peer's hello; `connection` is the inbound connection, null when we dialed. */
  private checkReplicaHello(hello: HelloFrame, connection: Connection | null): string | null {
    if (hello.from === this.id) return `replica ${this.id} is this replica`;
    if (hello.stateMachine !== this.options.stateMachine)
      return `replica ${String(hello.from)} runs the ${hello.stateMachine ?? 'no'} state machine, this cluster runs ${this.options.stateMachine}`;
    if (connection !== null && !this.options.secret && !isLoopback(connection.remoteAddress))
      return `a replica connection from ${connection.remoteAddress} (not loopback) needs a cluster secret: start every replica with --secret-file`;
    // Only running replicas have a fixed cluster id; a starting or recovering one may still adopt ours.
    const fixed = this.replica !== null && this.cluster !== null;
    if (fixed && hello.cluster !== null && hello.cluster !== this.cluster && hello.status !== 'starting')
      return `replica ${String(hello.from)} belongs to cluster incarnation ${hello.cluster}, this replica to ${this.cluster} (two groups were started side by side: one of them with --new-cluster)`;
    return null;
  }

  private accept(socket: Socket): void {
    if (this.stopped) return void socket.destroy();
    const connection = new Connection(socket, {
      context: this.context,
      role: 'replica',
      side: 'acceptor',
      hello: () => this.hello(),
      secret: this.options.secret ?? null,
      budgets: this.budgets,
      clientIdleMs: this.limits.clientIdleMs,
      handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
      acceptHello: (hello, c) =>
        typeof hello.from === 'number'
          ? this.checkReplicaHello(hello, c)
          : this.admission.admitClient(c, hello.from),
      onOpen: (c) => {
        const from = c.peer!.from;
        if (typeof from === 'number') {
          this.admission.admitPeer(c, from);
          this.peerHellos[from] = c.peer;
          this.maybeStartProtocol();
        }
        this.traceConn('up', from, c.remote, null);
      },
      onFrame: (frame, c) => this.onFrame(frame, c),
      onClose: (c, error) => this.onInboundClosed(c, error),
    });
    this.connections.add(connection);
    if (!connection.closed) this.admission.admitStranger(connection);
  }

  private onInboundClosed(connection: Connection, error: string | null): void {
    this.connections.delete(connection);
    this.admission.remove(connection);
    const from = connection.peer?.from;
    if (this.stopped) return;
    // An idle client is routine (it reconnects when it needs to): not worth a line.
    const routine = error?.startsWith('idle for ') ?? false;
    if (error !== null && !routine) {
      this.options.log(`closed connection from ${connection.label}: ${error}`);
      this.traceConn(connection.opened ? 'down' : 'refused', from ?? null, connection.remote, error);
    } else if (from !== undefined) this.traceConn('down', from, connection.remote, error);
  }

  private onPeerUp(peer: ReplicaId, connection: Connection): void {
    this.peerHellos[peer] = connection.peer;
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
    if (typeof peer === 'string') return this.admission.client(peer);
    const dialer = this.dialers[peer];
    if (dialer?.isOpen) return dialer.connection;
    return this.admission.peer(peer);
  }

  private onFrame(frame: Exclude<Frame, HelloFrame>, connection: Connection): void {
    if (this.stopped) return;
    switch (frame.kind) {
      case 'message': {
        const replica = this.replica;
        if (replica === null) return; // not started yet: as if the message were lost
        const from = connection.peer!.from;
        this.receive(replica, from, frame.id, frame.message);
        return;
      }
      case 'status_request':
        connection.sendRaw(JSON.stringify(this.status()));
        return;
      case 'status': {
        // Peers answer our polls (clients never send status frames: the connection refuses them).
        const from = connection.peer!.from;
        if (typeof from === 'number' && frame.replica === from)
          this.peerStatuses[from] = { status: frame.status, at: performance.now() };
        return;
      }
      case 'auth':
        return; // the connection handles these during its handshake
    }
  }

  /**
   * One message to the replica. A message that carries logs or state is applied to a copy first;
   * if it trips a protocol assertion the copy is thrown away, the message refused and logged.
   */
  private receive(replica: Replica, from: NodeId, id: string, message: Message): void {
    const now = performance.now();
    const cause: TraceLineBody = { kind: 'receive', id, from, message };
    if (!guardedTypes.has(message.type))
      return this.step(now, cause, (out) => replica.onMessage(from, message, now, out));
    const copy = replica.clone();
    const out = new Outbox();
    try {
      copy.onMessage(from, message, now, out);
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      return this.refuse(from, id, message, error);
    }
    this.replica = copy;
    this.record(now, cause, out);
  }

  private refuse(from: NodeId, id: string, message: Message, error: AssertionError): void {
    const reason = `it would break a protocol invariant (${error.message})`;
    this.trace?.writeStep(wallClockMs(), [
      { kind: 'receive', id, from, message },
      { kind: 'note', note: { kind: 'ignored', messageType: message.type, reason } },
    ]);
    const now = performance.now();
    const seen = this.refusals.get(message.type) ?? { count: 0, loggedAt: -Infinity };
    seen.count++;
    this.refusals.set(message.type, seen);
    if (now - seen.loggedAt < refusalLogEveryMs) return;
    const more = seen.count > 1 ? ` (${seen.count} refused since the last such line)` : '';
    this.options.log(
      `refused ${message.type} from ${typeof from === 'number' ? `replica ${from}` : from}: ${reason}${more}`,
    );
    seen.count = 0;
    seen.loggedAt = now;
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
    const mode = this.options.mode === 'fresh' ? this.settleNewCluster() : 'recover';
    if (mode === null) return;
    const start: TraceLineBody = {
      kind: 'start',
      mode,
      replicas: this.replicaCount,
      stateMachine: this.options.stateMachine,
      timing: this.options.timing,
      listen: formatAddress(this.address),
      pid: process.pid,
    };
    if (mode === 'fresh') {
      this.replica = Replica.start(this.config, now);
      this.options.log(
        `${connected} of ${this.replicaCount - 1} peers connected: started as a member of new cluster ${this.cluster} (view 0, ${this.replica.isPrimary() ? 'primary' : 'backup'})`,
      );
      this.step(now, start, () => {});
    } else {
      this.adoptClusterFromPeers();
      this.options.log(
        `${connected} of ${this.replicaCount - 1} peers connected: ${this.options.mode === 'fresh' ? 'the cluster already holds state, joining it by recovery' : 'state lost, starting recovery'}`,
      );
      this.step(now, start, (out) => {
        this.replica = Replica.restart(this.config, now, randomUint32(), out);
      });
    }
  }

  /**
   * How a replica started with --new-cluster begins (group.ts): as a new cluster's member, by
   * recovery into its own named cluster that started without it, or not at all (null).
   */
  private settleNewCluster(): ReplicaStartMode | null {
    const hellos = this.peerHellos.filter((hello): hello is HelloFrame => hello !== null);
    const announced = this.cluster!;
    const decision = decideNewCluster(announced, this.options.clusterId !== undefined, hellos);
    if (decision.kind === 'refuse') {
      this.options.log(`refusing to start a new cluster: ${decision.reason}`);
      void this.stop(`refused to start: ${decision.reason}`).then(() =>
        this.options.onRefusedStart?.(decision.reason),
      );
      return null;
    }
    this.cluster = decision.cluster;
    // Peers saw our candidate while we were starting; show them the id we settled on.
    if (this.cluster !== announced) this.rehandshakePeers();
    return decision.kind === 'start' ? 'fresh' : 'recover';
  }

  /** A recovering replica belongs to the cluster of the running replicas it hears from. */
  private adoptClusterFromPeers(): void {
    if (this.cluster !== null) return;
    const running = this.peerHellos.filter(
      (hello): hello is HelloFrame => hello !== null && hello.status !== 'starting' && hello.cluster !== null,
    );
    if (running.length === 0) return;
    this.cluster = running.map((hello) => hello.cluster!).sort()[0];
    this.options.log(`rejoining cluster incarnation ${this.cluster}`);
  }

  private rehandshakePeers(): void {
    for (const dialer of this.dialers) dialer?.redial();
    for (let peer = 0; peer < this.replicaCount; peer++) this.admission.peer(peer)?.close(null);
  }

  private tick(): void {
    if (this.stopped) return;
    this.flushCommitSummary();
    if (this.replica === null) return;
    if (!this.timersScheduled) {
      // After the poll phase: input waiting since a late wake is read before overdue timers fire.
      this.timersScheduled = true;
      setImmediate(() => {
        this.timersScheduled = false;
        this.fireDueTimers();
      });
    }
    this.watchGroup();
  }

  private fireDueTimers(): void {
    for (let fired = 0; fired < timersPerTickMax; fired++) {
      const replica = this.replica;
      if (this.stopped || replica === null) return;
      const now = performance.now();
      const timer = replica.dueTimer(now);
      if (timer === null) return;
      this.step(now, { kind: 'timer', timer }, (out) => replica.onTimer(timer, now, out));
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
    this.record(now, cause, out);
  }

  private record(now: number, cause: TraceLineBody, out: Outbox): void {
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

  // ---------------------------------------------------------------- who holds state

  /**
   * Polls the peers' status every second and says so, once, when fewer than f+1 replicas have held
   * state for a while: a recovering replica would otherwise retry forever in silence, and a
   * survivor climb views.
   */
  private watchGroup(): void {
    const replica = this.replica;
    if (replica === null) return;
    const now = performance.now();
    if (now < this.nextPeerPoll) return;
    this.nextPeerPoll = now + peerStatusEveryMs;
    for (let peer = 0; peer < this.replicaCount; peer++)
      if (peer !== this.id) this.linkTo(peer)?.sendRaw('{"kind":"status_request"}');
    if (this.cluster === null && replica.status === 'recovering') this.adoptClusterFromPeers();
    const staleMs = 3 * peerStatusEveryMs;
    const statuses = this.peerStatuses.map((peer, index): ProcessStatus | 'unreachable' => {
      if (index === this.id) return replica.status;
      return peer === null || now - peer.at > staleMs || this.linkTo(index) === null
        ? 'unreachable'
        : peer.status;
    });
    const problem = stateHoldersProblem(this.id, statuses);
    if (problem === null) {
      this.troubleSince = null;
      if (this.problem !== null)
        this.options.log('enough replicas hold state again: the group can make progress');
      this.problem = null;
      return;
    }
    this.troubleSince ??= now;
    const patienceMs = (this.options.stuckAttempts ?? 10) * this.options.timing.recoveryRetryMs;
    if (now - this.troubleSince < patienceMs) return;
    if (problem !== this.problem) this.options.log(`cannot make progress: ${problem}`);
    this.problem = problem;
  }

  // ---------------------------------------------------------------- stderr

  private logNote(note: Note, now: number): void {
    switch (note.kind) {
      case 'executed':
        return this.logCommit(note, now);
      case 'recovery-started':
        return this.logRecoveryAttempt(note, now);
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

  /** The first attempts one by one, then a line every ten seconds: a stuck recovery must not flood stderr. */
  private logRecoveryAttempt(note: NoteOf<'recovery-started'>, now: number): void {
    this.recoveryAttempts++;
    if (this.options.verbose || this.recoveryAttempts <= recoveryLinesMax)
      return this.options.log(noteCaption(note));
    if (now - this.lastRecoverySummary < 10_000) return;
    this.lastRecoverySummary = now;
    this.options.log(
      `still recovering after ${this.recoveryAttempts} attempts${this.problem === null ? '' : `: ${this.problem}`}`,
    );
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
