/**
 * Shrinking a failing scenario: greedy passes that each try a smaller variant and keep it when the
 * same checker still objects, repeated until none helps or the run budget is spent. Smaller means:
 * a shorter run, fewer actions (halves, then quarters, ... then one by one), fewer replicas and
 * clients (actions naming a removed node go, partitions lose it), a gentler network (no random drops
 * or duplicates, latency toward its floor), a smaller workload, and simpler actions (drop rules of
 * one message, shorter outages). Each variant is a valid scenario by construction; the caller may
 * pass `validate` (the schema) to make sure.
 */
import { isValidClusterSize, type NodeId } from '../protocol/index.ts';
import type { Action, Scenario } from './scenario-types.ts';
import type { Violation } from './trace.ts';

/** Runs a scenario; the violation of the checker being shrunk for, or null when it no longer objects. */
export type FailureTest = (scenario: Scenario) => Violation | null;

export interface ShrinkOptions {
  /** At most this many test runs (default 2000). */
  readonly maxRuns?: number;
  /** Throws (or returns a normalised scenario) for an invalid one: the schema, from src/scenario. */
  readonly validate?: (scenario: Scenario) => Scenario;
  /** Called whenever a smaller scenario is found. */
  readonly onProgress?: (scenario: Scenario, runs: number) => void;
}

export interface ShrinkResult {
  readonly scenario: Scenario;
  readonly violation: Violation;
  /** Test runs spent. */
  readonly runs: number;
  /** Smaller scenarios accepted on the way. */
  readonly steps: number;
}

/** How big a scenario is, for reports and for checking that shrinking only ever goes down. */
export function scenarioSize(s: Scenario): number {
  return (
    s.actions.length * 1000 +
    s.replicas * 100 +
    s.clients * 100 +
    (s.workload?.requestsPerClient ?? 0) * (s.clients + 1) * 10 +
    (s.workload?.keys ?? 0) +
    Math.round((s.network.dropRate + s.network.duplicateRate) * 100) +
    (s.network.latencyMs[1] - s.network.latencyMs[0]) +
    s.until / 1000
  );
}

export function shrinkScenario(
  scenario: Scenario,
  test: FailureTest,
  options: ShrinkOptions = {},
): ShrinkResult {
  const maxRuns = options.maxRuns ?? 2000;
  const first = test(scenario);
  if (first === null) throw new Error('the scenario does not fail: nothing to shrink');
  let best = scenario;
  let violation = first;
  let runs = 1;
  let steps = 0;

  /** Tries a candidate; keeps it if it still fails the same way. */
  const attempt = (candidate: Scenario | null): boolean => {
    if (candidate === null || runs >= maxRuns) return false;
    let checked = candidate;
    if (options.validate) {
      try {
        checked = options.validate(candidate);
      } catch {
        return false;
      }
    }
    if (JSON.stringify(checked) === JSON.stringify(best)) return false;
    runs++;
    const found = test(checked);
    if (found === null) return false;
    best = checked;
    violation = found;
    steps++;
    options.onProgress?.(best, runs);
    return true;
  };

  const exhausted = (): boolean => runs >= maxRuns;
  let progress = true;
  while (progress && !exhausted()) {
    progress = false;
    // A shorter run: end right after the violation.
    if (violation.checker !== 'liveness' && violation.time + 1 < best.until)
      progress = attempt(withUntil(best, violation.time + 1)) || progress;
    progress = shrinkActions(attempt, () => best) || progress;
    for (let replicas = 1; replicas < best.replicas; replicas += 2)
      if (attempt(withReplicas(best, replicas))) {
        progress = true;
        break;
      }
    for (let clients = 0; clients < best.clients; clients++)
      if (attempt(withClients(best, clients))) {
        progress = true;
        break;
      }
    progress = shrinkNetwork(attempt, () => best) || progress;
    progress = shrinkWorkload(attempt, () => best) || progress;
    progress = simplifyActions(attempt, () => best) || progress;
  }
  return { scenario: best, violation, runs, steps };
}

type Attempt = (candidate: Scenario | null) => boolean;

/** Removes chunks of actions, largest first, down to single actions (delta debugging, complements only). */
function shrinkActions(attempt: Attempt, current: () => Scenario): boolean {
  let progress = false;
  let chunk = Math.max(1, current().actions.length >> 1);
  while (current().actions.length > 0) {
    let i = 0;
    while (i < current().actions.length) {
      const actions = current().actions;
      if (attempt({ ...current(), actions: [...actions.slice(0, i), ...actions.slice(i + chunk)] }))
        progress = true;
      else i += chunk;
    }
    if (chunk === 1) break;
    chunk >>= 1;
  }
  return progress;
}

function shrinkNetwork(attempt: Attempt, current: () => Scenario): boolean {
  let progress = false;
  const withNetwork = (fields: Partial<Scenario['network']>): Scenario => ({
    ...current(),
    network: { ...current().network, ...fields },
  });
  // Any change of rate redraws every message's fate, so each is a fresh try: none, then half.
  for (const field of ['dropRate', 'duplicateRate'] as const) {
    const rate = current().network[field];
    if (rate > 0 && !attempt(withNetwork({ [field]: 0 })))
      progress = attempt(withNetwork({ [field]: Math.round(rate * 50) / 100 })) || progress;
    else if (rate > 0) progress = true;
  }
  const [min, max] = current().network.latencyMs;
  if (max > min && !attempt(withNetwork({ latencyMs: [min, min] })))
    progress = attempt(withNetwork({ latencyMs: [min, (min + max) >> 1] })) || progress;
  else if (max > min) progress = true;
  return progress;
}

function shrinkWorkload(attempt: Attempt, current: () => Scenario): boolean {
  const workload = current().workload;
  if (workload === null) return false;
  if (attempt({ ...current(), workload: null })) return true;
  let progress = false;
  // Binary search down on requests per client.
  let low = 0;
  let high = current().workload!.requestsPerClient;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (attempt({ ...current(), workload: { ...current().workload!, requestsPerClient: mid } })) {
      progress = true;
      high = mid;
    } else low = mid + 1;
  }
  if (current().workload!.keys > 1)
    progress = attempt({ ...current(), workload: { ...current().workload!, keys: 1 } }) || progress;
  return progress;
}

/** Drop rules of one message, crash outages and partitions made shorter, network actions milder. */
function simplifyActions(attempt: Attempt, current: () => Scenario): boolean {
  let progress = false;
  for (let i = 0; i < current().actions.length; i++) {
    const action = current().actions[i];
    let simpler: Action | null = null;
    if (action.type === 'drop' && (action.count ?? 1) > 1) simpler = { ...action, count: 1 };
    else if (action.type === 'network' && ((action.dropRate ?? 0) > 0 || (action.duplicateRate ?? 0) > 0))
      simpler = { ...action, dropRate: 0, duplicateRate: 0 };
    if (simpler === null) continue;
    const actions = current().actions.slice();
    actions[i] = simpler;
    progress = attempt({ ...current(), actions }) || progress;
  }
  return progress;
}

function withUntil(s: Scenario, until: number): Scenario {
  return { ...s, until, actions: s.actions.filter((a) => a.at <= until) };
}

function keepNode(node: NodeId, replicas: number, clients: number): boolean {
  return typeof node === 'number' ? node < replicas : Number(node.slice(1)) < clients;
}

/** The action in a smaller cluster, or null when it names a node that is gone. */
function remapAction(action: Action, replicas: number, clients: number): Action | null {
  const keep = (node: NodeId) => keepNode(node, replicas, clients);
  switch (action.type) {
    case 'request':
      return action.client < clients ? action : null;
    case 'crash':
    case 'restart':
    case 'timeout':
    case 'pause':
    case 'resume':
      return action.replica < replicas ? action : null;
    case 'cut':
    case 'mend':
      return keep(action.from) && keep(action.to) ? action : null;
    case 'drop':
      if ((action.from !== undefined && !keep(action.from)) || (action.to !== undefined && !keep(action.to)))
        return null;
      return action;
    case 'partition': {
      const groups = action.groups.map((group) => group.filter(keep)).filter((group) => group.length > 0);
      const replicaGroups = groups.filter((group) => group.some((node) => typeof node === 'number'));
      return replicaGroups.length < 2 ? null : { ...action, groups };
    }
    default:
      return action;
  }
}

function withReplicas(s: Scenario, replicas: number): Scenario | null {
  if (!isValidClusterSize(replicas)) return null;
  const actions = s.actions
    .map((a) => remapAction(a, replicas, s.clients))
    .filter((a): a is Action => a !== null);
  return { ...s, replicas, actions };
}

function withClients(s: Scenario, clients: number): Scenario {
  const actions = s.actions
    .map((a) => remapAction(a, s.replicas, clients))
    .filter((a): a is Action => a !== null);
  return { ...s, clients, actions };
}
