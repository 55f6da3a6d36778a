/**
 * The explorer's state space: the start state (the world at time T, in controlled network mode),
 * the choices the environment can make in a state, and paths of choices written compactly.
 *
 * A choice is one of: deliver a message in flight, drop it, duplicate it, fire a pending timer of a
 * running replica early, crash a running replica (while the path has crashes left), restart a
 * crashed one. Each is an ordinary scenario action at time T, so a path appended to the start
 * scenario is a scenario that replays to the same state, bit for bit.
 */
import { isReplicaId, timerKinds, type ReplicaTimer } from '../protocol/index.ts';
import { defaultCheckers } from '../sim/checkers/index.ts';
import type { Action, Scenario } from '../sim/scenario-types.ts';
import type { Violation } from '../sim/trace.ts';
import { World } from '../sim/world.ts';
import { liveMessages, messageDigest } from './fingerprint.ts';

/** Where and how far to explore. */
export interface ExploreJob {
  readonly scenario: Scenario;
  /** Virtual ms: everything before T runs as the scenario says (and its actions at T), then control. */
  readonly at: number;
  /** The longest path of choices explored. */
  readonly depth: number;
  /** The most crashes on one path (each may be followed by a restart). */
  readonly crashes: number;
  /**
   * How the network is modelled (README, "Exploring"). `exact` (the default): a message in flight
   * is delivered once, dropped or duplicated, each a choice. `set`: every message sent stays
   * available, and a choice delivers a copy of it; loss is never delivering, duplication is
   * delivering again. Every run of `exact` is a run of `set` minus losses, so `set` misses no
   * violation within the same depth, and it merges states whose messages differ only in copies.
   */
  readonly network?: ExploreNetwork;
}

export type ExploreNetwork = 'exact' | 'set';
export const exploreNetworks: readonly ExploreNetwork[] = ['exact', 'set'];

export const exploreDepthMax = 64;
export const exploreCrashesMax = 9;

/** The scenario the exploration starts from: its actions up to T, then `control` at T. */
export function startScenario(job: ExploreJob): Scenario {
  const { scenario, at } = job;
  const actions: Action[] = scenario.actions.filter((action) => action.at <= at);
  actions.push({ at, type: 'control' });
  return { ...scenario, actions, until: Math.max(scenario.until, at) };
}

/** The world at the start: every event before T and every action at T, then controlled mode. */
export function startWorld(job: ExploreJob): World {
  const world = new World(startScenario(job), { checkers: defaultCheckers() });
  while (!world.controlled && !world.halted && world.step());
  return world;
}

// A path is its choices joined by spaces; a choice is a letter and its operands:
// d<id> deliver, x<id> drop, u<id> duplicate, f<replica>.<timer index> fire, c<replica> crash,
// r<replica> restart; with the set network, k<id> delivers a copy of the message.

/**
 * The actions a choice stands for in `world`: one, except `k<id>` (the set network's delivery),
 * which copies the message and delivers the original, so a copy stays in flight.
 */
export function choiceActions(choice: string, world: World): Action[] {
  if (choice[0] !== 'k') return [choiceAction(choice, world)];
  const id = Number(choice.slice(1));
  return [
    { at: world.now, type: 'duplicate', id },
    { at: world.now, type: 'deliver', id },
  ];
}

/**
 * The action a choice stands for in `world`. Deliveries, drops, copies, crashes and restarts happen
 * now; a timer fires at its deadline: the clock moves on to it (never back), so the timer fires
 * before any message still in flight arrives, and the replicas see the silence it measures.
 */
export function choiceAction(choice: string, world: World): Action {
  const kind = choice[0];
  const operand = choice.slice(1);
  const at = world.now;
  switch (kind) {
    case 'd':
      return { at, type: 'deliver', id: Number(operand) };
    case 'x':
      return { at, type: 'drop', id: Number(operand) };
    case 'u':
      return { at, type: 'duplicate', id: Number(operand) };
    case 'f': {
      const [replica, index] = operand.split('.').map(Number);
      const timer = timerKinds[index];
      const deadline = world.replicas[replica]?.deadlines[timer] ?? at;
      return { at: Math.max(at, deadline), type: 'fire', replica, timer };
    }
    case 'c':
      return { at, type: 'crash', replica: Number(operand) };
    case 'r':
      return { at, type: 'restart', replica: Number(operand) };
    default:
      throw new Error(`unknown choice '${choice}'`);
  }
}

export function pathChoices(path: string): string[] {
  return path === '' ? [] : path.split(' ');
}

export function extendPath(path: string, choice: string): string {
  return path === '' ? choice : `${path} ${choice}`;
}

/** Crashes a path has used. */
export function crashesIn(path: string): number {
  let count = 0;
  for (const choice of pathChoices(path)) if (choice[0] === 'c') count++;
  return count;
}

/**
 * Every choice in `world`, in a fixed order. Copies of one message (same sender, receiver and
 * content) are interchangeable: only the first offers choices. A message to a crashed replica can
 * only be lost, so it offers a drop alone.
 */
export function choicesIn(world: World, crashesLeft: number, network: ExploreNetwork = 'exact'): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (const record of liveMessages(world)) {
    const digest = messageDigest(record);
    if (seen.has(digest)) continue;
    seen.add(digest);
    const to = record.to;
    const down = isReplicaId(to) && world.replicas[to] === null;
    const paused = isReplicaId(to) && world.paused[to] === 1;
    if (network === 'set') {
      if (!down && !paused) out.push(`k${record.id}`);
      continue;
    }
    if (!down && !paused) out.push(`d${record.id}`);
    out.push(`x${record.id}`);
    if (!down) out.push(`u${record.id}`);
  }
  for (let replica = 0; replica < world.replicaCount; replica++) {
    const state = world.replicas[replica];
    if (state === null || world.paused[replica] === 1) continue;
    timerKinds.forEach((timer: ReplicaTimer, index) => {
      if (state.deadlines[timer] !== Infinity) out.push(`f${replica}.${index}`);
    });
  }
  for (let replica = 0; replica < world.replicaCount; replica++) {
    if (world.replicas[replica] === null) out.push(`r${replica}`);
    else if (crashesLeft > 0) out.push(`c${replica}`);
  }
  return out;
}

/** The world a path leads to from the start (a copy: the start is not changed), and its actions. */
export function replayPath(start: World, path: string): { world: World; actions: Action[] } {
  const world = start.clone(null);
  const actions: Action[] = [];
  for (const choice of pathChoices(path))
    for (const action of choiceActions(choice, world)) {
      actions.push(action);
      world.act(action);
    }
  return { world, actions };
}

/** A counterexample: the path, its length, the first violation and the scenario that replays it. */
export interface Counterexample {
  readonly path: string;
  readonly length: number;
  readonly violation: Violation;
  readonly scenario: Scenario;
}

/** The replayable scenario of a path: the start scenario with the path's actions after `control`. */
export function pathScenario(job: ExploreJob, path: string, name: string): Scenario {
  const start = startScenario(job);
  const { actions } = replayPath(startWorld(job), path);
  const until = Math.max(start.until, ...actions.map((action) => action.at));
  return { ...start, name, until, actions: [...start.actions, ...actions] };
}
