/**
 * Scenario links: the scenario (with every action taken) and the cursor time, compressed into the
 * URL hash with lz-string's URI-safe encoding. Decoding validates size, JSON and schema; a bad link
 * is reported in one line and never runs. The app and the `sim` command line both encode links here.
 */
// lz-string is CommonJS: its default export works both in Vite and in Node (the e2e tests encode links).
import lzString from 'lz-string';
import * as v from 'valibot';
import type { Scenario } from '../sim/scenario-types.ts';
import { check, isPlainObject, looseRecord, problemLine } from './format.ts';
import { scenarioBytesMax, scenarioSchema } from './schema.ts';

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

/**
 * The link's JSON, defined once: `v` its version, the scenario, `t` the cursor time (a bad one
 * reads as 0). Fields a later version adds are ignored.
 */
export const linkPayloadSchema = looseRecord({
  v: v.literal(
    linkVersion,
    (issue) => `unknown link version ${quote(issue.input)}: this build reads version ${linkVersion}`,
  ),
  scenario: scenarioSchema,
  t: v.fallback(v.pipe(v.number(), v.finite()), 0),
});

export function encodeLink(scenario: Scenario, time: number): string {
  const payload: v.InferInput<typeof linkPayloadSchema> = { v: linkVersion, scenario, t: Math.floor(time) };
  const json = JSON.stringify(payload);
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
  if (!isPlainObject(value)) return { ok: false, problem: 'the link does not hold a scenario' };
  const result = check(linkPayloadSchema, value);
  if (!result.ok) {
    if (result.path === 'v') return { ok: false, problem: result.rule };
    const path = result.path.replace(/^scenario\.?/, '');
    return { ok: false, problem: `scenario ${problemLine({ path, rule: result.rule })}` };
  }
  const { scenario, t } = result.value;
  return { ok: true, payload: { scenario, time: Math.max(0, Math.min(t, scenario.until)) } };
}
