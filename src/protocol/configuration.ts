/**
 * Configurations and epochs (VR Revisited §7).
 *
 * A configuration is an epoch-number and an ordered list of replica slots; the primary of view v in
 * an epoch is members[v mod n], and views restart at 0 in every epoch. A reconfiguration is an
 * ordinary client op (`reconfigure 0 1 3`) that goes through normal operation: the log is one
 * sequence across epochs, and the op that names a new group ends its epoch. Every replica that holds
 * the committed log can therefore tell the configuration of any epoch from it: executing (or
 * installing) a committed reconfiguration op is what moves a replica to the next epoch.
 */
import type { LogEntry } from './message.ts';
import { faultsTolerated, isValidClusterSize, replicasMax, type ReplicaId } from './types.ts';

export interface Configuration {
  readonly epoch: number;
  readonly members: readonly ReplicaId[];
  /** The op-number of the reconfiguration op that started this epoch (0 for the first). */
  readonly startOp: number;
}

export const reconfigureVerb = 'reconfigure';

/** The op a client sends to ask for a new group. */
export function reconfigurationOp(members: readonly ReplicaId[]): string {
  return `${reconfigureVerb} ${members.join(' ')}`;
}

/** Whether an op asks for a reconfiguration (valid or not): such ops never reach the state machine. */
export function isReconfigurationOp(op: string): boolean {
  return (
    op.startsWith(reconfigureVerb) &&
    (op.length === reconfigureVerb.length || op[reconfigureVerb.length] === ' ')
  );
}

/** The group a reconfiguration op names, or a one-line reason it names none that `slots` allow. */
export function parseReconfiguration(op: string, slots: number): readonly ReplicaId[] | string {
  const words = op.trim().split(/\s+/).slice(1);
  const members: ReplicaId[] = [];
  for (const word of words) {
    if (!/^\d$/.test(word)) return `'${word}' is not a replica slot`;
    members.push(Number(word));
  }
  return groupProblem(members, slots) ?? members;
}

/** Why a group is not a configuration of at most `slots` slots, or null. */
export function groupProblem(members: readonly number[], slots: number): string | null {
  if (!isValidClusterSize(members.length))
    return `a group has an odd size from 1 to ${replicasMax}, not ${members.length}`;
  for (const member of members)
    if (!Number.isInteger(member) || member < 0 || member >= slots)
      return `replica ${member} is beyond the ${slots} slots`;
  if (new Set(members).size !== members.length) return 'a replica appears twice in the group';
  return null;
}

export function initialConfiguration(replicas: number): Configuration {
  return { epoch: 0, members: Array.from({ length: replicas }, (_, i) => i), startOp: 0 };
}

/** The primary of `view` in a group (§4, per epoch). */
export function primaryIn(members: readonly ReplicaId[], view: number): ReplicaId {
  return members[view % members.length];
}

/** f' of a group. */
export function groupFaults(members: readonly ReplicaId[]): number {
  return faultsTolerated(members.length);
}

/**
 * The configurations that committed reconfiguration ops in `log` (ops from+1..to) start after
 * `current`, in order. Invalid ones (a bad group) start nothing.
 */
export function configurationsIn(
  log: { at(index: number): LogEntry },
  from: number,
  to: number,
  current: Configuration,
  slots: number,
): Configuration[] {
  const found: Configuration[] = [];
  let epoch = current.epoch;
  for (let opNumber = from + 1; opNumber <= to; opNumber++) {
    const entry = log.at(opNumber - 1);
    if (!isReconfigurationOp(entry.op)) continue;
    const members = parseReconfiguration(entry.op, slots);
    if (typeof members === 'string') continue;
    epoch++;
    found.push({ epoch, members, startOp: opNumber });
  }
  return found;
}

/** Views are numbered per epoch (§7): one number for the pair, ordered as (epoch, view); the view itself in epoch 0. */
export function viewKey(epoch: number, view: number): number {
  return epoch * 1_000_000_000 + view;
}
