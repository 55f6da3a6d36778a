/**
 * Scenario format v1: the public contract. Every field but `version` is optional with a documented
 * default. Validation runs at every boundary (file, URL, CLI) and reports the first problem as one
 * line naming the field's path and the rule: `actions[3].replica: 7 is not a replica of a 5-replica cluster`.
 */
import {
  clientsMax,
  defaultTiming,
  isMutation,
  isRecoveryMode,
  messageTypes,
  mutations,
  opBytesMax,
  recoveryModeDefault,
  recoveryModes,
  replicasMax,
  stateMachineKinds,
  timerKinds,
  validateOp,
  type MessageType,
  type NodeId,
  type ReplicaTimer,
  type StateMachineKind,
  type Timing,
} from '../protocol/index.ts';
import {
  actionTypes,
  controlActionTypes,
  type Action,
  type NetworkParams,
  type Scenario,
  type Workload,
} from '../sim/scenario-types.ts';

export const scenarioVersion = 1;
/** A scenario file or decoded link larger than this is refused before parsing. */
export const scenarioBytesMax = 512 * 1024;
export const actionsMax = 10_000;
export const untilMsMax = 86_400_000;
export const latencyMsMax = 10_000;
export const timingMsMax = 60_000;
export const requestsPerClientMax = 10_000_000;

export const scenarioDefaults = {
  name: 'untitled',
  seed: 1,
  replicas: 3,
  clients: 1,
  stateMachine: 'kv' as StateMachineKind,
  network: { latencyMs: [10, 40] as const, dropRate: 0, duplicateRate: 0 } satisfies NetworkParams,
  timing: defaultTiming,
  workload: null,
  mutation: 'none' as const,
  recovery: recoveryModeDefault,
  until: 10_000,
} as const;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(path === '' ? rule : `${path}: ${rule}`);
  }
}

type Json = unknown;

function fail(path: string, rule: string): never {
  throw new ScenarioError(path, rule);
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: Json, path: string): Record<string, Json> {
  if (!isObject(value)) fail(path, `must be an object, got ${describe(value)}`);
  return value;
}

function knownKeys(value: Record<string, Json>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      fail(path === '' ? key : `${path}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
}

function integer(value: Json, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail(path, `must be an integer, got ${describe(value)}`);
  if (value < min || value > max) fail(path, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

function rate(value: Json, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(path, `must be a number from 0 to 1, got ${describe(value)}`);
  if (value < 0 || value > 1) fail(path, `must be from 0 to 1, got ${value}`);
  return value;
}

function stringField(value: Json, path: string, maxLength: number): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
  if (value.length > maxLength) fail(path, `must be at most ${maxLength} characters, got ${value.length}`);
  return value;
}

function latency(value: Json, path: string): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2)
    fail(path, `must be [min, max] in ms, got ${describe(value)}`);
  const min = integer(value[0], `${path}[0]`, 1, latencyMsMax);
  const max = integer(value[1], `${path}[1]`, 1, latencyMsMax);
  if (min > max) fail(path, `min ${min} must not exceed max ${max}`);
  return [min, max];
}

function parseNetwork(value: Json, path: string): NetworkParams {
  const defaults = scenarioDefaults.network;
  if (value === undefined) return defaults;
  const raw = object(value, path);
  knownKeys(raw, ['latencyMs', 'dropRate', 'duplicateRate'], path);
  return {
    latencyMs: raw.latencyMs === undefined ? defaults.latencyMs : latency(raw.latencyMs, `${path}.latencyMs`),
    dropRate: raw.dropRate === undefined ? defaults.dropRate : rate(raw.dropRate, `${path}.dropRate`),
    duplicateRate:
      raw.duplicateRate === undefined
        ? defaults.duplicateRate
        : rate(raw.duplicateRate, `${path}.duplicateRate`),
  };
}

const timingKeys: readonly (keyof Timing)[] = [
  'heartbeatMs',
  'viewChangeTimeoutMs',
  'prepareRetryMs',
  'recoveryRetryMs',
  'clientRetryMs',
];

function parseTiming(value: Json, path: string): Timing {
  if (value === undefined) return defaultTiming;
  const raw = object(value, path);
  knownKeys(raw, timingKeys, path);
  const timing = { ...defaultTiming };
  for (const key of timingKeys)
    if (raw[key] !== undefined) timing[key] = integer(raw[key], `${path}.${key}`, 1, timingMsMax);
  if (timing.viewChangeTimeoutMs <= timing.heartbeatMs)
    fail(
      `${path}.viewChangeTimeoutMs`,
      `must exceed heartbeatMs (${timing.heartbeatMs}), got ${timing.viewChangeTimeoutMs}`,
    );
  return timing;
}

function parseWorkload(value: Json, path: string): Workload | null {
  if (value === undefined || value === null) return null;
  const raw = object(value, path);
  knownKeys(raw, ['requestsPerClient', 'keys'], path);
  return {
    requestsPerClient:
      raw.requestsPerClient === undefined
        ? 10
        : integer(raw.requestsPerClient, `${path}.requestsPerClient`, 0, requestsPerClientMax),
    keys: raw.keys === undefined ? 3 : integer(raw.keys, `${path}.keys`, 1, 1000),
  };
}

interface Cluster {
  readonly replicas: number;
  readonly clients: number;
  readonly stateMachine: StateMachineKind;
  readonly until: number;
}

function replicaOf(value: Json, path: string, cluster: Cluster): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail(path, `must be a replica index, got ${describe(value)}`);
  if (value < 0 || value >= cluster.replicas)
    fail(path, `${value} is not a replica of a ${cluster.replicas}-replica cluster`);
  return value;
}

function clientOf(value: Json, path: string, cluster: Cluster): number {
  const index = typeof value === 'string' && /^c\d+$/.test(value) ? Number(value.slice(1)) : value;
  if (typeof index !== 'number' || !Number.isInteger(index))
    fail(path, `must be a client index or name like "c0", got ${describe(value)}`);
  if (index < 0 || index >= cluster.clients)
    fail(
      path,
      `${describe(value)} is not a client of this scenario (it has ${cluster.clients} client${cluster.clients === 1 ? '' : 's'})`,
    );
  return index;
}

function nodeOf(value: Json, path: string, cluster: Cluster): NodeId {
  if (typeof value === 'number') return replicaOf(value, path, cluster);
  if (typeof value === 'string') return `c${clientOf(value, path, cluster)}`;
  return fail(path, `must be a replica index or a client name like "c0", got ${describe(value)}`);
}

const actionFields: Record<Action['type'], readonly string[]> = {
  request: ['client', 'op'],
  crash: ['replica'],
  restart: ['replica'],
  partition: ['groups'],
  heal: [],
  cut: ['from', 'to'],
  mend: ['from', 'to'],
  drop: ['from', 'to', 'message', 'count', 'id'],
  duplicate: ['id'],
  network: ['latencyMs', 'dropRate', 'duplicateRate'],
  timeout: ['replica'],
  pause: ['replica'],
  resume: ['replica'],
  workload: ['requestsPerClient'],
  control: [],
  deliver: ['id'],
  fire: ['replica', 'timer'],
};

export { actionTypes, controlActionTypes };
const everyActionType: readonly string[] = [...actionTypes, ...controlActionTypes];

function parseGroups(value: Json, path: string, cluster: Cluster): NodeId[][] {
  if (!Array.isArray(value) || value.length === 0)
    fail(path, `must be a non-empty array of groups, got ${describe(value)}`);
  const seen = new Set<NodeId>();
  const groups = value.map((group, g) => {
    if (!Array.isArray(group)) fail(`${path}[${g}]`, `must be an array of nodes, got ${describe(group)}`);
    return group.map((node, i) => {
      const parsed = nodeOf(node, `${path}[${g}][${i}]`, cluster);
      if (seen.has(parsed)) fail(`${path}[${g}][${i}]`, `${describe(node)} is in more than one group`);
      seen.add(parsed);
      return parsed;
    });
  });
  for (let replica = 0; replica < cluster.replicas; replica++)
    if (!seen.has(replica)) fail(path, `replica ${replica} must be in exactly one group`);
  return groups;
}

function parseMessageType(value: Json, path: string): MessageType {
  if (typeof value !== 'string' || !(messageTypes as readonly string[]).includes(value))
    fail(path, `must be one of ${messageTypes.join(', ')}, got ${describe(value)}`);
  return value as MessageType;
}

function parseAction(value: Json, path: string, cluster: Cluster): Action {
  const raw = object(value, path);
  const type = raw.type;
  if (typeof type !== 'string' || !Object.hasOwn(actionFields, type))
    fail(`${path}.type`, `must be one of ${everyActionType.join(', ')}, got ${describe(type)}`);
  const actionType = type as Action['type'];
  knownKeys(raw, ['at', 'type', ...actionFields[actionType]], path);
  const at = integer(raw.at, `${path}.at`, 0, cluster.until);
  const field = (name: string) => `${path}.${name}`;
  switch (actionType) {
    case 'request': {
      const op = stringField(raw.op, field('op'), opBytesMax);
      const problem = validateOp(cluster.stateMachine, op);
      if (problem !== null) fail(field('op'), `${problem} (state machine ${cluster.stateMachine})`);
      return { at, type: 'request', client: clientOf(raw.client, field('client'), cluster), op };
    }
    case 'crash':
    case 'restart':
    case 'timeout':
    case 'pause':
    case 'resume':
      return { at, type: actionType, replica: replicaOf(raw.replica, field('replica'), cluster) };
    case 'partition':
      return { at, type: 'partition', groups: parseGroups(raw.groups, field('groups'), cluster) };
    case 'heal':
      return { at, type: 'heal' };
    case 'cut':
    case 'mend': {
      const from = nodeOf(raw.from, field('from'), cluster);
      const to = nodeOf(raw.to, field('to'), cluster);
      if (from === to) fail(field('to'), 'a link joins two different nodes');
      return { at, type: actionType, from, to };
    }
    case 'drop': {
      const action: {
        -readonly [K in keyof Extract<Action, { type: 'drop' }>]: Extract<Action, { type: 'drop' }>[K];
      } = { at, type: 'drop' };
      if (raw.from !== undefined) action.from = nodeOf(raw.from, field('from'), cluster);
      if (raw.to !== undefined) action.to = nodeOf(raw.to, field('to'), cluster);
      if (raw.message !== undefined) action.message = parseMessageType(raw.message, field('message'));
      if (raw.count !== undefined) action.count = integer(raw.count, field('count'), 1, 1_000_000);
      if (raw.id !== undefined) action.id = integer(raw.id, field('id'), 0, Number.MAX_SAFE_INTEGER);
      return action;
    }
    case 'duplicate':
      return { at, type: 'duplicate', id: integer(raw.id, field('id'), 0, Number.MAX_SAFE_INTEGER) };
    case 'workload':
      return {
        at,
        type: 'workload',
        requestsPerClient: integer(raw.requestsPerClient, field('requestsPerClient'), 0, 1_000_000_000),
      };
    case 'control':
      return { at, type: 'control' };
    case 'deliver':
      return { at, type: 'deliver', id: integer(raw.id, field('id'), 0, Number.MAX_SAFE_INTEGER) };
    case 'fire': {
      const replica = replicaOf(raw.replica, field('replica'), cluster);
      if (typeof raw.timer !== 'string' || !(timerKinds as readonly string[]).includes(raw.timer))
        fail(field('timer'), `must be one of ${timerKinds.join(', ')}, got ${describe(raw.timer)}`);
      return { at, type: 'fire', replica, timer: raw.timer as ReplicaTimer };
    }
    case 'network': {
      const action: {
        -readonly [K in keyof Extract<Action, { type: 'network' }>]: Extract<Action, { type: 'network' }>[K];
      } = { at, type: 'network' };
      if (raw.latencyMs !== undefined) action.latencyMs = latency(raw.latencyMs, field('latencyMs'));
      if (raw.dropRate !== undefined) action.dropRate = rate(raw.dropRate, field('dropRate'));
      if (raw.duplicateRate !== undefined)
        action.duplicateRate = rate(raw.duplicateRate, field('duplicateRate'));
      return action;
    }
  }
}

const topLevelKeys = [
  'version',
  'name',
  'seed',
  'replicas',
  'clients',
  'stateMachine',
  'network',
  'timing',
  'workload',
  'mutation',
  'recovery',
  'until',
  'actions',
];

/** Validates parsed JSON and fills in every default. Throws ScenarioError with the first problem. */
export function parseScenario(value: Json): Scenario {
  const raw = object(value, '');
  if (raw.version === undefined) fail('version', `is required (this is format version ${scenarioVersion})`);
  if (raw.version !== scenarioVersion)
    fail('version', `unknown version ${describe(raw.version)}: this build reads version ${scenarioVersion}`);
  knownKeys(raw, topLevelKeys, '');
  const replicas =
    raw.replicas === undefined
      ? scenarioDefaults.replicas
      : integer(raw.replicas, 'replicas', 1, replicasMax);
  if (replicas % 2 === 0) fail('replicas', `must be an odd number from 1 to ${replicasMax}, got ${replicas}`);
  const clients =
    raw.clients === undefined ? scenarioDefaults.clients : integer(raw.clients, 'clients', 0, clientsMax);
  const stateMachine = raw.stateMachine === undefined ? scenarioDefaults.stateMachine : raw.stateMachine;
  if (typeof stateMachine !== 'string' || !(stateMachineKinds as readonly string[]).includes(stateMachine))
    fail('stateMachine', `must be one of ${stateMachineKinds.join(', ')}, got ${describe(stateMachine)}`);
  const mutation = raw.mutation === undefined ? scenarioDefaults.mutation : raw.mutation;
  if (typeof mutation !== 'string' || !isMutation(mutation))
    fail('mutation', `must be one of ${mutations.join(', ')}, got ${describe(mutation)}`);
  const recovery = raw.recovery === undefined ? scenarioDefaults.recovery : raw.recovery;
  if (!isRecoveryMode(recovery))
    fail('recovery', `must be one of ${recoveryModes.join(', ')}, got ${describe(recovery)}`);
  const until = raw.until === undefined ? scenarioDefaults.until : integer(raw.until, 'until', 1, untilMsMax);
  const cluster: Cluster = { replicas, clients, stateMachine: stateMachine as StateMachineKind, until };
  if (raw.actions !== undefined && !Array.isArray(raw.actions))
    fail('actions', `must be an array, got ${describe(raw.actions)}`);
  const rawActions = (raw.actions ?? []) as Json[];
  if (rawActions.length > actionsMax)
    fail('actions', `at most ${actionsMax} actions, got ${rawActions.length}`);
  return {
    version: 1,
    name: raw.name === undefined ? scenarioDefaults.name : stringField(raw.name, 'name', 200),
    seed: raw.seed === undefined ? scenarioDefaults.seed : integer(raw.seed, 'seed', 0, 0xffffffff),
    replicas,
    clients,
    stateMachine: cluster.stateMachine,
    network: parseNetwork(raw.network, 'network'),
    timing: parseTiming(raw.timing, 'timing'),
    workload: parseWorkload(raw.workload, 'workload'),
    mutation,
    recovery,
    until,
    actions: rawActions.map((action, index) => parseAction(action, `actions[${index}]`, cluster)),
  };
}

/**
 * Parses scenario text (a file, stdin, a decoded link): size first, then JSON, then the schema. A
 * UTF-8 byte-order mark at the start, as some editors write, is skipped.
 */
export function parseScenarioText(withBom: string): Scenario {
  const text = withBom.startsWith('\uFEFF') ? withBom.slice(1) : withBom;
  if (text.length > scenarioBytesMax)
    throw new ScenarioError('', `scenario is ${text.length} bytes, the limit is ${scenarioBytesMax}`);
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError('', `not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(value);
}

/** The scenario as JSON, with every field written out (what `sim run` reads back identically). */
export function scenarioToJson(scenario: Scenario): string {
  return JSON.stringify(scenario, null, 2);
}
