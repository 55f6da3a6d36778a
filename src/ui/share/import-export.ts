/**
 * Import and export of scenarios and traces. Import checks size first, then JSON, then the schema,
 * and reports the first problem with its path in the file. Nothing imported is executed or inserted
 * as HTML: a scenario only ever becomes simulator input, a trace only ever text in the views.
 */
import { isPlainObject } from '../../scenario/format.ts';
import { parseScenario, scenarioBytesMax, scenarioToJson, ScenarioError } from '../../scenario/schema.ts';
import { checkTraceFile, clip, traceFormat, type TraceFile } from '../../scenario/trace-file.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { TraceEvent } from '../../sim/trace.ts';

// The format and its writer live with the scenario format, where `sim run --trace` uses them too.
export { traceJson } from '../../scenario/trace-export.ts';
export {
  clip,
  quote,
  traceClientsMax,
  traceFormat,
  traceTimeMax,
  traceVersion,
} from '../../scenario/trace-file.ts';

/** Imported files larger than this are refused before they are parsed. */
export const importBytesMax = 16 * 1024 * 1024;

export type ImportedTrace = Omit<TraceFile, 'scenario'>;

export type Imported =
  | { readonly ok: true; readonly kind: 'scenario'; readonly scenario: Scenario }
  | {
      readonly ok: true;
      readonly kind: 'trace';
      readonly trace: ImportedTrace;
      readonly scenario: Scenario | null;
    }
  | { readonly ok: false; readonly problem: string };

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
  if (!isPlainObject(value)) return { ok: false, problem: 'expected a scenario or a trace (a JSON object)' };
  if (value.format === traceFormat) {
    const checked = checkTraceFile(value);
    if (!checked.ok) return checked;
    const { scenario: rawScenario, ...trace } = checked.trace;
    let scenario: Scenario | null = null;
    // A trace the simulator exported carries its scenario: it can be re-run, not just watched.
    if (value.source === 'simulator' && rawScenario !== undefined) {
      try {
        scenario = parseScenario(rawScenario);
      } catch (error) {
        if (error instanceof ScenarioError) return { ok: false, problem: `scenario.${error.message}` };
        return { ok: false, problem: 'scenario: could not be read' };
      }
    }
    return { ok: true, kind: 'trace', scenario, trace };
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
