/**
 * The trace JSON of a simulated run (`vsr-scope-trace`, version 1): what the app's Export writes
 * and `sim run --trace` writes, and what the app's Import opens (it re-runs the scenario inside).
 * The same format, with `source: "tcp"`, holds a merged TCP cluster trace (src/node/merge-traces.ts).
 */
import type { Run } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario-types.ts';

import { traceFormat, traceVersion, type TraceFileJson } from './trace-file.ts';

export { traceFormat, traceVersion };

/** The run's trace so far: the simulator's events and messages, plus `type` and `message` per event. */
export function traceJson(run: Run, scenario: Scenario): string {
  const journal = run.journal;
  const count = Math.min(run.head.eventCount, journal.eventCount);
  const shown = [];
  for (let index = 0; index < count; index++) {
    const event = journal.event(index);
    const id = journal.eventMessageId(index);
    const message = id >= 0 && id < journal.messageCount ? journal.messageBody(id) : undefined;
    shown.push({ ...event, type: event.kind, ...(message === undefined ? {} : { message }) });
  }
  const sent = shown.length === 0 ? 0 : shown.at(-1)!.firstSent + shown.at(-1)!.sentCount;
  const file: TraceFileJson = {
    format: traceFormat,
    version: traceVersion,
    source: 'simulator',
    replicas: scenario.replicas,
    stateMachine: scenario.stateMachine,
    scenario,
    endTime: run.head.now,
    events: shown,
    messages: [...journal.messages(0, sent)],
    warnings: [],
  };
  return JSON.stringify(file);
}
