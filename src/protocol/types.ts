/** Identifiers and limits shared by every layer. */

/** A replica is its index in the sorted configuration, 0..n-1. */
export type ReplicaId = number;
/** A client is named "c0", "c1", ... */
export type ClientId = string;
export type NodeId = ReplicaId | ClientId;

export const replicasMax = 9;
export const clientsMax = 16;
/** Operations are short text commands (`put x 1`); longer ones are refused at the boundary. */
export const opBytesMax = 256;

export function isReplicaId(node: NodeId): node is ReplicaId {
  return typeof node === 'number';
}

export function clientIndex(client: ClientId): number {
  // Digits read in place: checkers and the simulator ask this for nearly every event.
  if (client.length < 2 || client.length > 10) return Number(client.slice(1));
  let index = 0;
  for (let i = 1; i < client.length; i++) {
    const digit = client.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(client.slice(1));
    index = index * 10 + digit;
  }
  return index;
}

export function clientName(index: number): ClientId {
  return `c${index}`;
}

/** n = 2f + 1: the number of failures a cluster of n replicas survives. */
export function faultsTolerated(replicaCount: number): number {
  return (replicaCount - 1) >> 1;
}

/** The primary of view v is replica v mod n (§4). */
export function primaryOf(view: number, replicaCount: number): ReplicaId {
  return view % replicaCount;
}

export function isValidClusterSize(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= replicasMax && n % 2 === 1;
}
