/**
 * Deliberately wrong variants of the protocol, one at a time: they prove the checkers bite and show
 * a learner why each rule exists. The names are a public contract (scenario files, links, CLI).
 */
export const mutations = [
  'none',
  'commit-without-quorum',
  'longest-log-wins',
  'start-view-without-quorum',
  'recovery-without-primary',
  'truncate-before-new-state',
  'ignore-client-table',
  'ack-with-gap',
  'prepare-during-view-change',
  'start-epoch-before-commit',
  'retire-at-once',
  'serve-before-transfer',
] as const;

export type Mutation = (typeof mutations)[number];

export const mutationDescriptions: Record<Mutation, string> = {
  none: 'the protocol as the paper gives it',
  'commit-without-quorum': 'the primary commits before f replicas acknowledged the op (§4.1 step 5)',
  'longest-log-wins': 'the new primary takes the longest log, ignoring the last normal view (§4.2 step 3)',
  'start-view-without-quorum':
    'the new primary starts the view with fewer than f+1 DoViewChange (§4.2 step 3)',
  'recovery-without-primary':
    "a recovering replica rejoins without the latest primary's response (§4.3 step 3)",
  'truncate-before-new-state':
    'a replica that hears of a later view truncates its log and adopts the view before the state arrives (§5.2)',
  'ignore-client-table':
    'the primary ignores the client table, so a resent request executes again (§4.1 step 2)',
  'ack-with-gap': 'a backup acknowledges op n while an earlier op is missing (§4.1 step 4)',
  'prepare-during-view-change':
    'a replica in view change still accepts prepares of the old view (§4.2 step 1)',
  'start-epoch-before-commit':
    'the primary moves to the new epoch as soon as it prepares the reconfiguration, before it commits (§7)',
  'retire-at-once':
    "replicas leaving the group shut down at once, without waiting for f'+1 epoch_started (§7)",
  'serve-before-transfer':
    "a new member serves in the new epoch at once, before it fetched the old epoch's state (§7)",
};

export function isMutation(name: string): name is Mutation {
  return (mutations as readonly string[]).includes(name);
}
