/**
 * The live run's memory policy. A seek is a checkpoint plus a replay, and the run keeps a world
 * copy every `checkpointEvery` events; each copy holds every replica's whole log, so over a long
 * run at 100x the checkpoints took most of the heap (128 of 166 MB after 300,000 events).
 *
 * Policy: full detail for the most recent `denseRecentEvents` events (a checkpoint every
 * checkpointEvery events, so a seek there replays at most that many); before them, one checkpoint
 * in `sparseStride` is kept, so a seek there replays at most checkpointEvery x sparseStride events.
 * The trace itself (every event, for the event log, the diagram and the links) is kept whole.
 *
 * A thinned slot points at the checkpoint kept before it (the run's indexing stays as it is): a
 * seek into it restores that earlier world and replays forward, which gives the same world. A
 * world carries the actions it will apply: after a fork, the kept worlds that thinned slots replay
 * from must carry the new actions (see afterFork), as the run's own fork point does.
 */
import type { Run } from '../sim/run.ts';

export const denseRecentEvents = 25_000;
export const sparseStride = 4;

export interface Thinning {
  /** Checkpoint slots below this index have been thinned already. */
  readonly upTo: number;
  /** Checkpoints dropped so far. */
  readonly dropped: number;
}

export const noThinning: Thinning = { upTo: 0, dropped: 0 };

/**
 * Thins the checkpoints older than the recent window. Call after the run grew; `previous` is what
 * the last call returned (reset it when the run is replaced; it is clamped when the run forks).
 */
export function thinCheckpoints(run: Run, previous: Thinning): Thinning {
  const checkpoints = run.checkpoints;
  const every = run.checkpointEvery;
  const limit = Math.min(
    checkpoints.length,
    Math.floor(Math.max(0, run.head.eventCount - denseRecentEvents) / every),
  );
  let upTo = Math.min(previous.upTo, checkpoints.length);
  // A fork dropped checkpoints past its point and recomputes them: those are dense again.
  let dropped = previous.dropped;
  if (limit <= upTo) return upTo === previous.upTo ? previous : { upTo, dropped };
  for (; upTo < limit; upTo++) {
    const keep = upTo - (upTo % sparseStride);
    if (keep === upTo || checkpoints[upTo] === checkpoints[keep]) continue;
    checkpoints[upTo] = checkpoints[keep];
    dropped++;
  }
  return { upTo, dropped };
}

/**
 * After the run forked (its actions changed at some time): a kept checkpoint that stands for
 * thinned slots is replayed further than its own slot, possibly past the fork, so it takes the new
 * action list. The actions before the fork are the same, so its past stays valid.
 */
export function afterFork(run: Run): void {
  const checkpoints = run.checkpoints;
  const actions = run.scenario.actions;
  for (let start = 0; start < checkpoints.length;) {
    let end = start + 1;
    while (end < checkpoints.length && checkpoints[end] === checkpoints[start]) end++;
    if (end - start > 1) {
      const world = checkpoints[start].withActions(actions);
      for (let slot = start; slot < end; slot++) checkpoints[slot] = world;
    }
    start = end;
  }
}

/** What the policy means for a person, once it has dropped something. */
export function thinningNotice(run: Run): string {
  const stride = run.checkpointEvery * sparseStride;
  return `Memory is bounded: full detail is kept for the last ${denseRecentEvents.toLocaleString('en')} events; before them one checkpoint in ${sparseStride} is dropped, so a seek there replays up to ${stride.toLocaleString('en')} events. Every event stays in the log.`;
}
