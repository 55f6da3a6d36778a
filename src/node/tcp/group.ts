/**
 * The group a replica belongs to: its cluster incarnation id, and whether enough replicas still
 * hold state for it to make progress.
 *
 * VR Revisited keeps nothing on disk (§4.3): a replica's state lives only in its process. A group
 * works while f+1 replicas hold state; once more than f lose it together, nobody can rebuild what
 * only they held. The cluster incarnation id makes the other failure explicit: a replica started
 * with --new-cluster (empty state) must never join a group that has state, and two groups started
 * side by side must never mix.
 */
import { randomBytes } from 'node:crypto';
import { faultsTolerated } from '../../protocol/index.ts';
import type { HelloFrame, ProcessStatus } from './wire-schema.ts';

/** A fresh cluster incarnation id: 64 random bits in hex. */
export function newClusterId(): string {
  return randomBytes(8).toString('hex');
}

export type NewClusterDecision =
  | { readonly kind: 'start'; readonly cluster: string }
  | { readonly kind: 'recover'; readonly cluster: string }
  | { readonly kind: 'refuse'; readonly reason: string };

/**
 * What a replica started with --new-cluster does, given the hellos of the peers it reached. Its
 * candidate id is `given` when the launcher named the cluster (--cluster-id), else random.
 * - Peers of the same named cluster already run: this replica came up late. With state there it
 *   joins by recovery (always safe: it takes the state of f+1 replicas, the primary among them).
 * - Peers of another cluster run with state: refuse. A new, empty cluster beside it would drop its
 *   data, or mix two groups.
 * - Peers run without state yet: join them (their first ops are just ones this replica missed);
 *   with a named cluster, only if it is the same one.
 * - Otherwise all the new replicas agree on the smallest candidate among them.
 */
export function decideNewCluster(
  candidate: string,
  given: boolean,
  peers: readonly HelloFrame[],
): NewClusterDecision {
  const running = peers.filter((hello) => hello.status !== 'starting' && hello.cluster !== null);
  const ours = running.filter((hello) => hello.cluster === candidate);
  if (given && ours.length > 0)
    return ours.some((hello) => (hello.opNumber ?? 0) > 0)
      ? { kind: 'recover', cluster: candidate }
      : { kind: 'start', cluster: candidate };
  const others = running.filter((hello) => hello.cluster !== candidate);
  const withState = others.filter((hello) => (hello.opNumber ?? 0) > 0);
  if (withState.length > 0 || (given && others.length > 0)) {
    const shown = withState.length > 0 ? withState : others;
    const names = shown.map((hello) => `replica ${String(hello.from)}`).join(', ');
    const opNumber = Math.max(...shown.map((hello) => hello.opNumber ?? 0));
    return {
      kind: 'refuse',
      reason:
        `${names} already ${shown.length === 1 ? 'runs' : 'run'} cluster incarnation ${shown[0].cluster}` +
        `${opNumber > 0 ? ` with state (op-number ${opNumber})` : ''}. A new, empty cluster must not start ` +
        'beside it: its data would be silently lost, or two groups mixed. Restart this replica with ' +
        '--recover to rejoin that cluster, or stop every one of its replicas and start them all with ' +
        '--new-cluster to drop its data.',
    };
  }
  if (running.length > 0) return { kind: 'start', cluster: running.map((hello) => hello.cluster!).sort()[0] };
  const candidates = peers.flatMap((hello) => (hello.cluster === null ? [] : [hello.cluster]));
  return { kind: 'start', cluster: [candidate, ...candidates].sort()[0] };
}

/** Whether a replica in this status holds the group's state (a recovering or starting one does not). */
export function holdsState(status: ProcessStatus | 'unreachable'): boolean {
  return status === 'normal' || status === 'view-change';
}

/**
 * The plain-words problem when fewer than f+1 replicas hold state, or null. `statuses[i]` is what
 * replica i is, as far as `self` can tell.
 */
export function stateHoldersProblem(
  self: number,
  statuses: readonly (ProcessStatus | 'unreachable')[],
): string | null {
  const n = statuses.length;
  const needed = faultsTolerated(n) + 1;
  const holders = statuses.flatMap((status, replica) => (holdsState(status) ? [replica] : []));
  if (holders.length >= needed) return null;
  const describe = (replica: number) => {
    const status = statuses[replica];
    const who = replica === self ? `replica ${replica} (this one)` : `replica ${replica}`;
    if (status === 'unreachable') return `${who} is unreachable`;
    if (status === 'recovering') return `${who} is recovering (its state was lost)`;
    if (status === 'starting') return `${who} is starting`;
    return `${who} holds state (${status})`;
  };
  const held =
    holders.length === 0
      ? 'no replica holds state'
      : `only ${holders.map((replica) => `replica ${replica}`).join(', ')} ${holders.length === 1 ? 'holds' : 'hold'} state`;
  const others = statuses.flatMap((_, replica) => (holders.includes(replica) ? [] : [describe(replica)]));
  return (
    `fewer than f+1 = ${needed} of ${n} replicas hold state, as far as replica ${self} can tell: ${held}; ${others.join(', ')}. ` +
    'VR keeps no state on disk (§4.3), so the group cannot recover by itself until enough of the ' +
    'replicas that hold state are back; if they are gone for good, so are the ops only they held: stop ' +
    'every replica and start them all with --new-cluster to start over, empty.'
  );
}
