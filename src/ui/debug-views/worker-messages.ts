/**
 * The messages between the page and its fuzz and shrink workers, both ways, each defined once as a
 * schema; the types are inferred from them. The two sides are built together, but a message is
 * still data crossing a boundary: a malformed one is refused with a reason instead of being
 * trusted by a cast.
 */
import * as v from 'valibot';
import { mutations } from '../../protocol/index.ts';
import { check, count, problemLine } from '../../scenario/format.ts';
import { scenarioSchema } from '../../scenario/schema.ts';
import type { Violation } from '../../sim/trace.ts';

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const integers = v.optional(v.pipe(v.array(v.pipe(v.number(), v.integer())), v.readonly()));

const violationSchema = v.object({
  checker: v.string(),
  time: v.pipe(v.number(), v.finite()),
  event: count(),
  message: v.string(),
  replicas: integers,
  ops: integers,
});

/** A finite non-negative number (a shrink size is a weighted sum, not always whole). */
const amount = v.pipe(v.number(), v.finite(), v.minValue(0));

/** The scenario a message carries: its problem reads `scenario replicas: ...`. */
const scenario = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const result = check(scenarioSchema, dataset.value);
    if (result.ok) return result.value;
    addIssue({ message: `scenario ${problemLine(result)}` });
    return NEVER;
  }),
);

const fuzzJobSchema = v.object({
  start: count(),
  stride: count(1),
  mutation: v.picklist(mutations),
});

const fuzzReplySchema = v.variant('kind', [
  v.object({ kind: v.literal('progress'), done: count() }),
  v.object({ kind: v.literal('failure'), seed: count(), scenario, violation: violationSchema }),
]);

const shrinkRequestSchema = v.object({ scenario, checker: v.string(), maxRuns: count(1) });

const shrinkReplySchema = v.variant('kind', [
  v.object({ kind: v.literal('progress'), runs: count(), size: amount }),
  v.object({ kind: v.literal('done'), scenario, violation: violationSchema, runs: count() }),
  v.object({
    kind: v.literal('error'),
    message: v.pipe(
      v.string(),
      v.transform((message) => message.slice(0, 300)),
    ),
  }),
]);

export type FuzzJob = v.InferOutput<typeof fuzzJobSchema>;
export type FuzzReply = v.InferOutput<typeof fuzzReplySchema>;
export type ShrinkRequest = v.InferOutput<typeof shrinkRequestSchema>;
export type ShrinkReply = v.InferOutput<typeof shrinkReplySchema>;

// The simulator's Violation and the worker's stay one shape.
const violationMatches: (value: v.InferOutput<typeof violationSchema>) => Violation = (value) => value;
void violationMatches;

function checked<S extends v.GenericSchema>(schema: S, value: unknown): Checked<v.InferOutput<S>> {
  const result = check(schema, value);
  if (result.ok) return result;
  // A scenario's problem already names itself.
  const problem = result.rule.startsWith('scenario ') ? result.rule : problemLine(result);
  return { ok: false, problem };
}

export function isViolation(value: unknown): value is Violation {
  return v.is(violationSchema, value);
}

export const checkFuzzJob = (value: unknown): Checked<FuzzJob> => checked(fuzzJobSchema, value);
export const checkFuzzReply = (value: unknown): Checked<FuzzReply> => checked(fuzzReplySchema, value);
export const checkShrinkRequest = (value: unknown): Checked<ShrinkRequest> =>
  checked(shrinkRequestSchema, value);
export const checkShrinkReply = (value: unknown): Checked<ShrinkReply> => checked(shrinkReplySchema, value);
