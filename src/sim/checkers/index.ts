import { BasicSafetyChecker } from './basic.ts';
import type { Checker } from './checker.ts';
import { EpochChecker } from './epochs.ts';
import { RecoveryChecker } from './recovery.ts';
import { RequestChecker } from './requests.ts';
import { ReplicaRolesChecker } from './roles.ts';

export type { Checker } from './checker.ts';
export { BasicSafetyChecker } from './basic.ts';
export { EpochChecker } from './epochs.ts';
export { RecoveryChecker } from './recovery.ts';
export { RequestChecker } from './requests.ts';
export { ReplicaRolesChecker } from './roles.ts';
export { forEachSent, sendsVisible, sentRecord } from './sends.ts';

/**
 * The checkers every run has on, from the first event. Their rules (the `checker` of a violation):
 * - replica-roles: one-primary-per-view, only-primary-prepares, normal-status, prepare-ok-holds,
 *   enter-view-log;
 * - recovery: recovery;
 * - epochs (§7): epoch-state, one-epoch-serves, retire-after-handover, retired-silent;
 * - basic-safety: agreement, commit-bounds, no-lost-commit;
 * - requests: only-issued, at-most-once, reply-matches, acknowledged-kept.
 * The rules that name a cause come before those that see its effect, so that when both object at the
 * same event the first violation says why. Liveness (liveness.ts) and linearizability (../history.ts)
 * judge a whole run; ../verdict.ts runs everything.
 */
export function defaultCheckers(): Checker[] {
  return [
    new ReplicaRolesChecker(),
    new RecoveryChecker(),
    new EpochChecker(),
    new BasicSafetyChecker(),
    new RequestChecker(),
  ];
}
