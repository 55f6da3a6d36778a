/**
 * Scenario format v1: the public contract. Every field but `version` is optional with a documented
 * default. Validation runs at every boundary (file, URL, CLI) and reports the first problem as one
 * line naming the field's path and the rule: `actions[3].replica: 7 is not a replica of a 5-replica cluster`.
 */
import * as v from 'valibot';
import {
  clientsMax,
  defaultTiming,
  messageTypes,
  mutations,
  opBytesMax,
  recoveryModeDefault,
  recoveryModes,
  groupProblem,
  replicasMax,
  stateMachineKinds,
  timerKinds,
  validateOp,
  type NodeId,
  type StateMachineKind,
  type Timing,
} from '../protocol/index.ts';
import {
  actionTypes,
  controlActionTypes,
  type Action,
  type NetworkParams,
  type Scenario,
} from '../sim/scenario-types.ts';
import {
  check,
  describe,
  integer,
  oneOf,
  isPlainObject,
  notAnObject,
  strictFields,
  strictRecord,
  text as textOf,
} from './format.ts';

export { actionTypes, controlActionTypes };
const everyActionType: readonly string[] = [...actionTypes, ...controlActionTypes];

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

const rate = v.pipe(
  v.number((issue) => `must be a number from 0 to 1, got ${describe(issue.input)}`),
  v.finite((issue) => `must be a number from 0 to 1, got ${describe(issue.input)}`),
  v.minValue(0, (issue) => `must be from 0 to 1, got ${String(issue.input)}`),
  v.maxValue(1, (issue) => `must be from 0 to 1, got ${String(issue.input)}`),
);

const latency = v.pipe(
  v.custom<readonly [unknown, unknown]>(
    (value) => Array.isArray(value) && value.length === 2,
    (issue) => `must be [min, max] in ms, got ${describe(issue.input)}`,
  ),
  v.strictTuple([integer(1, latencyMsMax), integer(1, latencyMsMax)]),
  v.check(
    ([min, max]) => min <= max,
    (issue) => {
      const [min, max] = issue.input as [number, number];
      return `min ${min} must not exceed max ${max}`;
    },
  ),
  v.readonly(),
);

const network = strictRecord({
  latencyMs: v.optional(latency, () => scenarioDefaults.network.latencyMs),
  dropRate: v.optional(rate, scenarioDefaults.network.dropRate),
  duplicateRate: v.optional(rate, scenarioDefaults.network.duplicateRate),
});

const timingMs = (key: keyof Timing) => v.optional(integer(1, timingMsMax), defaultTiming[key]);
const timing = v.pipe(
  strictRecord({
    heartbeatMs: timingMs('heartbeatMs'),
    viewChangeTimeoutMs: timingMs('viewChangeTimeoutMs'),
    prepareRetryMs: timingMs('prepareRetryMs'),
    recoveryRetryMs: timingMs('recoveryRetryMs'),
    clientRetryMs: timingMs('clientRetryMs'),
  }),
  v.forward(
    v.check(
      (given) => given.viewChangeTimeoutMs > given.heartbeatMs,
      (issue) => {
        const given = issue.input as Timing;
        return `must exceed heartbeatMs (${given.heartbeatMs}), got ${given.viewChangeTimeoutMs}`;
      },
    ),
    ['viewChangeTimeoutMs'],
  ),
);

const workload = strictRecord({
  requestsPerClient: v.optional(integer(0, requestsPerClientMax), 10),
  keys: v.optional(integer(1, 1000), 3),
});

/** What the actions of a scenario are checked against: its cluster, its state machine, its length. */
export interface Cluster {
  readonly replicas: number;
  /** §7: replica slots (absent: `replicas`); actions may name any of them. */
  readonly slots?: number;
  readonly clients: number;
  readonly stateMachine: StateMachineKind;
  readonly until: number;
}

function replicaOf(cluster: Cluster) {
  const slots = cluster.slots ?? cluster.replicas;
  const notReplica = (issue: v.BaseIssue<unknown>) =>
    slots === cluster.replicas
      ? `${String(issue.input)} is not a replica of a ${cluster.replicas}-replica cluster`
      : `${String(issue.input)} is beyond the ${slots} replica slots`;
  const shape = (issue: v.BaseIssue<unknown>) => `must be a replica index, got ${describe(issue.input)}`;
  return v.pipe(
    v.number(shape),
    v.integer(shape),
    v.minValue(0, notReplica),
    v.maxValue(slots - 1, notReplica),
  );
}

const clientShape = (issue: v.BaseIssue<unknown>) =>
  `must be a client index or name like "c0", got ${describe(issue.input)}`;
const clientIndex = (value: number | string): number =>
  typeof value === 'string' ? Number(value.slice(1)) : value;

/** A client by index (`0`) or by name (`"c0"`), as its index. */
function clientIndexOf(cluster: Cluster) {
  return v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.regex(/^c\d+$/))], clientShape),
    v.check((value) => Number.isInteger(clientIndex(value)), clientShape),
    v.check(
      (value) => clientIndex(value) >= 0 && clientIndex(value) < cluster.clients,
      (issue) =>
        `${describe(issue.input)} is not a client of this scenario (it has ${cluster.clients} client${cluster.clients === 1 ? '' : 's'})`,
    ),
    v.transform(clientIndex),
  );
}

/** A node: a replica index, or a client by name. */
function nodeOf(cluster: Cluster) {
  const clientName = v.pipe(
    v.string(),
    v.regex(/^c\d+$/, clientShape),
    v.check(
      (value) => clientIndex(value) < cluster.clients,
      (issue) =>
        `${describe(issue.input)} is not a client of this scenario (it has ${cluster.clients} client${cluster.clients === 1 ? '' : 's'})`,
    ),
    v.transform((value): NodeId => `c${clientIndex(value)}`),
  );
  return v.union(
    [replicaOf(cluster), clientName],
    (issue) => `must be a replica index or a client name like "c0", got ${describe(issue.input)}`,
  );
}

function groupsOf(cluster: Cluster) {
  const notGroups = (issue: v.BaseIssue<unknown>) =>
    `must be a non-empty array of groups, got ${describe(issue.input)}`;
  return v.pipe(
    v.array(
      v.array(nodeOf(cluster), (issue) => `must be an array of nodes, got ${describe(issue.input)}`),
      notGroups,
    ),
    v.minLength(1, notGroups),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const groups = dataset.value;
      const seen = new Set<NodeId>();
      for (const [g, group] of groups.entries())
        for (const [i, node] of group.entries()) {
          if (seen.has(node)) {
            const inner = { type: 'array', origin: 'value', input: group, value: node } as const;
            addIssue({
              message: `${describe(node)} is in more than one group`,
              path: [
                { ...inner, input: groups, key: g, value: group },
                { ...inner, key: i },
              ],
            });
            return;
          }
          seen.add(node);
        }
      for (let replica = 0; replica < (cluster.slots ?? cluster.replicas); replica++)
        if (!seen.has(replica)) {
          addIssue({ message: `replica ${replica} must be in exactly one group` });
          return;
        }
    }),
  );
}

const messageType = oneOf(messageTypes);
const messageId = integer(0, Number.MAX_SAFE_INTEGER);

/** One timed action of a scenario run on `cluster`. */
export function actionOf(cluster: Cluster) {
  const at = integer(0, cluster.until);
  const replica = replicaOf(cluster);
  const node = nodeOf(cluster);
  const replicaAction = <const T extends string>(type: T) =>
    strictFields({ at, type: v.literal(type), replica });
  const link = <const T extends string>(type: T) =>
    strictFields({ at, type: v.literal(type), from: node, to: node });
  const op = v.pipe(
    textOf(opBytesMax),
    v.check(
      (given) => validateOp(cluster.stateMachine, given) === null,
      (issue) =>
        `${validateOp(cluster.stateMachine, issue.input as string)} (state machine ${cluster.stateMachine})`,
    ),
  );
  const unknownType = (issue: v.BaseIssue<unknown>) =>
    issue.path === undefined
      ? `must be an object, got ${describe(issue.input)}`
      : `must be one of ${everyActionType.join(', ')}, got ${describe(issue.input)}`;
  const variant = v.variant(
    'type',
    [
      strictFields({ at, type: v.literal('request'), client: clientIndexOf(cluster), op }),
      replicaAction('crash'),
      replicaAction('restart'),
      strictFields({ at, type: v.literal('partition'), groups: groupsOf(cluster) }),
      strictFields({ at, type: v.literal('heal') }),
      link('cut'),
      link('mend'),
      strictFields({
        at,
        type: v.literal('drop'),
        from: v.optional(node),
        to: v.optional(node),
        message: v.optional(messageType),
        count: v.optional(integer(1, 1_000_000)),
        id: v.optional(messageId),
      }),
      strictFields({ at, type: v.literal('duplicate'), id: messageId }),
      strictFields({
        at,
        type: v.literal('network'),
        latencyMs: v.optional(latency),
        dropRate: v.optional(rate),
        duplicateRate: v.optional(rate),
      }),
      replicaAction('timeout'),
      replicaAction('pause'),
      replicaAction('resume'),
      strictFields({ at, type: v.literal('workload'), requestsPerClient: integer(0, 1_000_000_000) }),
      // §7: a client asks for a new group of replica slots.
      strictFields({
        at,
        type: v.literal('reconfigure'),
        client: v.optional(clientIndexOf(cluster)),
        replicas: v.pipe(
          v.array(replica, (issue) => `must be an array of replica slots, got ${describe(issue.input)}`),
          v.check(
            (group) => groupProblem(group, cluster.slots ?? cluster.replicas) === null,
            (issue) => groupProblem(issue.input as number[], cluster.slots ?? cluster.replicas) ?? '',
          ),
        ),
      }),
      // The controlled network mode (the explorer's choices, written out as actions).
      strictFields({ at, type: v.literal('control') }),
      strictFields({ at, type: v.literal('deliver'), id: messageId }),
      strictFields({ at, type: v.literal('fire'), replica, timer: oneOf(timerKinds) }),
    ],
    unknownType,
  );
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, notAnObject),
    variant,
    v.forward(
      v.check(
        (action) =>
          !('from' in action && 'to' in action) || action.type === 'drop' || action.from !== action.to,
        'a link joins two different nodes',
      ),
      ['to'],
    ),
  );
}

/** Every field of a scenario; its actions are then checked against the others. */
const scenarioEntries = {
  version: v.literal(scenarioVersion, (issue) =>
    issue.input === undefined
      ? `is required (this is format version ${scenarioVersion})`
      : `unknown version ${describe(issue.input)}: this build reads version ${scenarioVersion}`,
  ),
  name: v.optional(textOf(200), scenarioDefaults.name),
  seed: v.optional(integer(0, 0xffffffff), scenarioDefaults.seed),
  replicas: v.optional(
    v.pipe(
      integer(1, replicasMax),
      v.check(
        (replicas) => replicas % 2 === 1,
        (issue) => `must be an odd number from 1 to ${replicasMax}, got ${String(issue.input)}`,
      ),
    ),
    scenarioDefaults.replicas,
  ),
  slots: v.optional(integer(1, replicasMax)),
  clients: v.optional(integer(0, clientsMax), scenarioDefaults.clients),
  stateMachine: v.optional(oneOf(stateMachineKinds), scenarioDefaults.stateMachine),
  network: v.optional(network, () => ({ ...scenarioDefaults.network })),
  timing: v.optional(timing, () => ({ ...defaultTiming })),
  workload: v.nullish(workload, null),
  mutation: v.optional(oneOf(mutations), scenarioDefaults.mutation),
  recovery: v.optional(oneOf(recoveryModes), scenarioDefaults.recovery),
  until: v.optional(integer(1, untilMsMax), scenarioDefaults.until),
  actions: v.optional(
    v.pipe(
      v.array(v.unknown(), (issue) => `must be an array, got ${describe(issue.input)}`),
      v.maxLength(
        actionsMax,
        (issue) => `at most ${actionsMax} actions, got ${(issue.input as unknown[]).length}`,
      ),
    ),
    () => [],
  ),
};
const scenarioFields = strictRecord(scenarioEntries);

/** The cluster that admits every action any scenario may hold: for the published JSON Schema. */
const widestCluster: Cluster = {
  replicas: replicasMax,
  slots: replicasMax,
  clients: clientsMax,
  stateMachine: 'kv',
  until: untilMsMax,
};

/**
 * The scenario document as one schema, every action against the widest cluster: what
 * schemas/scenario.schema.json is generated from. Its rules that depend on other fields (a
 * replica of this cluster, an op of this state machine) are checked only by scenarioSchema.
 */
export const scenarioDocumentSchema = strictRecord({
  ...scenarioEntries,
  actions: v.optional(v.array(actionOf(widestCluster))),
});

/**
 * Scenario format v1, defined once: the fields, then every action checked against the cluster the
 * fields describe. The output has every default filled in, its keys in the documented order.
 */
export const scenarioSchema = v.pipe(
  scenarioFields,
  v.rawTransform(({ dataset, addIssue, NEVER }): Scenario => {
    const { actions: rawActions, ...fields } = dataset.value;
    if (fields.slots !== undefined && fields.slots < fields.replicas) {
      addIssue({
        message: `must be at least replicas (${fields.replicas}), got ${fields.slots}`,
        path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'slots', value: fields.slots }],
      });
      return NEVER;
    }
    const cluster: Cluster = fields;
    const action = actionOf(cluster);
    const actions: Action[] = [];
    for (const [index, raw] of rawActions.entries()) {
      const result = v.safeParse(action, raw, { abortEarly: true });
      if (!result.success) {
        const issue = result.issues[0];
        const here = { type: 'array', origin: 'value', input: rawActions, key: index, value: raw } as const;
        const field = {
          type: 'object',
          origin: 'value',
          input: dataset.value,
          key: 'actions',
          value: rawActions,
        };
        addIssue({ message: issue.message, path: [field, here, ...(issue.path ?? [])] as never });
        return NEVER;
      }
      actions.push(result.output);
    }
    return { ...fields, actions };
  }),
);

/** Validates parsed JSON and fills in every default. Throws ScenarioError with the first problem. */
export function parseScenario(value: Json): Scenario {
  const result = check(scenarioSchema, value);
  if (!result.ok) throw new ScenarioError(result.path, result.rule);
  return result.value;
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
