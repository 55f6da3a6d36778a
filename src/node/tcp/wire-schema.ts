/**
 * The TCP wire format and its schema. Every frame that enters a process is checked here before any
 * of it reaches the protocol core; the first problem is reported as one line naming the field's
 * path and the rule (`message.entry.request: must be a non-negative integer, got -1`).
 *
 * Framing (see framing.ts): a 4-byte big-endian unsigned length, then that many bytes of UTF-8
 * JSON. A frame longer than the limit is refused from its header, before its body is read: 32 MiB
 * (`frameBytesMax`) from a replica, 64 KiB (`strangerFrameBytesMax`) before the hello and from
 * clients.
 *
 * Frame bodies, one JSON object each, discriminated by `kind`:
 *
 *   { "kind": "hello", "version": 2, "from": 0 | "c7", "replicas": 3, "incarnation": "k3f9a2",
 *     "stateMachine": "kv" | "log" | null, "view": 0 | null, "status": "normal" | ... | null,
 *     "opNumber": 12 | null, "cluster": "9f0c..." | null, "nonce": "<32 hex>", "auth": true }
 *       The first frame in each direction, exactly once. `from` names the sender: a replica id that
 *       must lie in 0..replicas-1 (and differ from the receiver), or a client id "c<N>". `replicas`
 *       and, for replicas, `stateMachine` must match the receiver's configuration. A replica also
 *       says its view, status and op-number (so a client can address the current primary at once,
 *       and a replica starting a new cluster can see that a group with state already runs), and
 *       its cluster incarnation id (null until it knows it). `nonce` is fresh for each connection;
 *       `auth` says whether the sender proves itself with the cluster secret (see auth.ts).
 *   { "kind": "auth", "proof": "<64 hex>" }
 *       Between replicas that hold a cluster secret, right after the hellos: the dialing replica
 *       proves first, then the accepting one (challenge-response HMAC over both nonces).
 *   { "kind": "message", "id": "0.k3f9a2.17", "message": { "type": "prepare", ... } }
 *       One protocol message (src/protocol/message.ts), with a wire id unique across processes:
 *       `<sender>.<incarnation>.<sequence>`. Traces record it on both sides; merge-traces aligns
 *       sends and receives by it. A replica may send only replica-to-replica messages whose
 *       `replica` field (if any) names itself; a client only `request`s naming itself; a replica
 *       sends a client only `reply`s naming itself.
 *   { "kind": "status_request" }
 *       Asks a replica for a `status` frame (clients, the cluster command, tests).
 *   { "kind": "status", "replica": 0, "incarnation": "k3f9a2", "status": "normal", "view": 2,
 *     "primary": 2, "opNumber": 120, "commitNumber": 120, "digest": 91234, "peers": [1, 2],
 *     "uptimeMs": 5234 }
 *       Driver-level facts for people and tests, outside the protocol. `status` is "starting"
 *       while the process waits for a quorum of peers before its protocol clock starts.
 *
 * Validation is strict: unknown keys, missing keys, wrong types, values out of range (a replica id
 * outside the configuration, a negative op-number, an op longer than opBytesMax), an unknown
 * message type and internally inconsistent messages (a log whose length is not its op-number, a
 * commit-number beyond the op-number) are all refused, and so are inherited names (`__proto__`,
 * `toString`): only own properties count. Who may speak is decided elsewhere: replicas prove a
 * cluster secret (auth.ts), and a replica admits connections by class (admission.ts).
 */
import * as v from 'valibot';
import {
  messageTypes,
  opBytesMax,
  type ClientId,
  type LogEntry,
  type Message,
  type MessageType,
  type NodeId,
  type ReplicaStatus,
  type StateMachineKind,
} from '../../protocol/index.ts';
import { describe as describeValue, isPlainObject, pathOf } from '../../scenario/format.ts';

export const wireVersion = 2;
/** Frames longer than this are refused from their header: a start_view of ~100k ops fits. */
export const frameBytesMax = 32 * 1024 * 1024;
/**
 * The limit until the other end's hello says it is a replica, and for clients all along: hellos,
 * requests and status frames are a few hundred bytes, so a stranger cannot make us buffer 32 MiB.
 */
export const strangerFrameBytesMax = 64 * 1024;
/** Log entries in one message (do_view_change, start_view, new_state, recovery_response). */
export const logEntriesMax = 1_000_000;
export const wireIdBytesMax = 64;
export const incarnationBytesMax = 16;
/** A status frame's problem sentence. */
export const statusProblemBytesMax = 4096;
/** Clients are "c0" .. "c18446744073709551615" (a random 64-bit id by default). */
export const clientIdPattern = /^c(?:0|[1-9][0-9]{0,19})$/;
export const noncePattern = /^[0-9a-f]{32}$/;
export const proofPattern = /^[0-9a-f]{64}$/;
const wireIdPattern = /^[A-Za-z0-9._-]+$/;
const incarnationPattern = /^[a-z0-9]+$/;

export type ProcessStatus = ReplicaStatus | 'starting';
export const processStatuses: readonly ProcessStatus[] = ['normal', 'view-change', 'recovering', 'starting'];

/** What a receiver knows that a frame is checked against. */
export interface WireContext {
  readonly replicaCount: number;
  /** The receiver's state machine (replicas); null for clients, which never receive state. */
  readonly stateMachine: StateMachineKind | null;
}

export class WireError extends Error {
  override name = 'WireError';
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(path === '' ? rule : `${path}: ${rule}`);
  }
}

// ---------------------------------------------------------------- the vocabulary

type Json = unknown;
type Message_ = (issue: v.BaseIssue<unknown>) => string;

/** A value as quoted in a problem; a missing one is "nothing". */
function describe(value: Json): string {
  return describeValue(value, 'nothing');
}

const got =
  (rule: string): Message_ =>
  (issue) =>
    `${rule}, got ${describe(issue.input)}`;

const natRule = got('must be a non-negative integer');
const nat = v.pipe(v.number(natRule), v.safeInteger(natRule), v.minValue(0, natRule));

const uint32 = v.pipe(
  nat,
  v.maxValue(0xffffffff, (issue) => `must fit in 32 bits, got ${String(issue.input)}`),
);

function text(bytesMax: number) {
  return v.pipe(
    v.string(got('must be a string')),
    // UTF-16 length bounds the UTF-8 length from below: skip the count for short strings.
    v.check(
      (value) => value.length * 3 <= bytesMax || Buffer.byteLength(value, 'utf8') <= bytesMax,
      `must be at most ${bytesMax} bytes long`,
    ),
  );
}

const anyText = text(frameBytesMax);
const opText = text(opBytesMax);

function literal<const T extends string | number>(expected: T) {
  return v.literal(expected, got(`must be ${JSON.stringify(expected)}`));
}

function oneOf<const T extends string>(allowed: readonly T[]) {
  return v.picklist(allowed, got(`must be one of ${allowed.join(', ')}`));
}

function replicaIdIn(replicaCount: number) {
  return v.pipe(
    nat,
    v.maxValue(
      replicaCount - 1,
      (issue) => `${String(issue.input)} is not a replica of a ${replicaCount}-replica cluster`,
    ),
  );
}

const clientRule = got('must be a client id like "c7"');
const clientId = v.custom<ClientId>(
  (value) => typeof value === 'string' && clientIdPattern.test(value),
  clientRule,
);

function nodeIdIn(replicaCount: number) {
  return v.union([replicaIdIn(replicaCount), clientId], clientRule);
}

function arrayOf<S extends v.GenericSchema>(item: S, itemsMax: number) {
  return v.pipe(
    v.array(item, got('must be an array')),
    v.maxLength(
      itemsMax,
      (issue) => `must hold at most ${itemsMax} items, got ${(issue.input as unknown[]).length}`,
    ),
  );
}

function pair<A extends v.GenericSchema, B extends v.GenericSchema>(first: A, second: B) {
  return v.pipe(
    v.custom<readonly [unknown, unknown]>(
      (value) => Array.isArray(value) && value.length === 2,
      got('must be a pair [key, value]'),
    ),
    v.tuple([first, second]),
    v.readonly(),
  );
}

/**
 * An object with exactly these keys, each checked: unknown keys are refused first, then missing
 * ones. Own properties only: "__proto__" or "toString" must be unknown fields, not inherited ones.
 */
function record<const E extends v.ObjectEntries>(entries: E) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, got('must be an object')),
    v.rawCheck(({ dataset, addIssue }) => {
      const value = dataset.value as Record<string, unknown>;
      for (const key of Object.keys(value))
        if (!Object.hasOwn(entries, key)) {
          addIssue({
            message: 'is not a known field',
            path: [{ type: 'object', origin: 'key', input: value, key, value: value[key] }],
          });
          return;
        }
    }),
    v.strictObject(entries, (issue) => (issue.expected === 'never' ? 'is not a known field' : 'is missing')),
  );
}

// ---------------------------------------------------------------- protocol messages

type MessageOf<K extends MessageType> = Extract<Message, { type: K }>;
/** One schema per message type, each checked to produce exactly the protocol's message. */
type MessageSchemas = { readonly [K in MessageType]: v.GenericSchema<unknown, MessageOf<K>> };

function messageSchemas(context: WireContext): MessageSchemas {
  const replica = replicaIdIn(context.replicaCount);
  const crashVector = v.optional(
    v.pipe(
      v.custom<unknown[]>(
        (value) => Array.isArray(value) && value.length === context.replicaCount,
        got(`must be an array of ${context.replicaCount} incarnations`),
      ),
      v.array(uint32),
      v.readonly(),
    ),
  );
  const logEntry = record({ op: opText, client: clientId, request: nat, view: nat });
  const log = arrayOf(logEntry, logEntriesMax);
  const kvDelta = record({
    kind: literal('kv'),
    sinceCommit: nat,
    entries: arrayOf(pair(anyText, anyText), logEntriesMax),
  });
  const logDelta = record({
    kind: literal('log'),
    sinceCommit: nat,
    from: nat,
    entries: arrayOf(anyText, logEntriesMax),
  });
  const expected = context.stateMachine;
  const delta = v.pipe(
    v.unknown(),
    v.rawCheck(({ dataset, addIssue }) => {
      const kind = isPlainObject(dataset.value) ? dataset.value.kind : undefined;
      if (expected !== null && kind !== expected)
        addIssue({
          message: `must be "${expected}" (this cluster's state machine), got ${describe(kind)}`,
          path: [
            { type: 'object', origin: 'value', input: dataset.value as never, key: 'kind', value: kind },
          ],
        });
    }),
    v.lazy((value) => (isPlainObject(value) && value.kind === 'log' ? logDelta : kvDelta)),
  );
  const clientRow = record({ client: clientId, request: nat, result: anyText, op: nat });
  const transfer = record({ delta, clientTable: arrayOf(clientRow, logEntriesMax) });
  const primaryState = record({ log, opNumber: nat, commitNumber: nat, state: transfer });
  // §7: the sender's epoch (absent in epoch 0) and, where a restarted replica or a client needs it, its group.
  const epoch = v.optional(nat);
  const members = arrayOf(replica, 9);
  return {
    request: record({ type: literal('request'), epoch, client: clientId, request: nat, op: opText }),
    prepare: record({
      type: literal('prepare'),
      crashVector,
      epoch,
      view: nat,
      opNumber: nat,
      commitNumber: nat,
      entry: logEntry,
    }),
    prepare_ok: record({
      type: literal('prepare_ok'),
      crashVector,
      epoch,
      view: nat,
      opNumber: nat,
      replica,
    }),
    reply: record({
      type: literal('reply'),
      epoch,
      members: v.optional(members),
      view: nat,
      request: nat,
      result: anyText,
      replica,
    }),
    commit: record({ type: literal('commit'), crashVector, epoch, view: nat, commitNumber: nat }),
    start_view_change: record({ type: literal('start_view_change'), crashVector, epoch, view: nat, replica }),
    do_view_change: record({
      type: literal('do_view_change'),
      crashVector,
      epoch,
      view: nat,
      log,
      lastNormalView: nat,
      opNumber: nat,
      commitNumber: nat,
      replica,
    }),
    start_view: record({
      type: literal('start_view'),
      crashVector,
      epoch,
      view: nat,
      log,
      opNumber: nat,
      commitNumber: nat,
    }),
    get_state: record({
      type: literal('get_state'),
      crashVector,
      epoch,
      view: nat,
      opNumber: nat,
      commitNumber: nat,
      replica,
    }),
    new_state: record({
      type: literal('new_state'),
      crashVector,
      epoch,
      view: nat,
      fromOp: nat,
      entries: log,
      opNumber: nat,
      commitNumber: nat,
      state: transfer,
      committedOnly: v.optional(v.boolean()),
    }),
    recovery: record({ type: literal('recovery'), crashVector, epoch, replica, nonce: uint32 }),
    pre_view_change: record({ type: literal('pre_view_change'), crashVector, epoch, view: nat, replica }),
    pre_view_change_ok: record({
      type: literal('pre_view_change_ok'),
      crashVector,
      epoch,
      view: nat,
      replica,
    }),
    crash_vector_request: record({ type: literal('crash_vector_request'), epoch, replica, nonce: uint32 }),
    crash_vector_response: record({
      type: literal('crash_vector_response'),
      crashVector,
      epoch,
      members: v.optional(members),
      nonce: uint32,
      replica,
    }),
    recovery_response: record({
      type: literal('recovery_response'),
      crashVector,
      epoch,
      members: v.optional(members),
      view: nat,
      nonce: uint32,
      replica,
      primaryState: v.nullable(primaryState),
    }),
    start_epoch: record({
      type: literal('start_epoch'),
      crashVector,
      epoch: nat,
      members,
      opNumber: nat,
      commitNumber: nat,
      replica,
    }),
    epoch_started: record({ type: literal('epoch_started'), crashVector, epoch: nat, replica }),
    new_epoch: record({ type: literal('new_epoch'), epoch: nat, members, replica }),
  };
}

/** Throws the first issue of a schema run as a WireError, its path below `path`. */
function parseWith<S extends v.GenericSchema>(schema: S, value: Json, path: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const inner = pathOf(issue);
  const at =
    inner === '' || path === '' ? path + inner : inner.startsWith('[') ? path + inner : `${path}.${inner}`;
  throw new WireError(at, issue.message);
}

function fail(path: string, rule: string): never {
  throw new WireError(path, rule);
}

/** Relations between fields that every honest sender keeps; breaking one would trip a replica's assertions. */
function checkConsistent(message: Message, path: string): void {
  const entriesNoLaterThan = (entries: readonly LogEntry[], view: number, at: string) => {
    for (let i = 0; i < entries.length; i++)
      if (entries[i].view > view) fail(`${at}[${i}].view`, `must not exceed the message's view ${view}`);
  };
  const logMatches = (log: readonly LogEntry[], opNumber: number, commitNumber: number, at: string) => {
    if (log.length !== opNumber) fail(`${at}opNumber`, `must equal the log's length ${log.length}`);
    if (commitNumber > opNumber) fail(`${at}commitNumber`, `must not exceed op-number ${opNumber}`);
  };
  switch (message.type) {
    case 'prepare':
      if (message.opNumber < 1) fail(`${path}.opNumber`, 'must be at least 1');
      if (message.entry.view > message.view)
        fail(`${path}.entry.view`, `must not exceed the message's view ${message.view}`);
      return;
    case 'do_view_change':
      logMatches(message.log, message.opNumber, message.commitNumber, `${path}.`);
      if (message.lastNormalView > message.view)
        fail(`${path}.lastNormalView`, `must not exceed the view ${message.view}`);
      return entriesNoLaterThan(message.log, message.view, `${path}.log`);
    case 'start_view':
      logMatches(message.log, message.opNumber, message.commitNumber, `${path}.`);
      return entriesNoLaterThan(message.log, message.view, `${path}.log`);
    case 'new_state':
      if (message.fromOp + message.entries.length !== message.opNumber)
        fail(`${path}.opNumber`, `must equal fromOp + entries (${message.fromOp + message.entries.length})`);
      if (message.commitNumber > message.opNumber)
        fail(`${path}.commitNumber`, `must not exceed op-number ${message.opNumber}`);
      if (message.state.delta.sinceCommit > message.commitNumber)
        fail(`${path}.state.delta.sinceCommit`, `must not exceed commit-number ${message.commitNumber}`);
      return entriesNoLaterThan(message.entries, message.view, `${path}.entries`);
    case 'recovery_response': {
      const state = message.primaryState;
      if (state === null) return;
      logMatches(state.log, state.opNumber, state.commitNumber, `${path}.primaryState.`);
      // The recovering replica holds nothing: a primary ships its whole state, from the start.
      const delta = state.state.delta;
      if (delta.sinceCommit !== 0)
        fail(
          `${path}.primaryState.state.delta.sinceCommit`,
          'must be 0 (a recovering replica holds nothing)',
        );
      if (delta.kind === 'log' && delta.from !== 0)
        fail(`${path}.primaryState.state.delta.from`, 'must be 0 (a recovering replica holds nothing)');
      return entriesNoLaterThan(state.log, message.view, `${path}.primaryState.log`);
    }
    default:
      return;
  }
}

const schemasByContext = new Map<string, { messages: MessageSchemas; frames: FrameSchemas }>();

function schemasFor(context: WireContext) {
  const key = `${context.replicaCount}/${context.stateMachine ?? '-'}`;
  let schemas = schemasByContext.get(key);
  if (schemas === undefined) {
    schemas = { messages: messageSchemas(context), frames: frameSchemas(context) };
    schemasByContext.set(key, schemas);
  }
  return schemas;
}

/** Checks one protocol message: its type, every field, and the relations between fields. */
export function validateMessage(value: Json, context: WireContext, path = 'message'): Message {
  if (!isPlainObject(value)) fail(path, `must be an object, got ${describe(value)}`);
  const type = value.type;
  if (typeof type !== 'string' || !(messageTypes as readonly string[]).includes(type))
    fail(`${path}.type`, `unknown message type ${describe(type)}`);
  const message = parseWith(schemasFor(context).messages[type as MessageType], value, path) as Message;
  checkConsistent(message, path);
  return message;
}

// ---------------------------------------------------------------- frames

/** A name of 1 to `lengthMax` characters from a pattern's alphabet. */
function token(alphabet: RegExp, lengthMax: number, characters: string) {
  return v.custom<string>(
    (value) =>
      typeof value === 'string' && value.length > 0 && value.length <= lengthMax && alphabet.test(value),
    got(`must be 1-${lengthMax} ${characters}`),
  );
}

const wireId = token(wireIdPattern, wireIdBytesMax, 'letters, digits or ._-');
const incarnation = token(incarnationPattern, incarnationBytesMax, 'lowercase letters or digits');

function pattern(expected: RegExp, rule: string) {
  return v.custom<string>(
    (value) => typeof value === 'string' && expected.test(value),
    got(`must be ${rule}`),
  );
}

const stateMachineKind = oneOf<StateMachineKind>(['kv', 'log']);
const processStatus = oneOf<ProcessStatus>(processStatuses);

/** Every frame, checked against the receiver's configuration. */
function frameSchemas(context: WireContext) {
  // A message's own problem, with its path below `message`, is thrown from validateMessage.
  const message = v.pipe(
    v.unknown(),
    v.transform((value) => validateMessage(value, context)),
  );
  return {
    hello: record({
      kind: literal('hello'),
      version: literal(wireVersion),
      from: nodeIdIn(context.replicaCount),
      replicas: v.pipe(
        nat,
        v.check(
          (n) => n === context.replicaCount,
          (issue) =>
            `the sender's configuration has ${String(issue.input)} replicas, this one has ${context.replicaCount}`,
        ),
      ),
      incarnation,
      stateMachine: v.nullable(stateMachineKind),
      view: v.nullable(nat),
      status: v.nullable(processStatus),
      opNumber: v.nullable(nat),
      /** The sender's cluster incarnation id; null for clients and replicas that do not know it yet. */
      cluster: v.nullable(incarnation),
      nonce: pattern(noncePattern, '32 lowercase hex digits'),
      /** Whether the sender authenticates with the cluster secret. */
      auth: v.boolean(got('must be true or false')),
    }),
    auth: record({ kind: literal('auth'), proof: pattern(proofPattern, '64 lowercase hex digits') }),
    message: record({ kind: literal('message'), id: wireId, message }),
    status_request: record({ kind: literal('status_request') }),
    status: record({
      kind: literal('status'),
      replica: replicaIdIn(context.replicaCount),
      incarnation,
      status: processStatus,
      view: nat,
      primary: replicaIdIn(context.replicaCount),
      opNumber: nat,
      commitNumber: nat,
      digest: uint32,
      /** Peers this replica can currently send to. */
      peers: v.pipe(arrayOf(replicaIdIn(context.replicaCount), context.replicaCount), v.readonly()),
      uptimeMs: nat,
      /** The cluster incarnation this replica belongs to (null while it does not know yet). */
      cluster: v.nullable(incarnation),
      /** A plain sentence when the replica cannot make progress on its own (fewer than f+1 hold state). */
      problem: v.nullable(text(statusProblemBytesMax)),
    }),
  };
}

type FrameSchemas = ReturnType<typeof frameSchemas>;
type FrameOf<K extends keyof FrameSchemas> = Readonly<v.InferOutput<FrameSchemas[K]>>;

export type HelloFrame = FrameOf<'hello'>;
export type AuthFrame = FrameOf<'auth'>;
export type MessageFrame = FrameOf<'message'>;
export type StatusRequestFrame = FrameOf<'status_request'>;
export type StatusFrame = FrameOf<'status'>;
export type Frame = HelloFrame | AuthFrame | MessageFrame | StatusRequestFrame | StatusFrame;

/** Checks one decoded frame body against the receiver's configuration. */
export function validateFrame(value: Json, context: WireContext): Frame {
  if (!isPlainObject(value)) fail('', `a frame must be a JSON object, got ${describe(value)}`);
  const frames = schemasFor(context).frames;
  const kind = value.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(frames, kind))
    fail('kind', `unknown frame kind ${describe(kind)}`);
  return parseWith(frames[kind as keyof FrameSchemas], value, '');
}

/** Parses and checks a frame body; broken JSON and schema violations both throw a WireError. */
export function parseFrame(body: Buffer | string, context: WireContext): Frame {
  let value: Json;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    // The parser quotes the input: keep log lines printable whatever was sent.
    throw new WireError('', `broken JSON: ${(error as Error).message.replace(/[^\x20-\x7e]/g, '?')}`);
  }
  return validateFrame(value, context);
}

// ---------------------------------------------------------------- who may send what

const replicaMessageTypes: ReadonlySet<MessageType> = new Set<MessageType>(
  messageTypes.filter((type) => type !== 'request' && type !== 'reply'),
);

/**
 * Whether `from` (named by its hello) may send `message` to a node of kind `receiver`: a replica
 * sends replica messages naming itself, a client sends requests naming itself, and a replica sends
 * a client replies naming itself. Returns the rule broken, or null.
 */
export function senderViolation(
  message: Message,
  from: NodeId,
  receiver: 'replica' | 'client',
): string | null {
  if (receiver === 'client') {
    if (message.type !== 'reply') return `a client takes only replies, not ${message.type}`;
    if (typeof from !== 'number') return 'replies come only from replicas';
    if (message.replica !== from)
      return `reply names replica ${message.replica} but came from replica ${from}`;
    return null;
  }
  if (typeof from === 'string') {
    if (message.type !== 'request') return `a client may send only requests, not ${message.type}`;
    if (message.client !== from) return `request names ${message.client} but came from ${from}`;
    return null;
  }
  if (!replicaMessageTypes.has(message.type)) return `a replica does not send ${message.type} to a replica`;
  const named = Object.hasOwn(message, 'replica') ? (message as { replica: number }).replica : from;
  if (named !== from) return `${message.type} names replica ${named} but came from replica ${from}`;
  return null;
}
