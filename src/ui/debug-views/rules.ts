/** Each checker's rule in plain words, for the violation explorer. */
export const ruleExplanations: Record<string, string> = {
  agreement:
    'Replicas must agree on every committed op: once an op-number is committed, every replica that holds that op-number holds the same request there.',
  'no-lost-commit':
    'A committed op must never be lost: once the primary commits an op (a quorum holds it), every later view must keep it at the same op-number.',
  'commit-bounds':
    'A replica may not commit beyond what is in its log, and its commit-number never goes back.',
  'acknowledged-kept': 'An op whose reply reached the client must survive every view change.',
  'at-most-once':
    'Each client request executes at most once: the client table must catch a retried request and resend the cached reply instead of running it again.',
  'enter-view-log':
    'A replica entering a view must hold the log of that view: it must not throw away ops before the new state arrives.',
  'normal-status':
    'Only a replica in normal status processes prepares and requests; during a view change it must stay silent.',
  'one-primary-per-view': 'Each view has exactly one primary: replica view mod n.',
  'only-primary-prepares': 'Only the primary of a view may send prepares in that view.',
  'only-issued': 'Replicas may only execute requests that a client actually issued.',
  'prepare-ok-holds':
    'A backup may acknowledge op n (prepare_ok) only when it holds every op up to n: no gaps in the log.',
  recovery:
    'A recovering replica must hear from f+1 replicas including the primary of the latest view before it resumes, so that it learns the latest log.',
  'reply-matches': 'A reply must carry the result of executing the request at its op-number.',
  liveness: 'After the faults heal, the cluster must get back to normal and answer every client.',
  linearizability:
    'The client history must be linearizable: explainable by some order of the operations, each taking effect between its call and its return.',
  assertion:
    'A protocol assertion failed inside a replica: it reached a state the protocol says is impossible.',
};

export function ruleOf(checker: string): string {
  return ruleExplanations[checker] ?? `The ${checker} checker objected.`;
}

/**
 * A mutation's label, the same words as the Settings dialog uses ("broken: ack-with-gap"), so that
 * the fuzz panel and Settings name a mutation alike.
 */
export function mutationLabel(mutation: string): string {
  return mutation === 'none' ? 'as the paper gives it' : `broken: ${mutation}`;
}

/**
 * What the person should know when a fuzzed failure comes from a checker that the app's own run
 * does not apply while it plays (the app checks safety after every event): where to see it.
 */
export function whereShown(checker: string): string | null {
  if (checker === 'liveness')
    return 'Liveness is judged only after the faults stop, and the opened run checks safety only: it shows no violation banner. It opens at the moment the cluster should have recovered; look at the replicas’ status and the view changes around it.';
  if (checker === 'linearizability')
    return 'Linearizability is judged on the client history, and the opened run checks safety only: it shows no violation banner. The Linearizability view below lists the operations that cannot be ordered.';
  return null;
}
