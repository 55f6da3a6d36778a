/**
 * Crash vectors (Michael, Ports, Sharma, Szekeres, "Recovering Shared Objects Without Stable
 * Storage", DISC 2017). VR Revisited keeps nothing on disk, so a replica that crashed forgets what
 * it promised before: a DoViewChange it sent, a PrepareOk it gave. A quorum that counts the old
 * incarnation's vote beside the new incarnation's behaviour need not intersect the quorum that
 * committed an op, and the op can be lost (README, "The paper's recovery has a hole").
 *
 * The fix: every replica keeps one incarnation counter per replica. A recovering replica first
 * learns the group's vector from f+1 replicas and bumps its own entry; every message carries the
 * sender's vector; a receiver merges it (entry-wise max) and drops whatever it stored from an older
 * incarnation; a message whose sender's own entry is older than the receiver's knowledge comes from
 * a dead incarnation and is discarded. Quorums are then crash-consistent.
 */
import type { ReplicaId } from './types.ts';

/** Entry r: the latest incarnation of replica r known here (0: never recovered). Never mutated. */
export type CrashVector = readonly number[];

/** How recovery works: the paper's §4.3 as written, or with crash vectors. A scenario field. */
export type RecoveryMode = 'paper' | 'crash-vectors';
export const recoveryModes: readonly RecoveryMode[] = ['crash-vectors', 'paper'];
/** The safe variant: `paper` exists to show the flaw (README). */
export const recoveryModeDefault: RecoveryMode = 'crash-vectors';

export function isRecoveryMode(value: unknown): value is RecoveryMode {
  return value === 'paper' || value === 'crash-vectors';
}

export function zeroCrashVector(replicaCount: number): CrashVector {
  return new Array<number>(replicaCount).fill(0);
}

/** A bit per entry where `theirs` knows a later incarnation than `mine` (0: nothing new). */
export function newerIncarnations(mine: CrashVector, theirs: CrashVector): number {
  let newer = 0;
  const length = Math.min(mine.length, theirs.length);
  for (let r = 0; r < length; r++) if (theirs[r] > mine[r]) newer |= 1 << r;
  return newer;
}

/** Entry-wise max of `mine` and `theirs`, as a new vector. */
export function mergeCrashVectors(mine: CrashVector, theirs: CrashVector): CrashVector {
  const merged = mine.slice();
  for (let r = 0; r < merged.length && r < theirs.length; r++)
    if (theirs[r] > merged[r]) merged[r] = theirs[r];
  return merged;
}

/** A message from `sender` carrying `theirs` comes from an incarnation `mine` knows to be dead. */
export function fromDeadIncarnation(mine: CrashVector, theirs: CrashVector, sender: ReplicaId): boolean {
  return theirs[sender] < mine[sender];
}

/** `[0, 1, 0]` as "0·1·0", for captions. */
export function describeCrashVector(vector: CrashVector): string {
  return vector.join('·');
}
