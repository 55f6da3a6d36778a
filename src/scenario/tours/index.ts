/**
 * The guided tours, in the order the gallery shows them: the protocol first, then one "break a rule"
 * challenge per mutation. Each tour's link is built from its id.
 */
import { breakAckWithGapTour } from './break-ack-with-gap.ts';
import { breakCommitWithoutQuorumTour } from './break-commit-without-quorum.ts';
import { breakIgnoreClientTableTour } from './break-ignore-client-table.ts';
import { breakPrepareDuringViewChangeTour } from './break-prepare-during-view-change.ts';
import { breakRecoveryWithoutPrimaryTour } from './break-recovery-without-primary.ts';
import { breakRetireAtOnceTour } from './break-retire-at-once.ts';
import { breakServeBeforeTransferTour } from './break-serve-before-transfer.ts';
import { breakStartEpochBeforeCommitTour } from './break-start-epoch-before-commit.ts';
import { breakStartViewWithoutQuorumTour } from './break-start-view-without-quorum.ts';
import { breakTruncateBeforeNewStateTour } from './break-truncate-before-new-state.ts';
import { clientTableTour } from './client-table.ts';
import { exploreHereTour } from './explore-here.ts';
import { latestViewLogTour } from './latest-view-log.ts';
import { lostMessagesTour } from './lost-messages.ts';
import { normalOperationTour } from './normal-operation.ts';
import { partitionTour } from './partition.ts';
import { pausedReplicaTour } from './paused-replica.ts';
import { recoveryHoleTour } from './recovery-hole.ts';
import { recoveryTour } from './recovery.ts';
import { stateTransferTour } from './state-transfer.ts';
import type { Tour } from './types.ts';
import { viewChangeTour } from './view-change.ts';

export type * from './types.ts';
export { counters, isChallenge, stepScenario } from './types.ts';
export { checkExpectation, checkHighlight, describeExpectation } from './check.ts';

export const tours: readonly Tour[] = [
  normalOperationTour,
  clientTableTour,
  viewChangeTour,
  latestViewLogTour,
  stateTransferTour,
  recoveryTour,
  recoveryHoleTour,
  partitionTour,
  pausedReplicaTour,
  lostMessagesTour,
  exploreHereTour,
  breakCommitWithoutQuorumTour,
  breakStartViewWithoutQuorumTour,
  breakRecoveryWithoutPrimaryTour,
  breakTruncateBeforeNewStateTour,
  breakIgnoreClientTableTour,
  breakAckWithGapTour,
  breakPrepareDuringViewChangeTour,
  breakStartEpochBeforeCommitTour,
  breakRetireAtOnceTour,
  breakServeBeforeTransferTour,
];

const byId = new Map(tours.map((tour) => [tour.id, tour]));

/** The tour with this id (from a link), or undefined. */
export function tourById(id: string): Tour | undefined {
  return byId.get(id);
}
