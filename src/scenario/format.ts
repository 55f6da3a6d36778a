/**
 * The small vocabulary every file and message format is written in (valibot schemas), and the one
 * way a format's problem is reported: the first issue, as one line naming the field's path and the
 * rule, `actions[3].replica: 7 is not a replica of a 5-replica cluster`. The scenario, the link,
 * the trace file, the TCP frames and the worker messages are each defined once with these.
 */
import * as v from 'valibot';

/** A JSON value as quoted in a problem: cut short, never echoed whole. `nothing` names a missing one. */
export function describe(value: unknown, nothing = 'undefined'): string {
  if (value === undefined) return nothing;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A plain JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An issue's path as written in a problem: `actions[3].replica`, or '' for the whole value. */
export function pathOf(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? String(key) : `.${String(key)}`;
  }
  return path;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly path: string; readonly rule: string };

/** Runs a schema and keeps only its first problem: formats report one line, the first one. */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  return { ok: false, path: pathOf(issue), rule: issue.message };
}

/** `path: rule`, or the rule alone for the whole value. */
export function problemLine(problem: { readonly path: string; readonly rule: string }): string {
  return problem.path === '' ? problem.rule : `${problem.path}: ${problem.rule}`;
}

export type Message = (issue: v.BaseIssue<unknown>) => string;

/**
 * An object with exactly these fields (in this order, which is also the order of the output's
 * keys). Anything else is `unknown field (expected one of ...)`; a missing required field is
 * reported by that field's own rule, as if it were given nothing; a non-object by `notObject`.
 */
export function strictRecord<const E extends v.ObjectEntries>(entries: E, notObject: Message = notAnObject) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, notObject),
    strictFields(entries, notObject),
  );
}

export const notAnObject: Message = (issue) => `must be an object, got ${describe(issue.input)}`;

/** strictRecord without its plain-object check, for the options of a v.variant (which makes one). */
export function strictFields<const E extends v.ObjectEntries>(entries: E, notObject: Message = notAnObject) {
  return v.strictObject(entries, fieldsMessage(entries, notObject));
}

/** An object with these fields, and others that are ignored (a format's room to grow). */
export function looseRecord<const E extends v.ObjectEntries>(entries: E, notObject: Message = notAnObject) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, notObject),
    v.looseObject(entries, fieldsMessage(entries, notObject)),
  );
}

function fieldsMessage(entries: v.ObjectEntries, notObject: Message): Message {
  const fields = Object.keys(entries);
  return (issue) => {
    if (issue.expected === 'never') return `unknown field (expected one of ${fields.join(', ')})`;
    const key = issue.path?.at(-1)?.key;
    if (typeof key === 'string' && Object.hasOwn(entries, key)) {
      const missing = v.safeParse(entries[key] as v.GenericSchema, undefined, { abortEarly: true });
      return missing.success ? 'is required' : missing.issues[0].message;
    }
    return notObject(issue);
  };
}

/** A whole number from min to max. */
export function integer(min: number, max: number, what = 'an integer') {
  const shape: Message = (issue) => `must be ${what}, got ${describe(issue.input)}`;
  const range: Message = (issue) => `must be from ${min} to ${max}, got ${String(issue.input)}`;
  return v.pipe(v.number(shape), v.integer(shape), v.minValue(min, range), v.maxValue(max, range));
}

/** A string of at most `maxLength` characters. */
export function text(maxLength: number) {
  return v.pipe(
    v.string((issue) => `must be a string, got ${describe(issue.input)}`),
    v.maxLength(
      maxLength,
      (issue) => `must be at most ${maxLength} characters, got ${(issue.input as string).length}`,
    ),
  );
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly string[]>(options: T) {
  return v.picklist(options, (issue) => `must be one of ${options.join(', ')}, got ${describe(issue.input)}`);
}

/** A safe integer count, at least `min`: worker messages and frames carry these. */
export function count(min = 0) {
  return v.pipe(v.number(), v.safeInteger(), v.minValue(min));
}
