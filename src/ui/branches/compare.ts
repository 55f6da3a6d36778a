/**
 * Comparing two runs (two branches, or a run with and without a mutation): the first event where
 * they part, and how the replicas differ at a chosen moment. Pure: runs in Node for the tests.
 */
import { eventCaption } from '../../sim/caption.ts';
import type { Run } from '../../sim/run.ts';
import type { TraceReader } from '../../sim/trace.ts';
import { diffSnapshots, replicaSnapshot, type DiffRow } from '../debug-views/state-diff.ts';

export interface Divergence {
  /** Index of the first event that differs (both runs agree on every event before it). */
  readonly event: number;
  /** The earlier of the two events' times (the moment the runs part). */
  readonly time: number;
  /** That event in each run, as the event log says it; null where the run had ended. */
  readonly a: string | null;
  readonly b: string | null;
}

/** Whether event `i` is the same event in both traces: same time, kind, node, message and action. */
function sameEvent(a: TraceReader, b: TraceReader, i: number): boolean {
  if (a.eventTime(i) !== b.eventTime(i) || a.eventKind(i) !== b.eventKind(i)) return false;
  if (a.eventNode(i) !== b.eventNode(i) || a.eventMessageId(i) !== b.eventMessageId(i)) return false;
  const kind = a.eventKind(i);
  // A deliver or loss of the same message id is the same only if the message is the same.
  if (kind === 'deliver' || kind === 'lose')
    return (
      JSON.stringify(a.messageBody(a.eventMessageId(i))) ===
      JSON.stringify(b.messageBody(b.eventMessageId(i)))
    );
  if (kind === 'action' || kind === 'workload' || kind === 'timer' || kind === 'crash-stop')
    return eventCaption(a.event(i), a) === eventCaption(b.event(i), b);
  return true;
}

/**
 * The first event where two computed traces differ, or null when one is a prefix of the other as
 * far as both are computed. Runs are deterministic, so everything before it is shared.
 */
export function firstDivergence(a: TraceReader, b: TraceReader): Divergence | null {
  const shared = Math.min(a.eventCount, b.eventCount);
  for (let i = 0; i < shared; i++)
    if (!sameEvent(a, b, i))
      return {
        event: i,
        time: Math.min(a.eventTime(i), b.eventTime(i)),
        a: eventCaption(a.event(i), a),
        b: eventCaption(b.event(i), b),
      };
  if (a.eventCount === b.eventCount) return null;
  const longer = a.eventCount > b.eventCount ? a : b;
  const caption = eventCaption(longer.event(shared), longer);
  return {
    event: shared,
    time: longer.eventTime(shared),
    a: longer === a ? caption : null,
    b: longer === b ? caption : null,
  };
}

/** Computes both runs to their end (or `time`) and finds where they part. */
export function divergenceOf(
  a: Run,
  b: Run,
  time = Math.max(a.scenario.until, b.scenario.until),
): Divergence | null {
  a.extendTo(time);
  b.extendTo(time);
  return firstDivergence(a.journal, b.journal);
}

export interface ReplicaDiff {
  readonly replica: number;
  readonly rows: readonly DiffRow[];
  /** Rows left out past the diff's limit. */
  readonly more: number;
}

/** How each replica differs between the two runs at virtual time `time` (replicas that agree left out). */
export function stateDiffAt(a: Run, b: Run, time: number): ReplicaDiff[] {
  a.extendTo(time);
  b.extendTo(time);
  const worldA = a.worldAtTime(time);
  const worldB = b.worldAtTime(time);
  const out: ReplicaDiff[] = [];
  const count = Math.max(worldA.replicas.length, worldB.replicas.length);
  for (let id = 0; id < count; id++) {
    const { rows, more } = diffSnapshots(
      replicaSnapshot(worldA.replicas[id] ?? null),
      replicaSnapshot(worldB.replicas[id] ?? null),
    );
    if (rows.length > 0) out.push({ replica: id, rows, more });
  }
  return out;
}
