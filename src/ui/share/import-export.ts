/**
 * Import and export of scenarios and traces. Import checks size first, then JSON, then the schema,
 * and reports the first problem with its path in the file. Nothing imported is executed or inserted
 * as HTML: a scenario only ever becomes simulator input, a trace only ever text in the views.
 */
import { parseScenario, scenarioBytesMax, scenarioToJson, ScenarioError } from '../../scenario/schema.ts';
import { messageTypes, noteKinds, replicasMax } from '../../protocol/index.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { MessageRecord, TraceEvent } from '../../sim/trace.ts';
import { traceFormat, traceVersion } from '../../scenario/trace-export.ts';

// The writer lives with the scenario format, where `sim run --trace` uses it too.
export { traceFormat, traceJson, traceVersion } from '../../scenario/trace-export.ts';

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
const knownMessageTypes: ReadonlySet<string> = new Set(messageTypes);
const knownNoteKinds: ReadonlySet<string> = new Set(noteKinds);
/** The statuses a `status` note may name: the views look each one up in a style table. */
const statusNames: ReadonlySet<string> = new Set(['normal', 'view-change', 'recovering']);
/** Clients are named like the simulator's and the TCP cluster's (`c0`, `c17`, random 64-bit ids). */
const clientIdPattern = /^c(?:0|[1-9][0-9]{0,19})$/;
/** A clean stop's reason, as a merged TCP trace records it. */
const stopReasonMax = 200;
/** Distinct clients a trace may name: each is a lane of the diagram. */
export const traceClientsMax = 64;
/**
 * Latest time a trace may hold (about 35 years in ms). Far below the float precision limit, so that
 * stepping along the time axis always advances (1e20 + 50 === 1e20 would never end).
 */
export const traceTimeMax = 2 ** 40;

/** Text from input, cut to `max` characters: problems never echo input whole. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A value as quoted in a problem (like the scenario schema's describe()). */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(clip(value));
  return clip(String(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= traceTimeMax;
}

/** Checks node ids against the lanes the replay draws: replicas below `replicas`, clients by name. */
function nodeChecker(replicas: number, clients: Set<string>) {
  return (value: unknown): string | null => {
    if (typeof value === 'number') {
      if (isInteger(value, 0, replicas - 1)) return null;
      return `${quote(value)} is not a replica of a ${replicas}-replica cluster`;
    }
    if (typeof value === 'string' && clientIdPattern.test(value)) {
      clients.add(value);
      return clients.size > traceClientsMax ? `more than ${traceClientsMax} clients` : null;
    }
    return `expected a replica number or a client id like "c0", got ${quote(value)}`;
  };
}

function noteProblem(raw: unknown, path: string): string | null {
  if (!isObject(raw)) return `${path}: expected an object`;
  if (typeof raw.kind !== 'string' || !knownNoteKinds.has(raw.kind))
    return `${path}.kind: ${quote(raw.kind)} is not a known note`;
  if (raw.kind === 'status') {
    if (typeof raw.to !== 'string' || !statusNames.has(raw.to))
      return `${path}.to: ${quote(raw.to)} is not a status (${[...statusNames].join(', ')})`;
    if (typeof raw.from !== 'string' || !statusNames.has(raw.from))
      return `${path}.from: ${quote(raw.from)} is not a status (${[...statusNames].join(', ')})`;
  }
  return null;
}

/**
 * The first problem of a trace, with its path; null when it has the shape the views read. The whole
 * shape is checked here so that the replay and the diagram can trust every field they index with.
 */
export function traceProblem(value: Record<string, unknown>): string | null {
  if (value.version !== traceVersion)
    return `version: ${quote(value.version)} is not a trace version this build reads (${traceVersion})`;
  if (value.replicas !== undefined && value.replicas !== null && !isInteger(value.replicas, 1, replicasMax))
    return `replicas: expected an integer from 1 to ${replicasMax}, got ${quote(value.replicas)}`;
  if (!Array.isArray(value.events)) return 'events: expected an array';
  if (!Array.isArray(value.messages)) return 'messages: expected an array';
  const replicas = typeof value.replicas === 'number' ? value.replicas : replicasMax;
  const nodeProblem = nodeChecker(replicas, new Set());
  const messages = value.messages as unknown[];
  const events = value.events as unknown[];
  for (const [index, raw] of messages.entries()) {
    const path = `messages[${index}]`;
    if (!isObject(raw)) return `${path}: expected an object`;
    if (raw.id !== index) return `${path}.id: expected ${index}, got ${quote(raw.id)}`;
    for (const field of ['from', 'to'] as const) {
      const problem = nodeProblem(raw[field]);
      if (problem !== null) return `${path}.${field}: ${problem}`;
    }
    const message = raw.message;
    if (!isObject(message)) return `${path}.message: expected a message with a type`;
    if (typeof message.type !== 'string' || !knownMessageTypes.has(message.type))
      return `${path}.message.type: ${quote(message.type)} is not a message type`;
    if (!isTime(raw.sentAt)) return `${path}.sentAt: expected a time in ms up to ${traceTimeMax}`;
    if (!isTime(raw.deliverAt)) return `${path}.deliverAt: expected a time in ms up to ${traceTimeMax}`;
    if (raw.lostAt !== null && !isTime(raw.lostAt))
      return `${path}.lostAt: expected a time in ms up to ${traceTimeMax}, or null`;
    if (!isInteger(raw.sentBy, -1, events.length - 1))
      return `${path}.sentBy: ${quote(raw.sentBy)} is not an event of this trace (or -1)`;
  }
  let last = 0;
  for (const [index, raw] of events.entries()) {
    const path = `events[${index}]`;
    if (!isObject(raw)) return `${path}: expected an object`;
    if (raw.index !== index) return `${path}.index: expected ${index}, got ${quote(raw.index)}`;
    if (!isTime(raw.time)) return `${path}.time: expected a time in ms up to ${traceTimeMax}`;
    if (raw.time < last) return `${path}.time: ${quote(raw.time)} is before the previous event`;
    last = raw.time;
    if (typeof raw.kind !== 'string' || !eventKinds.has(raw.kind))
      return `${path}.kind: expected one of ${[...eventKinds].join(', ')}`;
    if (raw.kind !== 'action' || raw.node !== null) {
      const problem = nodeProblem(raw.node);
      if (problem !== null) return `${path}.node: ${problem}`;
    }
    if ((raw.kind === 'deliver' || raw.kind === 'lose') && !isInteger(raw.msgId, 0, messages.length - 1))
      return `${path}.msgId: ${quote(raw.msgId)} is not a message of this trace`;
    if (raw.stop !== undefined && (typeof raw.stop !== 'string' || raw.stop.length > stopReasonMax))
      return `${path}.stop: expected the reason of a clean stop, up to ${stopReasonMax} characters`;
    if (raw.kind === 'action') {
      const action = raw.action;
      if (!isObject(action) || typeof action.type !== 'string')
        return `${path}.action: expected an action with a type`;
      if (
        (action.type === 'crash' || action.type === 'restart') &&
        !isInteger(action.replica, 0, replicas - 1)
      )
        return `${path}.action.replica: ${quote(action.replica)} is not a replica of a ${replicas}-replica cluster`;
    }
    if (!isInteger(raw.firstSent, 0, messages.length) || !isInteger(raw.sentCount, 0, messages.length))
      return `${path}.firstSent: expected the range of messages it sent`;
    if (raw.firstSent + raw.sentCount > messages.length)
      return `${path}.sentCount: ${raw.sentCount} messages from ${raw.firstSent} run past the ${messages.length} messages of this trace`;
    if (raw.notes !== null) {
      if (!Array.isArray(raw.notes)) return `${path}.notes: expected an array or null`;
      for (const [n, note] of (raw.notes as unknown[]).entries()) {
        const problem = noteProblem(note, `${path}.notes[${n}]`);
        if (problem !== null) return problem;
      }
    }
  }
  return null;
}

/** UTF-8 length of a text, without building its bytes. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte character.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function scenarioTooLarge(bytes: number): Imported {
  return { ok: false, problem: `the scenario is ${bytes} bytes, the limit is ${scenarioBytesMax}` };
}

/**
 * A replica that stopped cleanly in a recorded TCP trace (its crash action carries `stop`, the
 * reason): its caption says so, where a simulator trace would say it crashed. Null otherwise.
 */
export function cleanStopCaption(event: TraceEvent): string | null {
  const stop: unknown = (event as { stop?: unknown }).stop;
  if (event.kind !== 'action' || event.action.type !== 'crash' || typeof stop !== 'string') return null;
  return `replica ${event.action.replica} stopped cleanly (${clip(stop, 80)}): not a crash`;
}

/**
 * Reads an imported file's text: a scenario (what `sim run` reads) or a trace (`vsr-scope-trace`).
 * `bytes` is the file's size when known (else the text's UTF-8 length). A UTF-8 byte-order mark,
 * as some editors write, is skipped.
 */
export function importText(withBom: string, bytes = utf8Bytes(withBom)): Imported {
  const text = withBom.startsWith('\uFEFF') ? withBom.slice(1) : withBom;
  if (bytes > importBytesMax)
    return { ok: false, problem: `the file is ${bytes} bytes, the limit is ${importBytesMax}` };
  // Only a trace may be larger than a scenario: refuse anything else before parsing it.
  if (bytes > scenarioBytesMax && !text.includes(traceFormat)) return scenarioTooLarge(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON: ${clip((error as Error).message, 120)}` };
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
        source: typeof record.source === 'string' ? record.source.slice(0, 40) : 'unknown',
        replicas: typeof record.replicas === 'number' ? record.replicas : null,
        events: record.events as TraceEvent[],
        messages: record.messages as MessageRecord[],
        warnings: Array.isArray(record.warnings)
          ? record.warnings.filter((w): w is string => typeof w === 'string').map((w) => w.slice(0, 200))
          : [],
      },
    };
  }
  // A scenario that only mentions the trace format in passing is still held to the scenario limit.
  if (bytes > scenarioBytesMax) return scenarioTooLarge(bytes);
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
