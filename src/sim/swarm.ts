/**
 * Swarm testing: each seed derives its own scenario with its own fault mix (crashes and restarts,
 * partitions, cuts, timeouts, drop rules, drop and duplicate rates, workload), written out as explicit
 * actions so that a failure is a self-contained scenario. Faults stop at `faultsEndAt`: the network
 * heals and every crashed replica restarts, so liveness can be judged after it.
 */
import { defaultTiming, faultsTolerated, type Mutation, type NodeId } from '../protocol/index.ts';
import { livenessBoundMs, perRequestBoundMs } from './checkers/liveness.ts';
import { Rng } from './rng.ts';
import type { Action, Scenario } from './scenario-types.ts';

export interface SwarmOptions {
  readonly replicas?: number;
  readonly mutation?: Mutation;
}

export { livenessBoundMs };

export interface SwarmScenario {
  readonly scenario: Scenario;
  readonly faultsEndAt: number;
}

export function swarmScenario(seed: number, options: SwarmOptions = {}): SwarmScenario {
  const rng = Rng.fromSeed(seed).fork('swarm');
  const replicas = options.replicas ?? rng.pick([1, 3, 3, 3, 3, 5, 5, 7]);
  const f = faultsTolerated(replicas);
  const clients = rng.int(1, 3);
  const faultsEndAt = rng.int(2000, 6000);
  const latencyMin = rng.int(1, 20);
  const network = {
    latencyMs: [latencyMin, latencyMin + rng.int(0, 80)] as [number, number],
    dropRate: rng.pick([0, 0, 0.01, 0.05, 0.15]),
    duplicateRate: rng.pick([0, 0, 0.02, 0.1]),
  };
  const actions: Action[] = [];
  // Only f replicas may ever lose their state, so f+1 always keep it and the cluster can recover.
  const mortal = pickDistinct(rng, replicas, rng.int(0, f));
  const faultCount = rng.int(0, 12);
  for (let i = 0; i < faultCount; i++) {
    const at = rng.int(50, faultsEndAt - 1);
    actions.push(...randomFault(rng, at, replicas, clients, mortal));
  }
  // Everything a fault undoes (restart, heal, mend) happens by the time faults stop.
  for (let i = 0; i < actions.length; i++)
    if (actions[i].at > faultsEndAt) actions[i] = { ...actions[i], at: faultsEndAt };
  actions.sort((a, b) => a.at - b.at);
  recomputeCrashes(actions);
  actions.push(
    { at: faultsEndAt, type: 'heal' },
    { at: faultsEndAt, type: 'network', dropRate: 0, duplicateRate: 0 },
  );
  for (const replica of crashedAtEnd(actions)) actions.push({ at: faultsEndAt, type: 'restart', replica });
  const workloadKeys = rng.int(1, 5);
  const stateMachine = rng.chance(0.8) ? 'kv' : 'log';
  const requestsPerClient = rng.int(3, 25);
  const scenario: Scenario = {
    version: 1,
    name: `swarm seed ${seed}`,
    seed,
    replicas,
    clients,
    stateMachine,
    network,
    timing: defaultTiming,
    workload: { requestsPerClient, keys: workloadKeys },
    mutation: options.mutation ?? 'none',
    recovery: 'crash-vectors',
    // Long enough for the liveness bound even if every request is still to be served when faults stop.
    until: faultsEndAt + livenessBoundMs + requestsPerClient * perRequestBoundMs(network.latencyMs[1]),
    actions,
  };
  return { scenario, faultsEndAt };
}

function pickDistinct(rng: Rng, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
  return out;
}

function randomFault(rng: Rng, at: number, replicas: number, clients: number, mortal: number[]): Action[] {
  const roll = rng.next();
  const node = (): NodeId =>
    clients > 0 && rng.chance(0.2) ? `c${rng.int(0, clients - 1)}` : rng.int(0, replicas - 1);
  if (roll < 0.3 && mortal.length > 0) {
    const replica = rng.pick(mortal);
    // Short outages restart inside the old view's timeouts, long ones after views moved on.
    const downMs = rng.chance(0.5) ? rng.int(50, 450) : rng.int(100, 2500);
    return [
      { at, type: 'crash', replica },
      { at: at + downMs, type: 'restart', replica },
    ];
  }
  if (roll < 0.5 && replicas > 1) {
    const groups = splitGroups(rng, replicas, clients);
    return [
      { at, type: 'partition', groups },
      { at: at + rng.int(200, 2500), type: 'heal' },
    ];
  }
  if (roll < 0.65 && replicas > 1) {
    const from = node();
    let to = rng.int(0, replicas - 1) as NodeId;
    if (to === from) to = ((to as number) + 1) % replicas;
    return [
      { at, type: 'cut', from, to },
      { at: at + rng.int(100, 2000), type: 'mend', from, to },
    ];
  }
  if (roll < 0.75) return [{ at, type: 'timeout', replica: rng.int(0, replicas - 1) }];
  if (roll < 0.85) {
    const message = rng.pick([
      'prepare',
      'prepare_ok',
      'commit',
      'start_view_change',
      'do_view_change',
      'start_view',
      'recovery_response',
      'new_state',
    ] as const);
    return [{ at, type: 'drop', message, count: rng.int(1, 5) }];
  }
  return [{ at, type: 'network', dropRate: rng.pick([0, 0.05, 0.2]), duplicateRate: rng.pick([0, 0.05]) }];
}

/**
 * Two sides: half the time one replica alone (an old primary left behind, a lagging backup), else a
 * random split. Each client joins a side or, unlisted, reaches everyone: a client stuck with a
 * minority primary is what gives it a long log of ops nobody else has.
 */
function splitGroups(rng: Rng, replicas: number, clients: number): NodeId[][] {
  const a: NodeId[] = [];
  const b: NodeId[] = [];
  if (rng.chance(0.5)) {
    const alone = rng.int(0, replicas - 1);
    for (let replica = 0; replica < replicas; replica++) (replica === alone ? a : b).push(replica);
  } else {
    for (let replica = 0; replica < replicas; replica++) (rng.chance(0.5) ? a : b).push(replica);
    if (a.length === 0) a.push(b.pop()!);
    if (b.length === 0) b.push(a.pop()!);
  }
  for (let client = 0; client < clients; client++) {
    const side = rng.int(0, 2);
    if (side < 2) (side === 0 ? a : b).push(`c${client}`);
  }
  return [a, b];
}

/** Drops a crash of a replica that is already down and a restart of one that is up, keeping the actions meaningful. */
function recomputeCrashes(actions: Action[]): void {
  const down = new Set<number>();
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i];
    if (action.type === 'crash') {
      if (down.has(action.replica)) actions.splice(i--, 1);
      else down.add(action.replica);
    } else if (action.type === 'restart') {
      if (!down.has(action.replica)) actions.splice(i--, 1);
      else down.delete(action.replica);
    }
  }
}

function crashedAtEnd(actions: readonly Action[]): number[] {
  const down = new Set<number>();
  for (const action of actions) {
    if (action.type === 'crash') down.add(action.replica);
    if (action.type === 'restart') down.delete(action.replica);
  }
  return [...down].sort((a, b) => a - b);
}
