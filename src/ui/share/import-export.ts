/**
 * Import and export of scenarios and traces. Import checks size first, then JSON, then the schema,
 * and reports the first problem with its path in the file. Nothing imported is executed or inserted
 * as HTML: a scenario only ever becomes simulator input, a trace only ever text in the views.
 */
import { parseScenario, scenarioBytesMax, scenarioToJson, ScenarioError } from '../../scenario/schema.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { MessageRecord, TraceEvent } from '../../sim/trace.ts';
import type { Run } from '../../sim/run.ts';

export const traceFormat = 'vsr-scope-trace';
export const traceVersion = 1;
/** Imported files larger than this are refused before they are parsed. */
export const importBytesMax = 16 * 1024 * 1024;

export interface ImportedTrace {
  readonly source: string;
  readonly replicas: number | null;
  readonly events: readonly TraceEvent[];
  readonly messages: readonly MessageRecord[];
  readonly warnings: readonly string[];
}

export type Imported =
  | { readonly ok: true; readonly kind: 'scenario'; readonly scenario: Scenario }
  | {
      readonly ok: true;
      readonly kind: 'trace';
      readonly trace: ImportedTrace;
      readonly scenario: Scenario | null;
    }
  | { readonly ok: false; readonly problem: string };

const eventKinds = new Set(['deliver', 'lose', 'timer', 'action', 'workload', 'crash-stop']);

function isNode(value: unknown): boolean {
  return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || typeof value === 'string';
}

function isTime(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** The first problem of a trace, with its path; null when it has the shape the views read. */
export function traceProblem(value: Record<string, unknown>): string | null {
  if (value.version !== traceVersion)
    return `version: ${JSON.stringify(value.version)} is not a trace version this build reads (${traceVersion})`;
  if (!Array.isArray(value.events)) return 'events: expected an array';
  if (!Array.isArray(value.messages)) return 'messages: expected an array';
  const messages = value.messages as unknown[];
  for (const [index, raw] of messages.entries()) {
    const path = `messages[${index}]`;
    if (typeof raw !== 'object' || raw === null) return `${path}: expected an object`;
    const m = raw as Record<string, unknown>;
    if (m.id !== index) return `${path}.id: expected ${index}`;
    if (!isNode(m.from)) return `${path}.from: expected a replica number or a client id`;
    if (!isNode(m.to)) return `${path}.to: expected a replica number or a client id`;
    if (
      typeof m.message !== 'object' ||
      m.message === null ||
      typeof (m.message as { type?: unknown }).type !== 'string'
    )
      return `${path}.message: expected a message with a type`;
    if (!isTime(m.sentAt)) return `${path}.sentAt: expected a time in ms`;
    if (!isTime(m.deliverAt)) return `${path}.deliverAt: expected a time in ms`;
    if (m.lostAt !== null && !isTime(m.lostAt)) return `${path}.lostAt: expected a time in ms or null`;
  }
  let last = 0;
  for (const [index, raw] of (value.events as unknown[]).entries()) {
    const path = `events[${index}]`;
    if (typeof raw !== 'object' || raw === null) return `${path}: expected an object`;
    const e = raw as Record<string, unknown>;
    if (!isTime(e.time)) return `${path}.time: expected a time in ms`;
    if ((e.time as number) < last) return `${path}.time: ${String(e.time)} is before the previous event`;
    last = e.time as number;
    if (typeof e.kind !== 'string' || !eventKinds.has(e.kind))
      return `${path}.kind: expected one of ${[...eventKinds].join(', ')}`;
    if (e.kind !== 'action' && !isNode(e.node))
      return `${path}.node: expected a replica number or a client id`;
    if (
      (e.kind === 'deliver' || e.kind === 'lose') &&
      !(typeof e.msgId === 'number' && e.msgId >= 0 && e.msgId < messages.length)
    )
      return `${path}.msgId: ${JSON.stringify(e.msgId)} is not a message of this trace`;
    if (!Number.isInteger(e.firstSent) || !Number.isInteger(e.sentCount))
      return `${path}.firstSent: expected the range of messages it sent`;
  }
  return null;
}

/** Reads an imported file's text: a scenario (what `sim run` reads) or a trace (`vsr-scope-trace`). */
export function importText(text: string, bytes = text.length): Imported {
  if (bytes > importBytesMax)
    return { ok: false, problem: `the file is ${bytes} bytes, the limit is ${importBytesMax}` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'expected a scenario or a trace (a JSON object)' };
  const record = value as Record<string, unknown>;
  if (record.format === traceFormat) {
    const problem = traceProblem(record);
    if (problem !== null) return { ok: false, problem };
    let scenario: Scenario | null = null;
    // A trace the simulator exported carries its scenario: it can be re-run, not just watched.
    if (record.source === 'simulator' && record.scenario !== undefined) {
      try {
        scenario = parseScenario(record.scenario);
      } catch (error) {
        if (error instanceof ScenarioError) return { ok: false, problem: `scenario.${error.message}` };
        return { ok: false, problem: 'scenario: could not be read' };
      }
    }
    return {
      ok: true,
      kind: 'trace',
      scenario,
      trace: {
        source: typeof record.source === 'string' ? record.source : 'unknown',
        replicas: typeof record.replicas === 'number' ? record.replicas : null,
        events: record.events as TraceEvent[],
        messages: record.messages as MessageRecord[],
        warnings: Array.isArray(record.warnings)
          ? record.warnings.filter((w): w is string => typeof w === 'string')
          : [],
      },
    };
  }
  if (text.length > scenarioBytesMax)
    return { ok: false, problem: `the scenario is ${text.length} bytes, the limit is ${scenarioBytesMax}` };
  try {
    return { ok: true, kind: 'scenario', scenario: parseScenario(value) };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, problem: error.message };
    return { ok: false, problem: 'the scenario could not be read' };
  }
}

export function scenarioJson(scenario: Scenario): string {
  return scenarioToJson(scenario);
}

/** The run's trace so far: the simulator's events and messages, plus `type` and `message` per event. */
export function traceJson(run: Run, scenario: Scenario): string {
  const { events, messages } = run.journal;
  const count = run.head.eventCount;
  const shown = events.slice(0, count).map((event) => {
    const message =
      event.kind === 'deliver' || event.kind === 'lose' ? messages[event.msgId]?.message : undefined;
    return { ...event, type: event.kind, ...(message === undefined ? {} : { message }) };
  });
  const sent = shown.length === 0 ? 0 : shown.at(-1)!.firstSent + shown.at(-1)!.sentCount;
  return JSON.stringify({
    format: traceFormat,
    version: traceVersion,
    source: 'simulator',
    replicas: scenario.replicas,
    stateMachine: scenario.stateMachine,
    scenario,
    endTime: run.head.now,
    events: shown,
    messages: messages.slice(0, sent),
    warnings: [],
  });
}
