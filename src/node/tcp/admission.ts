/**
 * Who a replica lets in, and how many: separate budgets for connections still in their handshake
 * (strangers), for clients and for peer replicas, so that no class can starve another.
 *
 * - Strangers: at most `strangersMax`, and `strangersPerAddressMax` from one address. A new one is
 *   always let in; the oldest stranger (of its address, or overall) makes room. A handshake takes
 *   one round trip, so only a flood faster than that can push out an honest one, and only from its
 *   own address when it comes from one.
 * - Clients: at most `clientsMax`, `clientsPerAddressMax` from one address. When full, the least
 *   recently active client that has been quiet for `clientEvictIdleMs` makes room; when every one
 *   is busy, the newcomer is refused. A client id belongs to the first open connection that used
 *   it: another connection naming it is refused while that one is open.
 * - Peers: at most one inbound connection per replica id; a newer one replaces the older (the
 *   peer redialed). Peers are not counted against the other budgets.
 */
import type { ClientId, ReplicaId } from '../../protocol/index.ts';
import type { Connection } from './connection.ts';
import { frameBytesMax } from './wire-schema.ts';

export interface ConnectionLimits {
  readonly strangersMax: number;
  readonly strangersPerAddressMax: number;
  readonly clientsMax: number;
  readonly clientsPerAddressMax: number;
  /** A client connection that sends nothing for this long is closed (it reconnects when it needs to). */
  readonly clientIdleMs: number;
  /** A full client budget pushes out a client only if it has been quiet at least this long. */
  readonly clientEvictIdleMs: number;
  readonly handshakeTimeoutMs: number;
  /** Bytes of incomplete frames held for strangers, clients and peers, each class in total. */
  readonly strangerBufferBytesMax: number;
  readonly clientBufferBytesMax: number;
  /** Null: one largest frame per peer. */
  readonly peerBufferBytesMax: number | null;
}

export const defaultConnectionLimits: ConnectionLimits = {
  strangersMax: 256,
  strangersPerAddressMax: 64,
  clientsMax: 1024,
  clientsPerAddressMax: 512,
  clientIdleMs: 60_000,
  clientEvictIdleMs: 1_000,
  handshakeTimeoutMs: 5_000,
  strangerBufferBytesMax: 8 * 1024 * 1024,
  clientBufferBytesMax: 16 * 1024 * 1024,
  peerBufferBytesMax: null,
};

/** The peers' buffer budget: one largest frame from each other replica, at least 64 MiB. */
export function peerBufferBytes(limits: ConnectionLimits, replicaCount: number): number {
  return limits.peerBufferBytesMax ?? Math.max(64 * 1024 * 1024, (replicaCount - 1) * frameBytesMax);
}

export class Admission {
  /** In order of arrival: the first is the oldest. */
  private readonly strangers = new Set<Connection>();
  private readonly clients = new Map<ClientId, Connection>();
  private readonly peers = new Map<ReplicaId, Connection>();

  constructor(readonly limits: ConnectionLimits) {}

  get strangerCount(): number {
    return this.strangers.size;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The open connection of a client, or null. */
  client(id: ClientId): Connection | null {
    const connection = this.clients.get(id);
    return connection !== undefined && connection.isOpen ? connection : null;
  }

  /** The latest inbound connection of a peer, or null. */
  peer(id: ReplicaId): Connection | null {
    const connection = this.peers.get(id);
    return connection !== undefined && connection.isOpen ? connection : null;
  }

  /** Lets a new connection in as a stranger, closing the oldest ones that exceed a limit. */
  admitStranger(connection: Connection): void {
    const sameAddress = [...this.strangers].filter((c) => c.remoteAddress === connection.remoteAddress);
    if (sameAddress.length >= this.limits.strangersPerAddressMax)
      sameAddress[0].close(
        `pushed out: ${sameAddress.length} handshakes under way from ${connection.remoteAddress}`,
      );
    if (this.strangers.size >= this.limits.strangersMax)
      this.strangers.values().next().value?.close(`pushed out: ${this.strangers.size} handshakes under way`);
    this.strangers.add(connection);
  }

  /** The stranger finished its handshake as `id`: the reason it is refused, or null. */
  admitClient(connection: Connection, id: ClientId): string | null {
    const holder = this.clients.get(id);
    if (holder !== undefined && holder !== connection && !holder.closed)
      return `client id ${id} is in use by another connection (from ${holder.remote})`;
    const sameAddress = [...this.clients.values()].filter(
      (c) => c.remoteAddress === connection.remoteAddress,
    );
    if (sameAddress.length >= this.limits.clientsPerAddressMax) {
      const problem = this.makeRoom(
        sameAddress,
        `${sameAddress.length} clients from ${connection.remoteAddress}`,
      );
      if (problem !== null) return problem;
    }
    if (this.clients.size >= this.limits.clientsMax) {
      const problem = this.makeRoom([...this.clients.values()], `${this.clients.size} clients`);
      if (problem !== null) return problem;
    }
    this.strangers.delete(connection);
    this.clients.set(id, connection);
    return null;
  }

  /** The stranger proved it is replica `id`; an older inbound connection from it is closed. */
  admitPeer(connection: Connection, id: ReplicaId): void {
    this.strangers.delete(connection);
    const older = this.peers.get(id);
    this.peers.set(id, connection);
    if (older !== undefined && older !== connection) older.close(null);
  }

  /** Forgets a closed connection. */
  remove(connection: Connection): void {
    this.strangers.delete(connection);
    const from = connection.peer?.from;
    if (typeof from === 'string' && this.clients.get(from) === connection) this.clients.delete(from);
    if (typeof from === 'number' && this.peers.get(from) === connection) this.peers.delete(from);
  }

  /** Closes every connection it knows. */
  closeAll(): void {
    for (const connection of [...this.strangers, ...this.clients.values(), ...this.peers.values()])
      connection.close(null);
  }

  /** Pushes out the least recently active of `candidates` if it has been quiet long enough. */
  private makeRoom(candidates: Connection[], what: string): string | null {
    let oldest: Connection | null = null;
    for (const candidate of candidates)
      if (oldest === null || candidate.lastActive < oldest.lastActive) oldest = candidate;
    const quietMs = oldest === null ? 0 : performance.now() - oldest.lastActive;
    if (oldest === null || quietMs < this.limits.clientEvictIdleMs)
      return `${what} connected, all active: try again later`;
    oldest.close(`pushed out after ${Math.round(quietMs)} ms without a request (${what} connected)`);
    return null;
  }
}
