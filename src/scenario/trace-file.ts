/**
 * The trace file (`vsr-scope-trace`, version 1), defined once: what `sim run --trace` and the app's
 * Export write (trace-export.ts), what `sim merge-traces` writes for a TCP cluster, and what the
 * app's Import reads. Every field the replay and the space-time diagram index with is checked, so
 * the views can trust it; the first problem is one line with its path in the file.
 */
import * as v from 'valibot';
import { messageTypes, noteKinds, replicasMax } from '../protocol/index.ts';
import type { MessageRecord, TraceEvent } from '../sim/trace.ts';
import { check, describe, isPlainObject, looseRecord, pathOf, problemLine } from './format.ts';

export const traceFormat = 'vsr-scope-trace';
export const traceVersion = 1;

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
const eventKinds = ['deliver', 'lose', 'timer', 'action', 'workload', 'crash-stop'] as const;
/** The statuses a `status` note may name: the views look each one up in a style table. */
const statusNames = ['normal', 'view-change', 'recovering'] as const;

/** Text from input, cut to `max` characters: problems never echo input whole. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A value as quoted in a problem; a missing one is "nothing". */
export function quote(value: unknown): string {
  return describe(value, 'nothing');
}

type Message = (issue: v.BaseIssue<unknown>) => string;
const expectedObject: Message = () => 'expected an object';

const time = (rule: string) =>
  v.pipe(v.number(rule), v.finite(rule), v.minValue(0, rule), v.maxValue(traceTimeMax, rule));
const timeRule = `expected a time in ms up to ${traceTimeMax}`;

const integerIn = (min: number, max: number, rule: Message) =>
  v.pipe(v.number(rule), v.integer(rule), v.minValue(min, rule), v.maxValue(max, rule));

/** What a trace's records are checked against: its lanes and its lengths. */
interface TraceShape {
  readonly replicas: number;
  readonly events: number;
  readonly messages: number;
  /** The clients named so far: at most traceClientsMax lanes. */
  readonly clients: Set<string>;
}

/** A node of the trace's lanes: a replica below `replicas`, or a client by name. */
function nodeOf(shape: TraceShape) {
  return v.pipe(
    v.unknown(),
    v.rawCheck(({ dataset, addIssue }) => {
      const value = dataset.value;
      if (typeof value === 'number') {
        if (!(Number.isInteger(value) && value >= 0 && value < shape.replicas))
          addIssue({ message: `${quote(value)} is not a replica of a ${shape.replicas}-replica cluster` });
        return;
      }
      if (typeof value === 'string' && clientIdPattern.test(value)) {
        shape.clients.add(value);
        if (shape.clients.size > traceClientsMax)
          addIssue({ message: `more than ${traceClientsMax} clients` });
        return;
      }
      addIssue({ message: `expected a replica number or a client id like "c0", got ${quote(value)}` });
    }),
  );
}

const status = (issue: v.BaseIssue<unknown>) =>
  `${quote(issue.input)} is not a status (${statusNames.join(', ')})`;

const noteSchema = v.pipe(
  v.custom<Record<string, unknown>>(isPlainObject, expectedObject),
  v.looseObject({
    kind: v.picklist(noteKinds, (issue) => `${quote(issue.input)} is not a known note`),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || dataset.value.kind !== 'status') return;
    const checked = check(
      v.looseObject({ to: v.picklist(statusNames, status), from: v.picklist(statusNames, status) }),
      dataset.value,
    );
    if (!checked.ok) addIssue({ message: checked.rule, path: pathItems(dataset.value, checked.path) });
  }),
);

function messageRecordOf(shape: TraceShape) {
  const node = nodeOf(shape);
  return looseRecord(
    {
      from: node,
      to: node,
      message: v.pipe(
        v.custom<Record<string, unknown>>(isPlainObject, () => 'expected a message with a type'),
        v.looseObject({
          type: v.picklist(messageTypes, (issue) => `${quote(issue.input)} is not a message type`),
        }),
      ),
      sentAt: time(timeRule),
      deliverAt: time(timeRule),
      lostAt: v.nullable(time(`${timeRule}, or null`)),
      sentBy: integerIn(
        -1,
        shape.events - 1,
        (issue) => `${quote(issue.input)} is not an event of this trace (or -1)`,
      ),
    },
    expectedObject,
  );
}

function eventOf(shape: TraceShape) {
  const node = nodeOf(shape);
  const sentRange = integerIn(0, shape.messages, () => 'expected the range of messages it sent');
  const action = v.pipe(
    v.custom<Record<string, unknown>>(
      (value) => isPlainObject(value) && typeof value.type === 'string',
      () => 'expected an action with a type',
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      const { type, replica } = dataset.value as Record<string, unknown>;
      if (type !== 'crash' && type !== 'restart') return;
      if (
        typeof replica === 'number' &&
        Number.isInteger(replica) &&
        replica >= 0 &&
        replica < shape.replicas
      )
        return;
      addIssue({
        message: `${quote(replica)} is not a replica of a ${shape.replicas}-replica cluster`,
        path: pathItems(dataset.value, 'replica'),
      });
    }),
  );
  return v.pipe(
    looseRecord(
      {
        time: time(timeRule),
        kind: v.picklist(eventKinds, () => `expected one of ${eventKinds.join(', ')}`),
        // An action of the scenario (not of a node) has node null.
        node: v.optional(v.unknown()),
        msgId: v.optional(v.unknown()),
        stop: v.optional(
          v.pipe(
            v.string(() => `expected the reason of a clean stop, up to ${stopReasonMax} characters`),
            v.maxLength(
              stopReasonMax,
              () => `expected the reason of a clean stop, up to ${stopReasonMax} characters`,
            ),
          ),
        ),
        action: v.optional(v.unknown()),
        firstSent: sentRange,
        sentCount: sentRange,
        notes: v.nullable(v.array(noteSchema, () => 'expected an array or null')),
      },
      expectedObject,
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const event = dataset.value;
      const nested = (schema: v.GenericSchema, key: string) => {
        const checked = check(schema, event[key]);
        if (checked.ok) return true;
        addIssue({
          message: checked.rule,
          path: pathItems(event, checked.path === '' ? key : `${key}.${checked.path}`),
        });
        return false;
      };
      if ((event.kind !== 'action' || event.node !== null) && !nested(node, 'node')) return;
      if (
        (event.kind === 'deliver' || event.kind === 'lose') &&
        !nested(
          integerIn(0, shape.messages - 1, (issue) => `${quote(issue.input)} is not a message of this trace`),
          'msgId',
        )
      )
        return;
      if (event.kind === 'action' && !nested(action, 'action')) return;
      if (event.firstSent + event.sentCount > shape.messages)
        addIssue({
          message: `${event.sentCount} messages from ${event.firstSent} run past the ${shape.messages} messages of this trace`,
          path: pathItems(event, 'sentCount'),
        });
    }),
  );
}

/** Path items for a problem found by hand below `input` (valibot wants the whole path spelled out). */
function pathItems(input: unknown, path: string): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const keys = path.split('.').filter((key) => key !== '');
  return keys.map((key) => ({ type: 'unknown', origin: 'value', input, key, value: undefined })) as never;
}

/** The fields of a trace file the views read; others (endTime, processes, warnings...) may follow. */
const traceFields = looseRecord({
  format: v.literal(traceFormat),
  version: v.literal(
    traceVersion,
    (issue) => `${quote(issue.input)} is not a trace version this build reads (${traceVersion})`,
  ),
  replicas: v.nullish(
    integerIn(
      1,
      replicasMax,
      (issue) => `expected an integer from 1 to ${replicasMax}, got ${quote(issue.input)}`,
    ),
  ),
  source: v.optional(v.unknown()),
  scenario: v.optional(v.unknown()),
  events: v.array(v.unknown(), () => 'expected an array'),
  messages: v.array(v.unknown(), () => 'expected an array'),
  warnings: v.optional(v.unknown()),
});

export interface TraceFile {
  readonly source: string;
  readonly replicas: number | null;
  readonly scenario: unknown;
  readonly events: readonly TraceEvent[];
  readonly messages: readonly MessageRecord[];
  readonly warnings: readonly string[];
}

/**
 * The trace document as one schema, for schemas/trace.schema.json: the records against the widest
 * lanes. Their cross-references (ids in order, a message's sender event) only checkTraceFile checks.
 */
export function traceDocumentSchema() {
  const widest: TraceShape = {
    replicas: replicasMax,
    events: Number.MAX_SAFE_INTEGER,
    messages: Number.MAX_SAFE_INTEGER,
    clients: new Set(),
  };
  return v.looseObject({
    ...traceFields.pipe[1].entries,
    events: v.array(eventOf(widest)),
    messages: v.array(messageRecordOf(widest)),
  });
}

/** A trace file as written: what every writer's output must be assignable to. */
export type TraceFileJson = v.InferInput<typeof traceFields>;

type Problem = { readonly ok: false; readonly problem: string };

/**
 * The first problem of a trace file, with its path, or the trace. Every record is checked against
 * the trace's own lanes and lengths: a message's sender event exists, an event's messages exist.
 */
export function checkTraceFile(value: unknown): { readonly ok: true; readonly trace: TraceFile } | Problem {
  const fields = check(traceFields, value);
  if (!fields.ok) return { ok: false, problem: problemLine(fields) };
  const file = fields.value;
  const shape: TraceShape = {
    replicas: typeof file.replicas === 'number' ? file.replicas : replicasMax,
    events: file.events.length,
    messages: file.messages.length,
    clients: new Set(),
  };
  const messageRecord = messageRecordOf(shape);
  for (const [index, raw] of file.messages.entries()) {
    const path = `messages[${index}]`;
    if (isPlainObject(raw) && raw.id !== index)
      return { ok: false, problem: `${path}.id: expected ${index}, got ${quote(raw.id)}` };
    const problem = firstProblem(messageRecord, raw, path);
    if (problem !== null) return problem;
  }
  const event = eventOf(shape);
  let last = 0;
  for (const [index, raw] of file.events.entries()) {
    const path = `events[${index}]`;
    if (isPlainObject(raw) && raw.index !== index)
      return { ok: false, problem: `${path}.index: expected ${index}, got ${quote(raw.index)}` };
    if (isPlainObject(raw) && typeof raw.time === 'number' && raw.time < last)
      return { ok: false, problem: `${path}.time: ${quote(raw.time)} is before the previous event` };
    const problem = firstProblem(event, raw, path);
    if (problem !== null) return problem;
    last = (raw as { time: number }).time;
  }
  return {
    ok: true,
    trace: {
      source: typeof file.source === 'string' ? file.source.slice(0, 40) : 'unknown',
      replicas: typeof file.replicas === 'number' ? file.replicas : null,
      scenario: file.scenario,
      events: file.events as TraceEvent[],
      messages: file.messages as MessageRecord[],
      warnings: Array.isArray(file.warnings)
        ? file.warnings.filter((w): w is string => typeof w === 'string').map((w) => w.slice(0, 200))
        : [],
    },
  };
}

function firstProblem(schema: v.GenericSchema, value: unknown, path: string): Problem | null {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return null;
  const issue = result.issues[0];
  const inner = pathOf(issue);
  const full = inner === '' ? path : inner.startsWith('[') ? `${path}${inner}` : `${path}.${inner}`;
  return { ok: false, problem: `${full}: ${issue.message}` };
}
