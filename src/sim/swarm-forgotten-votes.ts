/**
 * One swarm pattern aimed at the paper's recovery hole: votes cast in a view change and then
 * forgotten by a crash. The loss needs about a dozen faults in the right order (see
 * src/scenario/recovery-flaw.ts for the story); uniform faults did not line them up in 450,000
 * seeds, so the swarm composes them here, with random roles, delays and margins, and some of the
 * pieces left out at random. With crash vectors every variant must stay safe; with the paper's
 * recovery some of them lose an acknowledged write, and the fuzzer finds one.
 *
 * Roles, in a cluster of five in view 0 (its primary `old`), with `next` the primary of view 1:
 * 1. `first` times out while the links are slow: its StartViewChange reaches `second` late and
 *    nobody else; `first` crashes and recovers into view 0, forgetting it asked.
 * 2. The slow StartViewChange moves `second` to view 1, and its own StartViewChange goes out slowly
 *    too. `next` times out; `second`, holding two StartViewChanges, sends its DoViewChange to `next`.
 * 3. `second` crashes and recovers into view 0; a write commits in view 0 without `laggard`, whose
 *    link from `old` is cut.
 * 4. `second`'s slow StartViewChange reaches `laggard`, which joins view 1 and sends `next` the
 *    DoViewChange that completes a quorum counting a vote its sender forgot.
 */
import type { NodeId, Timing } from '../protocol/index.ts';
import type { Rng } from './rng.ts';
import type { Action } from './scenario-types.ts';

export interface ForgottenVotes {
  readonly actions: Action[];
  /** When the last of the pattern's actions happens. */
  readonly endsAt: number;
  /** The slowest link the pattern creates. */
  readonly latencyMsMax: number;
  /** A view-change timeout long enough for `next` to wait out the stalled view change. */
  readonly viewChangeTimeoutMsAtLeast: number;
}

/** The pattern for five replicas starting at `at` in view 0, on links of `latencyMs` with `timing`. */
export function forgottenVotes(
  rng: Rng,
  at: number,
  latencyMs: readonly [number, number],
  timing: Timing,
  clients: number,
): ForgottenVotes {
  const [old, ...rest] = [0, 1, 2, 3, 4];
  const next = 1;
  const others = rest.filter((r) => r !== next);
  const first = others.splice(rng.int(0, others.length - 1), 1)[0];
  const second = others.splice(rng.int(0, others.length - 1), 1)[0];
  const laggard = others[0];
  const hop = latencyMs[1];
  // A recovery takes a few round trips and perhaps a retry; the write one more round trip.
  const recoveryMs = 6 * hop + timing.recoveryRetryMs + rng.int(0, 4 * hop + 20);
  const downMs = rng.int(1, 30);

  const actions: Action[] = [];
  const maybe = (p: number, ...add: Action[]) => {
    if (rng.chance(p)) actions.push(...add);
  };
  const dropVotes = (t: number, from: number, to: NodeId, count: number, p = 1) =>
    maybe(p, { at: t, type: 'drop', from, to, message: 'start_view_change', count });
  const slow = (t: number, ms: number): Action[] => [
    { at: t - 1, type: 'network', latencyMs: [ms, ms] },
    { at: t + 1, type: 'network', latencyMs: [latencyMs[0], latencyMs[1]] },
  ];

  // 1. The first vote, slow to `second`, lost elsewhere, and forgotten.
  const firstSlowMs = downMs + recoveryMs + rng.int(0, 8 * hop + 50);
  // Sometimes `next` hears the first vote too, and then needs no timeout of its own.
  const nextHearsFirst = rng.chance(0.3);
  for (const to of nextHearsFirst ? [old, laggard] : [old, next, laggard])
    dropVotes(at, first, to, rng.int(2, 8));
  actions.push(...slow(at + 1, firstSlowMs), { at: at + 1, type: 'timeout', replica: first });
  const firstCrash = at + 2 + rng.int(0, 4);
  actions.push(
    { at: firstCrash, type: 'crash', replica: first },
    { at: firstCrash + downMs, type: 'restart', replica: first },
  );

  // 2. `second` moves to view 1 when the slow vote lands; its own vote travels slowly as well.
  const secondMoves = at + 1 + firstSlowMs;
  const secondSlowMs = rng.int(2 * hop + 5, 6 * hop + 20) + recoveryMs + rng.int(0, 6 * hop + 50);
  actions.push(...slow(secondMoves, secondSlowMs));
  for (const to of [old, first]) dropVotes(secondMoves - 2, second, to, rng.int(2, 8));
  // Its resends (fast again) must not beat the slow copy to `next` and `laggard`.
  for (const to of [next, laggard]) dropVotes(secondMoves + 2, second, to, rng.int(5, 40));
  const nextTimesOut = secondMoves + 2 + rng.int(1, 3 * hop + 10);
  if (!nextHearsFirst) actions.push({ at: nextTimesOut, type: 'timeout', replica: next });
  // `next` waits in view 1 without reaching anyone but `second`, until `laggard` should hear it.
  const laggardHears = secondMoves + secondSlowMs + rng.int(1, 2 * hop + 5);
  const nextCutAt = nextHearsFirst ? secondMoves : nextTimesOut - 1;
  for (const to of [old, first])
    actions.push(
      { at: nextCutAt, type: 'cut', from: next, to },
      { at: laggardHears, type: 'mend', from: next, to },
    );
  // Or `laggard` hears `next` early and waits in view 1 for a second vote.
  maybe(
    0.7,
    { at: nextCutAt, type: 'cut', from: next, to: laggard },
    { at: laggardHears, type: 'mend', from: next, to: laggard },
  );

  // 3. `second` forgets its DoViewChange; a write commits in view 0 while `laggard` misses it.
  const secondCrash = nextTimesOut + rng.int(2 * hop + 2, 4 * hop + 10);
  dropVotes(secondCrash - 1, next, second, rng.int(10, 60), 0.8);
  actions.push(
    { at: secondCrash, type: 'crash', replica: second },
    { at: secondCrash + downMs, type: 'restart', replica: second },
  );
  const laggardCut = secondCrash + downMs + rng.int(1, 3 * hop + 5);
  maybe(
    0.95,
    { at: laggardCut, type: 'cut', from: old, to: laggard },
    { at: laggardHears + rng.int(hop, 10 * hop + 100), type: 'mend', from: old, to: laggard },
  );
  if (clients > 0)
    maybe(0.8, {
      at: laggardCut + rng.int(1, 2 * hop + 5),
      type: 'request',
      client: rng.int(0, clients - 1),
      op: rng.pick(['put x 1', 'append k0 y']),
    });

  // 4. Everything else `laggard` says about view 1 goes only to `next`.
  const laggardMoves = secondMoves + secondSlowMs;
  for (const to of [old, first, second]) dropVotes(laggardMoves - 1, laggard, to, rng.int(2, 10), 0.9);

  actions.sort((a, b) => a.at - b.at);
  return {
    actions,
    endsAt: actions[actions.length - 1].at,
    latencyMsMax: Math.max(latencyMs[1], firstSlowMs, secondSlowMs),
    viewChangeTimeoutMsAtLeast: laggardHears - nextTimesOut + 4 * hop + rng.int(50, 2000),
  };
}
