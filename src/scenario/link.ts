/**
 * Scenario links: the scenario (with every action taken) and the cursor time, compressed into the
 * URL hash with lz-string's URI-safe encoding. Decoding validates size, JSON and schema; a bad link
 * is reported in one line and never runs. The app and the `sim` command line both encode links here.
 */
// lz-string is CommonJS: its default export works both in Vite and in Node (the e2e tests encode links).
import lzString from 'lz-string';
import type { Scenario } from '../sim/scenario-types.ts';
import { parseScenario, scenarioBytesMax, ScenarioError } from './schema.ts';

export const linkVersion = 1;
/** A link hash longer than this is refused before decompression. */
export const linkBytesMax = 32 * 1024;
const prefix = '#s=';
/**
 * A decompressed link longer than this is refused before JSON.parse: a scenario file's limit plus
 * room for the link's own fields ({"v":1,"scenario":...,"t":...}). A small link can expand a lot.
 */
export const linkJsonBytesMax = scenarioBytesMax + 1024;

/** A value from a link as quoted in a problem: cut short, never echoed whole. */
function quote(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'object')
    return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export interface LinkPayload {
  readonly scenario: Scenario;
  /** Cursor time in virtual ms. */
  readonly time: number;
}

export function encodeLink(scenario: Scenario, time: number): string {
  const json = JSON.stringify({ v: linkVersion, scenario, t: Math.floor(time) });
  return prefix + lzString.compressToEncodedURIComponent(json);
}

export type DecodedLink =
  { readonly ok: true; readonly payload: LinkPayload } | { readonly ok: false; readonly problem: string };

/** Decodes a location hash; an empty hash is `null` (no link). Never throws. */
export function decodeLink(hash: string): DecodedLink | null {
  if (hash === '' || hash === '#') return null;
  // Tour links (#tour=<id>) are opened by the tours module, not here.
  if (hash.startsWith('#tour=')) return null;
  if (!hash.startsWith(prefix)) return { ok: false, problem: 'the link does not hold a scenario (#s=...)' };
  if (hash.length > linkBytesMax)
    return { ok: false, problem: `the link is ${hash.length} bytes, the limit is ${linkBytesMax}` };
  let json: string | null;
  try {
    json = lzString.decompressFromEncodedURIComponent(hash.slice(prefix.length));
  } catch {
    json = null;
  }
  if (json === null || json === '') return { ok: false, problem: 'the link is truncated or corrupted' };
  // Characters first (cheap, and never more than bytes), then the exact UTF-8 size.
  const bytes = json.length > linkJsonBytesMax ? json.length : new TextEncoder().encode(json).length;
  if (bytes > linkJsonBytesMax)
    return {
      ok: false,
      problem: `the link expands to more than ${linkJsonBytesMax} bytes, the limit for a scenario`,
    };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'the link is truncated or corrupted (not JSON)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'the link does not hold a scenario' };
  const record = value as Record<string, unknown>;
  if (record.v !== linkVersion)
    return {
      ok: false,
      problem: `unknown link version ${quote(record.v)}: this build reads version ${linkVersion}`,
    };
  try {
    const scenario = parseScenario(record.scenario);
    const t =
      typeof record.t === 'number' && Number.isFinite(record.t)
        ? Math.max(0, Math.min(record.t, scenario.until))
        : 0;
    return { ok: true, payload: { scenario, time: t } };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, problem: `scenario ${error.message}` };
    return { ok: false, problem: 'the link could not be read' };
  }
}
