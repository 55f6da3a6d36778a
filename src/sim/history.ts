/**
 * The client history of a run (invoke and return of every request), extracted from the trace for the
 * linearizability checker. Requests never answered have an unknown outcome.
 */
import type { Scenario } from './scenario-types.ts';
import type { TraceEvent } from './trace.ts';

export interface HistoryOperation {
  readonly client: string;
  readonly request: number;
  readonly op: string;
  readonly call: number;
  /** Infinity when no reply arrived: the op may or may not have taken effect. */
  readonly return: number;
  readonly result: string | null;
}

export function extractHistory(events: readonly TraceEvent[]): HistoryOperation[] {
  const open = new Map<string, { client: string; request: number; op: string; call: number }>();
  const done: HistoryOperation[] = [];
  for (const event of events) {
    if (event.notes === null) continue;
    for (const note of event.notes) {
      if (note.kind === 'invoked')
        open.set(`${note.client}#${note.request}`, {
          client: note.client,
          request: note.request,
          op: note.op,
          call: event.time,
        });
      else if (note.kind === 'completed') {
        const key = `${note.client}#${note.request}`;
        const call = open.get(key);
        if (call === undefined) continue;
        open.delete(key);
        done.push({ ...call, return: event.time, result: note.result });
      }
    }
  }
  for (const call of open.values()) done.push({ ...call, return: Infinity, result: null });
  return done;
}

/** Whether the run's client history is linearizable, or null where no checker applies yet. */
export function historyLinearizable(_events: readonly TraceEvent[], _scenario: Scenario): boolean | null {
  return null;
}
