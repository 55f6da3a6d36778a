/**
 * The paper's diskless recovery can lose an acknowledged write (Michael, Ports, Sharma, Szekeres,
 * "Recovering Shared Objects Without Stable Storage", DISC 2017). One deterministic scenario shows
 * it: with `recovery: 'paper'` view 1 starts without a committed op; with `recovery:
 * 'crash-vectors'` (the default) nothing is lost. Five replicas, never more than one down at once.
 *
 * The story, with the paper's recovery:
 * 1. Replica 3 times out and sends StartViewChange for view 1; the copy to replica 2 is slow (3 s),
 *    the others are lost. Replica 3 crashes and recovers into view 0: it forgot it ever asked.
 * 2. The slow StartViewChange reaches replica 2, which moves to view 1. Replica 1, primary of view
 *    1, times out too; with StartViewChange from 3 and 1, replica 2 sends its DoViewChange (an
 *    empty log) to replica 1, which keeps it.
 * 3. Replica 2 crashes and recovers into view 0 from replicas 0, 3 and 4. Put x 1 commits in view 0
 *    with PrepareOks from 2 and 3, and the client gets its reply.
 * 4. Replica 2's old StartViewChange (also slow) reaches 1 and 4; 4 moves to view 1 and, with 1's
 *    StartViewChange, sends its DoViewChange. Replica 1 starts view 1 from its own, 4's and the old
 *    DoViewChange of replica 2: none holds put x 1, and the acknowledged write is gone.
 *
 * With crash vectors, replica 3's recovery tells the group it is incarnation 1, so its old
 * StartViewChange is refused everywhere, and the stalled view change can never count a vote of a
 * replica's earlier life.
 */
import { parseScenario } from './schema.ts';
import type { Scenario } from '../sim/scenario-types.ts';
import type { RecoveryMode } from '../protocol/index.ts';

const drop = (from: number, to: number, count: number, at = 0) => ({
  at,
  type: 'drop',
  from,
  to,
  message: 'start_view_change',
  count,
});

/** When the acknowledged write commits in view 0, and the op the paper's recovery then loses. */
export const recoveryFlawCommitAt = 3540;
export const recoveryFlawLostOp = 'put x 1';

export function recoveryFlawScenario(recovery: RecoveryMode): Scenario {
  return parseScenario({
    version: 1,
    name: `the paper's recovery has a hole (${recovery})`,
    seed: 1,
    replicas: 5,
    clients: 1,
    recovery,
    network: { latencyMs: [10, 10] },
    // A long view-change timeout keeps the stalled view 1 waiting for its last DoViewChange.
    timing: { viewChangeTimeoutMs: 8000 },
    until: 20_000,
    actions: [
      // Only the StartViewChange messages the story needs get through.
      drop(3, 0, 40),
      drop(3, 1, 40),
      drop(3, 4, 40),
      drop(2, 0, 40),
      drop(2, 3, 40),
      drop(1, 0, 40),
      drop(1, 3, 40),
      // Replica 1's first 15 copies to 4 (3.2 s to 6 s) are lost; the 16th arrives after 2's old one.
      drop(1, 4, 15),
      drop(4, 0, 40),
      drop(4, 2, 40),
      drop(4, 3, 40),
      { at: 99, type: 'network', latencyMs: [3000, 3000] },
      { at: 100, type: 'timeout', replica: 3 },
      { at: 101, type: 'network', latencyMs: [10, 10] },
      { at: 110, type: 'crash', replica: 3 },
      { at: 150, type: 'restart', replica: 3 },
      { at: 3099, type: 'network', latencyMs: [3000, 3000] },
      { at: 3101, type: 'network', latencyMs: [10, 10] },
      { at: 3200, type: 'timeout', replica: 1 },
      drop(1, 2, 40, 3205),
      { at: 3300, type: 'crash', replica: 2 },
      { at: 3350, type: 'restart', replica: 2 },
      // Replica 4 must not learn of the op before it moves to view 1.
      { at: 3450, type: 'cut', from: 0, to: 4 },
      { at: 3500, type: 'request', client: 0, op: recoveryFlawLostOp },
      { at: 6150, type: 'mend', from: 0, to: 4 },
    ],
  });
}
