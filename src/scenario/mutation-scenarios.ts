/**
 * One hand-written scenario per protocol mutation: with the mutation on, a checker objects,
 * deterministically; with `mutation: 'none'` the same scenario passes every checker, converges after
 * its faults and has a linearizable history. Each shows why one rule of the protocol exists.
 *
 * Fixed 10 ms latency everywhere, so that the story can be told in milliseconds. Every scenario heals
 * its faults well before its end, so that the correct protocol's liveness is judged too.
 */
import type { Mutation } from '../protocol/index.ts';
import type { Scenario } from '../sim/scenario-types.ts';
import { parseScenario } from './schema.ts';

export type BrokenMutation = Exclude<Mutation, 'none'>;

export interface MutationScenario {
  readonly mutation: BrokenMutation;
  /** The rule (a violation's `checker`) that objects first, with every checker on. */
  readonly checker: string;
  /**
   * What the damage looks like to the basic safety checker and linearizability alone (the rule
   * above names the cause; this is the effect a user would see: a lost or diverging op, a bad read).
   */
  readonly consequence: string;
  /** What happens, in a few sentences. */
  readonly story: string;
  readonly scenario: Scenario;
}

const fixedLatency = { latencyMs: [10, 10] };

function define(
  mutation: BrokenMutation,
  checker: string,
  consequence: string,
  story: string,
  fields: Record<string, unknown>,
): MutationScenario {
  const scenario = parseScenario({
    version: 1,
    name: `mutation ${mutation}`,
    seed: 1,
    network: fixedLatency,
    until: 10_000,
    ...fields,
    mutation,
  });
  return { mutation, checker, consequence, story, scenario };
}

export const mutationScenarios: Record<BrokenMutation, MutationScenario> = {
  'commit-without-quorum': define(
    'commit-without-quorum',
    'no-lost-commit',
    'no-lost-commit',
    'Primary 0 is cut off from both backups. It takes put x 1 from c0, commits it on its own and replies. ' +
      'The backups, hearing nothing, start view 1 without the op: the acknowledged op is gone. ' +
      'Correctly, the primary waits for a PrepareOk, the client times out, and view 1 serves the request.',
    {
      replicas: 3,
      clients: 1,
      actions: [
        { at: 50, type: 'partition', groups: [[0], [1, 2]] },
        { at: 100, type: 'request', client: 0, op: 'put x 1' },
        { at: 2000, type: 'heal' },
      ],
    },
  ),
  'longest-log-wins': define(
    'longest-log-wins',
    'no-lost-commit',
    'no-lost-commit',
    'Primary 0 is cut off with clients c0 and c2; it prepares their two ops, which nobody else gets. ' +
      "Replicas 1 and 2 move to view 1 and commit c1's put x b as op 1. Then replica 1 is cut off and " +
      'replica 2 leads view 2 with the DoViewChange of replica 0: the longest log (from view 0) wins ' +
      'over the later one (view 1), and the committed op 1 is replaced. Correctly, the log of the latest ' +
      'normal view wins.',
    {
      replicas: 3,
      clients: 3,
      actions: [
        {
          at: 50,
          type: 'partition',
          groups: [
            [0, 'c0', 'c2'],
            [1, 2, 'c1'],
          ],
        },
        { at: 100, type: 'request', client: 0, op: 'put x a' },
        { at: 100, type: 'request', client: 2, op: 'put y c' },
        { at: 1000, type: 'request', client: 1, op: 'put x b' },
        { at: 2500, type: 'partition', groups: [[0, 2], [1]] },
        { at: 4000, type: 'heal' },
      ],
    },
  ),
  'start-view-without-quorum': define(
    'start-view-without-quorum',
    'no-lost-commit',
    'no-lost-commit',
    'Replica 1 hears nothing from primary 0, which commits put x 1 with replica 2. A timeout sends ' +
      'replica 1 into a view change to view 1, which it leads; as soon as it may send its own ' +
      'DoViewChange it starts the view with its own empty log alone, losing the committed op. ' +
      "Correctly, it waits for f+1 DoViewChange, and replica 2's brings the op.",
    {
      replicas: 3,
      clients: 1,
      actions: [
        { at: 10, type: 'cut', from: 0, to: 1 },
        { at: 50, type: 'request', client: 0, op: 'put x 1' },
        { at: 200, type: 'timeout', replica: 1 },
        { at: 1000, type: 'mend', from: 0, to: 1 },
      ],
    },
  ),
  'recovery-without-primary': define(
    'recovery-without-primary',
    'recovery',
    'no-lost-commit',
    'Five replicas. Primary 0 is cut off with c0 and prepares put x a alone; replicas 1-4 move to view 1 ' +
      "and commit c1's put x b as op 1. Replica 3 crashes and restarts while replica 1, primary of " +
      'view 1, is cut off. Its recovery gets answers from 0 (normal in view 0, its primary, with a ' +
      'state) and from 2 and 4 (normal in view 1, no state): it adopts the stale view-0 state with ' +
      'put x a as op 1. Correctly, it waits for the primary of view 1 (or a later one).',
    {
      replicas: 5,
      clients: 2,
      actions: [
        {
          at: 10,
          type: 'partition',
          groups: [
            [0, 'c0'],
            [1, 2, 3, 4, 'c1'],
          ],
        },
        { at: 50, type: 'request', client: 0, op: 'put x a' },
        { at: 1000, type: 'request', client: 1, op: 'put x b' },
        { at: 2000, type: 'crash', replica: 3 },
        {
          at: 2050,
          type: 'partition',
          groups: [
            [0, 2, 3, 4, 'c0'],
            [1, 'c1'],
          ],
        },
        { at: 2100, type: 'restart', replica: 3 },
        { at: 4000, type: 'heal' },
      ],
    },
  ),
  'truncate-before-new-state': define(
    'truncate-before-new-state',
    'enter-view-log',
    'no-lost-commit',
    'Primary 0 commits put x 1 with replica 1 and 2 acknowledging; then 0 cannot reach 2. Replica 1 ' +
      'leads view 1 with 0 (its StartView to 0 and 2 is lost) and crashes right after a Commit of ' +
      'view 1 reaches replica 2. Replica 2 drops its uncommitted op and enters view 1 before any state ' +
      "arrives; in view 2, which it leads, its log (last normal view 1) beats replica 0's (view 0), " +
      'and the committed op is lost. Correctly, replica 2 keeps its log and view until NewState comes.',
    {
      replicas: 3,
      clients: 1,
      actions: [
        { at: 50, type: 'request', client: 0, op: 'put x 1' },
        { at: 75, type: 'cut', from: 0, to: 2 },
        { at: 90, type: 'drop', from: 1, to: 2, message: 'start_view_change', count: 5 },
        { at: 90, type: 'drop', from: 1, message: 'start_view', count: 5 },
        { at: 100, type: 'timeout', replica: 1 },
        { at: 235, type: 'crash', replica: 1 },
        { at: 240, type: 'mend', from: 0, to: 2 },
        { at: 1500, type: 'restart', replica: 1 },
      ],
    },
  ),
  'ignore-client-table': define(
    'ignore-client-table',
    'at-most-once',
    'linearizability',
    "The reply to c0's append x a; is lost, so c0 resends it to every replica. The primary, ignoring " +
      'its client table, prepares and executes it a second time. Correctly, it resends the cached reply.',
    {
      replicas: 3,
      clients: 1,
      actions: [
        { at: 10, type: 'drop', message: 'reply', count: 1 },
        { at: 50, type: 'request', client: 0, op: 'append x a;' },
        { at: 60, type: 'request', client: 0, op: 'get x' },
      ],
    },
  ),
  'ack-with-gap': define(
    'ack-with-gap',
    'prepare-ok-holds',
    'no-lost-commit',
    'The prepare of op 1 to replica 1 is lost; when the prepare of op 2 arrives, replica 1 acknowledges ' +
      'it without holding op 1, and primary 0 commits op 2 on that word (the prepare to replica 2 is ' +
      'lost too). Primary 0 crashes; replicas 1 and 2 start view 1 with op 1 only: committed op 2 is ' +
      'lost. Correctly, replica 1 holds op 2 back and fetches the gap before acknowledging anything.',
    {
      replicas: 3,
      clients: 1,
      actions: [
        { at: 10, type: 'drop', from: 0, to: 1, message: 'prepare', count: 1 },
        { at: 50, type: 'request', client: 0, op: 'put x 1' },
        { at: 50, type: 'request', client: 0, op: 'put x 2' },
        { at: 95, type: 'drop', from: 0, to: 2, message: 'prepare', count: 1 },
        { at: 125, type: 'crash', replica: 0 },
        { at: 130, type: 'timeout', replica: 2 },
        { at: 1000, type: 'restart', replica: 0 },
      ],
    },
  ),
  'prepare-during-view-change': define(
    'prepare-during-view-change',
    'normal-status',
    'agreement',
    'Replica 2 times out and, with replica 1, starts view 1 with an empty log; primary 0 hears of none ' +
      'of it, and the StartView to replica 2 is lost, so replica 2 is still in view change when primary ' +
      "0 prepares c0's put x 1 and put x 2. Replica 2 accepts and acknowledges them, so primary 0 " +
      'commits both and replies, yet view 1 has neither. When c1 reads x, view 1 answers "" and executes ' +
      'the read as op 1. Correctly, a replica in view change rejects prepares of the old view (§4.2 step 1).',
    {
      replicas: 3,
      clients: 2,
      actions: [
        { at: 10, type: 'drop', from: 2, to: 0, message: 'start_view_change', count: 10 },
        { at: 10, type: 'drop', from: 1, to: 0, message: 'start_view_change', count: 10 },
        { at: 10, type: 'drop', from: 1, to: 0, message: 'start_view', count: 10 },
        { at: 10, type: 'drop', from: 1, to: 2, message: 'start_view', count: 1 },
        { at: 100, type: 'timeout', replica: 2 },
        { at: 150, type: 'request', client: 0, op: 'put x 1' },
        { at: 150, type: 'request', client: 0, op: 'put x 2' },
        { at: 400, type: 'request', client: 1, op: 'get x' },
      ],
    },
  ),
  'start-epoch-before-commit': define(
    'start-epoch-before-commit',
    'epoch-state',
    'liveness',
    'c0 asks to move from replicas 0 1 2 to 0 3 4. Primary 0 prepares the reconfiguration and moves to ' +
      'epoch 1 at once, but a partition keeps the prepare from replicas 1 and 2: it never commits. ' +
      'Replica 0 now leads an epoch that nobody can join (no committed log names it), while replicas 1 ' +
      'and 2 carry on epoch 0 without it. Correctly, the epoch starts only when the reconfiguration ' +
      'commits, and the old group finishes it after the partition heals.',
    {
      replicas: 3,
      slots: 5,
      clients: 2,
      actions: [
        { at: 50, type: 'request', client: 0, op: 'put x 1' },
        { at: 100, type: 'reconfigure', client: 0, replicas: [0, 3, 4] },
        {
          at: 105,
          type: 'partition',
          groups: [
            [0, 3, 4, 'c0'],
            [1, 2, 'c1'],
          ],
        },
        { at: 300, type: 'request', client: 1, op: 'put x 2' },
        { at: 2000, type: 'heal' },
      ],
    },
  ),
  'retire-at-once': define(
    'retire-at-once',
    'retire-after-handover',
    'liveness',
    'The group moves from replicas 0 1 2 to 2 3 4. Replicas 0 and 1 shut down the moment they execute ' +
      'the reconfiguration, before the newcomers 3 and 4 fetched anything; then replica 2, the only one ' +
      'left holding the state, crashes. Nobody can give 3 and 4 the state, and replica 2 finds nobody to ' +
      "recover from: the group is gone. Correctly, 0 and 1 answer state requests until f'+1 = 2 members " +
      'of the new group say they hold it.',
    {
      replicas: 3,
      slots: 5,
      clients: 1,
      actions: [
        { at: 50, type: 'request', client: 0, op: 'put x 1' },
        { at: 100, type: 'reconfigure', client: 0, replicas: [2, 3, 4] },
        { at: 300, type: 'crash', replica: 2 },
        { at: 1500, type: 'restart', replica: 2 },
      ],
    },
  ),
  'serve-before-transfer': define(
    'serve-before-transfer',
    'epoch-state',
    'agreement',
    'The group moves from replicas 0 1 2 to 3 4 0, so newcomer 3 leads view 0 of epoch 1. Told to start ' +
      "the epoch, it does at once, with an empty log: it takes c1's put x 2 as op 1, newcomer 4 " +
      'acknowledges it, and op 1 commits a second time, differently (it was put x 1). Correctly, a new ' +
      'member fetches the state up to the reconfiguration before it takes part.',
    {
      replicas: 3,
      slots: 5,
      clients: 2,
      actions: [
        { at: 50, type: 'request', client: 0, op: 'put x 1' },
        { at: 100, type: 'reconfigure', client: 0, replicas: [3, 4, 0] },
        { at: 400, type: 'request', client: 1, op: 'put x 2' },
      ],
    },
  ),
};
