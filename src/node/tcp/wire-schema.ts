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
import {
  messageTypes,
  opBytesMax,
  type CrashVector,
  type ClientId,
  type ClientTableRow,
  type LogEntry,
  type Message,
  type MessageType,
  type NodeId,
  type ReplicaStatus,
  type StateDelta,
  type StateMachineKind,
  type StateTransfer,
} from '../../protocol/index.ts';

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

export interface HelloFrame {
  readonly kind: 'hello';
  readonly version: typeof wireVersion;
  readonly from: NodeId;
  readonly replicas: number;
  readonly incarnation: string;
  readonly stateMachine: StateMachineKind | null;
  readonly view: number | null;
  readonly status: ProcessStatus | null;
  readonly opNumber: number | null;
  /** The sender's cluster incarnation id; null for clients and replicas that do not know it yet. */
  readonly cluster: string | null;
  readonly nonce: string;
  /** Whether the sender authenticates with the cluster secret. */
  readonly auth: boolean;
}

export interface AuthFrame {
  readonly kind: 'auth';
  readonly proof: string;
}

export interface MessageFrame {
  readonly kind: 'message';
  readonly id: string;
  readonly message: Message;
}

export interface StatusRequestFrame {
  readonly kind: 'status_request';
}

export interface StatusFrame {
  readonly kind: 'status';
  readonly replica: number;
  readonly incarnation: string;
  readonly status: ProcessStatus;
  readonly view: number;
  readonly primary: number;
  readonly opNumber: number;
  readonly commitNumber: number;
  readonly digest: number;
  /** Peers this replica can currently send to. */
  readonly peers: readonly number[];
  readonly uptimeMs: number;
  /** The cluster incarnation this replica belongs to (null while it does not know yet). */
  readonly cluster: string | null;
  /** A plain sentence when the replica cannot make progress on its own (fewer than f+1 hold state). */
  readonly problem: string | null;
}

export type Frame = HelloFrame | AuthFrame | MessageFrame | StatusRequestFrame | StatusFrame;

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

// ---------------------------------------------------------------- checks

type Json = unknown;
type Check<T> = (value: Json, path: string) => T;

function fail(path: string, rule: string): never {
  throw new WireError(path, rule);
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nat: Check<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(path, `must be a non-negative integer, got ${describe(value)}`);
  return value;
};

const uint32: Check<number> = (value, path) => {
  const n = nat(value, path);
  if (n > 0xffffffff) fail(path, `must fit in 32 bits, got ${n}`);
  return n;
};

function text(bytesMax: number): Check<string> {
  return (value, path) => {
    if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
    // UTF-16 length bounds the UTF-8 length from below: skip the count for short strings.
    if (value.length * 3 > bytesMax && Buffer.byteLength(value, 'utf8') > bytesMax)
      fail(path, `must be at most ${bytesMax} bytes long`);
    return value;
  };
}

const anyText = text(frameBytesMax);
const opText = text(opBytesMax);

function literal<T extends string | number>(expected: T): Check<T> {
  return (value, path) => {
    if (value !== expected) fail(path, `must be ${JSON.stringify(expected)}, got ${describe(value)}`);
    return expected;
  };
}

function oneOf<T extends string>(allowed: readonly T[]): Check<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
      fail(path, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
    return value as T;
  };
}

function replicaIdIn(replicaCount: number): Check<number> {
  return (value, path) => {
    const id = nat(value, path);
    if (id >= replicaCount) fail(path, `${id} is not a replica of a ${replicaCount}-replica cluster`);
    return id;
  };
}

const clientId: Check<ClientId> = (value, path) => {
  if (typeof value !== 'string' || !clientIdPattern.test(value))
    fail(path, `must be a client id like "c7", got ${describe(value)}`);
  return value;
};

function nodeIdIn(replicaCount: number): Check<NodeId> {
  const replica = replicaIdIn(replicaCount);
  return (value, path) => (typeof value === 'number' ? replica(value, path) : clientId(value, path));
}

function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, path) => (value === null ? null : check(value, path));
}

function arrayOf<T>(item: Check<T>, itemsMax: number): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
    if (value.length > itemsMax) fail(path, `must hold at most ${itemsMax} items, got ${value.length}`);
    return value.map((element, index) => item(element, `${path}[${index}]`));
  };
}

function pair<A, B>(first: Check<A>, second: Check<B>): Check<readonly [A, B]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length !== 2)
      fail(path, `must be a pair [key, value], got ${describe(value)}`);
    return [first(value[0], `${path}[0]`), second(value[1], `${path}[1]`)] as const;
  };
}

type Shape<T> = { readonly [K in keyof T]-?: Check<T[K]> };

/** Checks of fields that may be left out (record() skips them when absent). */
const optionalChecks = new WeakSet<Check<unknown>>();

function optional<T>(check: Check<T>): Check<T | undefined> {
  const wrapped: Check<T | undefined> = (value, path) => check(value, path);
  optionalChecks.add(wrapped);
  return wrapped;
}

/** An object with exactly these keys, each checked: unknown and missing keys are refused. */
function record<T>(shape: Shape<T>): Check<T> {
  const keys = Object.keys(shape) as (keyof T & string)[];
  return (value, path) => {
    if (!isPlainObject(value)) fail(path, `must be an object, got ${describe(value)}`);
    // Own properties only: "__proto__" or "toString" must be unknown fields, not inherited ones.
    for (const key of Object.keys(value))
      if (!Object.hasOwn(shape, key)) fail(path === '' ? key : `${path}.${key}`, 'is not a known field');
    const out: Partial<T> = {};
    for (const key of keys) {
      const at = path === '' ? key : `${path}.${key}`;
      if (!Object.hasOwn(value, key)) {
        if (optionalChecks.has(shape[key] as Check<unknown>)) continue;
        fail(at, 'is missing');
      }
      out[key] = shape[key](value[key], at);
    }
    return out as T;
  };
}

// ---------------------------------------------------------------- protocol messages

type MessageOf<K extends MessageType> = Extract<Message, { type: K }>;
type MessageChecks = { readonly [K in MessageType]: Check<MessageOf<K>> };

function messageChecks(context: WireContext): MessageChecks {
  const replica = replicaIdIn(context.replicaCount);
  const crashVector = optional<CrashVector>((value, path) => {
    if (!Array.isArray(value) || value.length !== context.replicaCount)
      fail(path, `must be an array of ${context.replicaCount} incarnations, got ${describe(value)}`);
    return value.map((item, index) => uint32(item, `${path}[${index}]`));
  });
  const logEntry = record<LogEntry>({ op: opText, client: clientId, request: nat, view: nat });
  const log = arrayOf(logEntry, logEntriesMax);
  const kvDelta = record<Extract<StateDelta, { kind: 'kv' }>>({
    kind: literal('kv'),
    sinceCommit: nat,
    entries: arrayOf(pair(anyText, anyText), logEntriesMax),
  });
  const logDelta = record<Extract<StateDelta, { kind: 'log' }>>({
    kind: literal('log'),
    sinceCommit: nat,
    from: nat,
    entries: arrayOf(anyText, logEntriesMax),
  });
  const delta: Check<StateDelta> = (value, path) => {
    const kind = isPlainObject(value) ? value.kind : undefined;
    const expected = context.stateMachine;
    if (expected !== null && kind !== expected)
      fail(`${path}.kind`, `must be "${expected}" (this cluster's state machine), got ${describe(kind)}`);
    return kind === 'log' ? logDelta(value, path) : kvDelta(value, path);
  };
  const clientRow = record<ClientTableRow>({ client: clientId, request: nat, result: anyText, op: nat });
  const transfer = record<StateTransfer>({ delta, clientTable: arrayOf(clientRow, logEntriesMax) });
  const primaryState = record<NonNullable<MessageOf<'recovery_response'>['primaryState']>>({
    log,
    opNumber: nat,
    commitNumber: nat,
    state: transfer,
  });
  return {
    request: record<MessageOf<'request'>>({
      type: literal('request'),
      client: clientId,
      request: nat,
      op: opText,
    }),
    prepare: record<MessageOf<'prepare'>>({
      type: literal('prepare'),
      crashVector,
      view: nat,
      opNumber: nat,
      commitNumber: nat,
      entry: logEntry,
    }),
    prepare_ok: record<MessageOf<'prepare_ok'>>({
      type: literal('prepare_ok'),
      crashVector,
      view: nat,
      opNumber: nat,
      replica,
    }),
    reply: record<MessageOf<'reply'>>({
      type: literal('reply'),
      view: nat,
      request: nat,
      result: anyText,
      replica,
    }),
    commit: record<MessageOf<'commit'>>({
      type: literal('commit'),
      crashVector,
      view: nat,
      commitNumber: nat,
    }),
    start_view_change: record<MessageOf<'start_view_change'>>({
      type: literal('start_view_change'),
      crashVector,
      view: nat,
      replica,
    }),
    do_view_change: record<MessageOf<'do_view_change'>>({
      type: literal('do_view_change'),
      crashVector,
      view: nat,
      log,
      lastNormalView: nat,
      opNumber: nat,
      commitNumber: nat,
      replica,
    }),
    start_view: record<MessageOf<'start_view'>>({
      type: literal('start_view'),
      crashVector,
      view: nat,
      log,
      opNumber: nat,
      commitNumber: nat,
    }),
    get_state: record<MessageOf<'get_state'>>({
      type: literal('get_state'),
      crashVector,
      view: nat,
      opNumber: nat,
      commitNumber: nat,
      replica,
    }),
    new_state: record<MessageOf<'new_state'>>({
      type: literal('new_state'),
      crashVector,
      view: nat,
      fromOp: nat,
      entries: log,
      opNumber: nat,
      commitNumber: nat,
      state: transfer,
    }),
    recovery: record<MessageOf<'recovery'>>({
      type: literal('recovery'),
      crashVector,
      replica,
      nonce: uint32,
    }),
    pre_view_change: record<MessageOf<'pre_view_change'>>({
      type: literal('pre_view_change'),
      crashVector,
      view: nat,
      replica,
    }),
    pre_view_change_ok: record<MessageOf<'pre_view_change_ok'>>({
      type: literal('pre_view_change_ok'),
      crashVector,
      view: nat,
      replica,
    }),
    crash_vector_request: record<MessageOf<'crash_vector_request'>>({
      type: literal('crash_vector_request'),
      replica,
      nonce: uint32,
    }),
    crash_vector_response: record<MessageOf<'crash_vector_response'>>({
      type: literal('crash_vector_response'),
      crashVector,
      nonce: uint32,
      replica,
    }),
    recovery_response: record<MessageOf<'recovery_response'>>({
      type: literal('recovery_response'),
      crashVector,
      view: nat,
      nonce: uint32,
      replica,
      primaryState: nullable(primaryState),
    }),
  };
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

const checksByContext = new Map<string, MessageChecks>();

function checksFor(context: WireContext): MessageChecks {
  const key = `${context.replicaCount}/${context.stateMachine ?? '-'}`;
  let checks = checksByContext.get(key);
  if (checks === undefined) {
    checks = messageChecks(context);
    checksByContext.set(key, checks);
  }
  return checks;
}

/** Checks one protocol message: its type, every field, and the relations between fields. */
export function validateMessage(value: Json, context: WireContext, path = 'message'): Message {
  if (!isPlainObject(value)) fail(path, `must be an object, got ${describe(value)}`);
  const type = value.type;
  if (typeof type !== 'string' || !(messageTypes as readonly string[]).includes(type))
    fail(`${path}.type`, `unknown message type ${describe(type)}`);
  const message = checksFor(context)[type as MessageType](value, path) as Message;
  checkConsistent(message, path);
  return message;
}

// ---------------------------------------------------------------- frames

const wireId: Check<string> = (value, path) => {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > wireIdBytesMax ||
    !wireIdPattern.test(value)
  )
    fail(path, `must be 1-${wireIdBytesMax} letters, digits or ._-, got ${describe(value)}`);
  return value;
};

const incarnation: Check<string> = (value, path) => {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > incarnationBytesMax ||
    !incarnationPattern.test(value)
  )
    fail(path, `must be 1-${incarnationBytesMax} lowercase letters or digits, got ${describe(value)}`);
  return value;
};

function pattern(expected: RegExp, rule: string): Check<string> {
  return (value, path) => {
    if (typeof value !== 'string' || !expected.test(value))
      fail(path, `must be ${rule}, got ${describe(value)}`);
    return value;
  };
}

const boolean: Check<boolean> = (value, path) => {
  if (typeof value !== 'boolean') fail(path, `must be true or false, got ${describe(value)}`);
  return value;
};

const stateMachineKind = oneOf<StateMachineKind>(['kv', 'log']);
const processStatus = oneOf<ProcessStatus>(processStatuses);

/** Checks one decoded frame body against the receiver's configuration. */
export function validateFrame(value: Json, context: WireContext): Frame {
  if (!isPlainObject(value)) fail('', `a frame must be a JSON object, got ${describe(value)}`);
  switch (value.kind) {
    case 'hello':
      return record<HelloFrame>({
        kind: literal('hello'),
        version: literal(wireVersion),
        from: nodeIdIn(context.replicaCount),
        replicas: (v, p) => {
          const n = nat(v, p);
          if (n !== context.replicaCount)
            fail(p, `the sender's configuration has ${n} replicas, this one has ${context.replicaCount}`);
          return n;
        },
        incarnation,
        stateMachine: nullable(stateMachineKind),
        view: nullable(nat),
        status: nullable(processStatus),
        opNumber: nullable(nat),
        cluster: nullable(incarnation),
        nonce: pattern(noncePattern, '32 lowercase hex digits'),
        auth: boolean,
      })(value, '');
    case 'auth':
      return record<AuthFrame>({
        kind: literal('auth'),
        proof: pattern(proofPattern, '64 lowercase hex digits'),
      })(value, '');
    case 'message':
      return record<MessageFrame>({
        kind: literal('message'),
        id: wireId,
        message: (v, p) => validateMessage(v, context, p),
      })(value, '');
    case 'status_request':
      return record<StatusRequestFrame>({ kind: literal('status_request') })(value, '');
    case 'status':
      return record<StatusFrame>({
        kind: literal('status'),
        replica: replicaIdIn(context.replicaCount),
        incarnation,
        status: processStatus,
        view: nat,
        primary: replicaIdIn(context.replicaCount),
        opNumber: nat,
        commitNumber: nat,
        digest: uint32,
        peers: arrayOf(replicaIdIn(context.replicaCount), context.replicaCount),
        uptimeMs: nat,
        cluster: nullable(incarnation),
        problem: nullable(text(statusProblemBytesMax)),
      })(value, '');
    default:
      return fail('kind', `unknown frame kind ${describe(value.kind)}`);
  }
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
