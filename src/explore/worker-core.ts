/**
 * One explorer worker's share of a breadth-first search. States are owned by fingerprint (a state
 * belongs to worker `fingerprint mod count`), so each worker keeps the visited set of its own
 * states only. A level runs in two rounds: every worker expands the frontier it owns and sends each
 * successor (fingerprint and path) to its owner; then every owner admits the new ones as its next
 * frontier. The representative path of a state is the least of the paths that reach it at its
 * depth, so the result does not depend on the number of workers or the order of their answers.
 *
 * A frontier holds paths, not worlds: a state is rebuilt from the start by replaying its path
 * (a dozen actions), which keeps a million-state frontier in tens of megabytes.
 */
import type { World } from '../sim/world.ts';
import { fingerprint } from './fingerprint.ts';
import {
  choiceActions,
  choicesIn,
  crashesIn,
  extendPath,
  replayPath,
  startWorld,
  type ExploreJob,
  type ExploreNetwork,
} from './state-space.ts';

/** A violation found on a path. */
export interface FoundViolation {
  readonly path: string;
  readonly checker: string;
  readonly message: string;
}

/** Successors bound for one owner: fingerprints and paths, index for index. */
export interface Batch {
  readonly fingerprints: number[];
  readonly paths: string[];
}

export interface Expanded {
  readonly batches: Batch[];
  readonly violations: FoundViolation[];
  /** States expanded and successors generated. */
  readonly expanded: number;
  readonly generated: number;
}

export class ExploreCore {
  readonly start: World;
  private readonly visited = new Set<number>();
  private frontier: string[] = [];
  private readonly startViolations: number;
  private readonly network: ExploreNetwork;

  constructor(
    readonly job: ExploreJob,
    readonly index: number,
    readonly count: number,
  ) {
    this.start = startWorld(job);
    this.startViolations = this.start.violations.length;
    this.network = job.network ?? 'exact';
    const startPrint = fingerprint(this.start, 0, this.network === 'set');
    if (this.owner(startPrint) === index) {
      this.visited.add(startPrint);
      if (!this.start.halted) this.frontier.push('');
    }
  }

  /** The violation the run hit before T, if any (then there is nothing to explore). */
  startViolation(): FoundViolation | null {
    const first = this.start.violations[0];
    return first === undefined ? null : { path: '', checker: first.checker, message: first.message };
  }

  owner(print: number): number {
    return print % this.count;
  }

  get frontierSize(): number {
    return this.frontier.length;
  }

  /** Expands every state of this worker's frontier; `progress` hears how many so far, now and then. */
  expand(progress: (expanded: number) => void = () => {}, stopped: () => boolean = () => false): Expanded {
    const local = Array.from({ length: this.count }, () => new Map<number, string>());
    const violations: FoundViolation[] = [];
    let expanded = 0;
    let generated = 0;
    for (const path of this.frontier) {
      if (stopped()) break;
      const { world } = replayPath(this.start, path);
      const crashesUsed = crashesIn(path);
      for (const choice of choicesIn(world, this.job.crashes - crashesUsed, this.network)) {
        const next = world.clone(null);
        for (const action of choiceActions(choice, world)) next.act(action);
        generated++;
        const nextPath = extendPath(path, choice);
        if (next.violations.length > this.startViolations) {
          const violation = next.violations[this.startViolations];
          violations.push({ path: nextPath, checker: violation.checker, message: violation.message });
          continue;
        }
        const print = fingerprint(next, crashesUsed + (choice[0] === 'c' ? 1 : 0), this.network === 'set');
        const owner = this.owner(print);
        if (owner === this.index && this.visited.has(print)) continue;
        const bucket = local[owner];
        const known = bucket.get(print);
        if (known === undefined || nextPath < known) bucket.set(print, nextPath);
      }
      if (++expanded % 1000 === 0) progress(expanded);
    }
    this.frontier = [];
    const batches = local.map((bucket) => ({
      fingerprints: [...bucket.keys()],
      paths: [...bucket.values()],
    }));
    return { batches, violations, expanded, generated };
  }

  /** Admits the successors this worker owns: the unseen ones become its next frontier. */
  admit(batches: readonly Batch[]): number {
    const fresh = new Map<number, string>();
    for (const batch of batches)
      for (let i = 0; i < batch.fingerprints.length; i++) {
        const print = batch.fingerprints[i];
        if (this.visited.has(print)) continue;
        const path = batch.paths[i];
        const known = fresh.get(print);
        if (known === undefined || path < known) fresh.set(print, path);
      }
    for (const [print, path] of fresh) {
      this.visited.add(print);
      this.frontier.push(path);
    }
    this.frontier.sort();
    return fresh.size;
  }
}
