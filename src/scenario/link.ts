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
import { parseScenario, scenarioBytesMax, ScenarioError, scenarioSchema } from './schema.ts';

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

/** An ancestor of a branch, as a link names it: where the branch left it, and its own actions. */
export interface LinkAncestor {
  readonly label: string;
  readonly forkAt: number;
  readonly actions: Scenario['actions'];
}

/** Which branch a link opens: its name and the branches it forked from, nearest first. */
export interface LinkBranch {
  readonly label: string;
  readonly ancestors: readonly LinkAncestor[];
}

export interface LinkPayload {
  readonly scenario: Scenario;
  /** Cursor time in virtual ms. */
  readonly time: number;
  /** Present when the link opens a branch of a tree (the app's Branches panel). */
  readonly branch?: LinkBranch;
}

/** A link names at most this many ancestors of its branch. */
export const linkAncestorsMax = 8;
const branchLabelMax = 200;

const branchName = () => `must be a branch name of at most ${branchLabelMax} characters`;
const name = v.pipe(v.string(branchName), v.maxLength(branchLabelMax, branchName));
const mustBeObject = () => 'must be an object';

/**
 * `b`, the branch a link opens: `n` its name, `a` its ancestors (nearest first), each with its name,
 * the moment the branch below it left it (`at`) and its actions. Those two are checked against the
 * link's scenario once it is read (readBranch).
 */
const linkBranchSchema = looseRecord(
  {
    n: name,
    a: v.pipe(
      v.array(
        looseRecord({ n: name, at: v.optional(v.unknown()), actions: v.optional(v.unknown()) }, mustBeObject),
        () => `must be a list of at most ${linkAncestorsMax} ancestors`,
      ),
      v.maxLength(linkAncestorsMax, () => `must be a list of at most ${linkAncestorsMax} ancestors`),
    ),
  },
  mustBeObject,
);

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
  b: v.optional(linkBranchSchema),
});

export function encodeLink(scenario: Scenario, time: number, branch?: LinkBranch): string {
  const payload: v.InferInput<typeof linkPayloadSchema> = { v: linkVersion, scenario, t: Math.floor(time) };
  if (branch !== undefined)
    payload.b = {
      n: branch.label.slice(0, branchLabelMax),
      a: branch.ancestors
        .slice(0, linkAncestorsMax)
        .map((a) => ({ n: a.label.slice(0, branchLabelMax), at: a.forkAt, actions: [...a.actions] })),
    };
  const json = JSON.stringify(payload);
  return prefix + lzString.compressToEncodedURIComponent(json);
}

/** The ancestors' fork moments and actions, checked against the link's scenario; a problem is one line. */
function readBranch(branch: v.InferOutput<typeof linkBranchSchema>, scenario: Scenario): LinkBranch | string {
  const ancestors: LinkAncestor[] = [];
  for (const [i, ancestor] of branch.a.entries()) {
    const at = ancestor.at;
    if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at > scenario.until)
      return `b.a[${i}].at: must be a whole number of ms within the run (0 to ${scenario.until})`;
    try {
      const { actions } = parseScenario({ ...scenario, actions: ancestor.actions });
      ancestors.push({ label: ancestor.n, forkAt: at, actions });
    } catch (error) {
      if (error instanceof ScenarioError) return `b.a[${i}].${error.message}`;
      throw error;
    }
  }
  return { label: branch.n, ancestors };
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
    if (result.path === 'b' || result.path.startsWith('b.'))
      return { ok: false, problem: `branch ${problemLine(result)}` };
    const path = result.path.replace(/^scenario\.?/, '');
    return { ok: false, problem: `scenario ${problemLine({ path, rule: result.rule })}` };
  }
  const { scenario, t, b } = result.value;
  const time = Math.max(0, Math.min(t, scenario.until));
  if (b === undefined) return { ok: true, payload: { scenario, time } };
  const branch = readBranch(b, scenario);
  if (typeof branch === 'string') return { ok: false, problem: `branch ${branch}` };
  return { ok: true, payload: { scenario, time, branch } };
}
