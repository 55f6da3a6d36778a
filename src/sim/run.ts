/**
 * A run: one scenario computed forward once into a journal (the trace), with checkpoints every K
 * events. Time travel restores the nearest checkpoint and replays from it; the replay writes nothing
 * new because the run is deterministic. An action taken in the past forks: the future is dropped.
 */
import { defaultCheckers } from './checkers/index.ts';
import type { Checker } from './checkers/checker.ts';
import { Journal } from './journal.ts';
import type { Action, Scenario } from './scenario-types.ts';
import { sortActions, World } from './world.ts';

export const checkpointEveryDefault = 500;

export interface RunOptions {
  readonly checkpointEvery?: number;
  readonly checkers?: readonly Checker[];
}

export class Run {
  scenario: Scenario;
  readonly journal = new Journal();
  readonly checkpointEvery: number;
  /** checkpoints[i] is the world after i * checkpointEvery events. */
  checkpoints: World[] = [];
  head: World;

  constructor(scenario: Scenario, options: RunOptions = {}) {
    this.scenario = scenario;
    this.checkpointEvery = options.checkpointEvery ?? checkpointEveryDefault;
    this.head = new World(scenario, {
      journal: this.journal,
      checkers: options.checkers ?? defaultCheckers(),
    });
    this.checkpoints.push(this.head.clone(null));
  }

  /** Computes the head forward to virtual time `time` (at most the scenario's end). */
  extendTo(time: number): void {
    while (this.head.step(Math.min(time, this.scenario.until))) this.maybeCheckpoint();
    if (!this.head.halted && time > this.head.now) this.head.now = Math.min(time, this.scenario.until);
  }

  /** Computes at most `count` more events; returns how many it computed. */
  extendBy(count: number): number {
    let done = 0;
    while (done < count && this.head.step()) {
      done++;
      this.maybeCheckpoint();
    }
    return done;
  }

  get finished(): boolean {
    return this.head.halted || this.head.nextTime() > this.scenario.until;
  }

  private maybeCheckpoint(): void {
    if (
      this.head.eventCount % this.checkpointEvery === 0 &&
      this.checkpoints.length * this.checkpointEvery === this.head.eventCount
    )
      this.checkpoints.push(this.head.clone(null));
  }

  /** The world after exactly `count` events (count <= computed events), as a fresh copy. */
  worldAfter(count: number): World {
    const target = Math.max(0, Math.min(count, this.head.eventCount));
    const checkpoint =
      this.checkpoints[Math.min(Math.floor(target / this.checkpointEvery), this.checkpoints.length - 1)];
    const world = checkpoint.clone(this.journal);
    while (world.eventCount < target && world.step());
    return world;
  }

  /** The world at virtual time `time`: every event at or before it applied. */
  worldAtTime(time: number): World {
    return this.worldAfter(this.eventCountAt(time));
  }

  /** How many computed events happen at or before `time` (binary search over the trace). */
  eventCountAt(time: number): number {
    const journal = this.journal;
    let lo = 0;
    let hi = Math.min(journal.eventCount, this.head.eventCount);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (journal.eventTime(mid) <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Replaces the action list. Everything before the first difference stays; the trace after it is
   * dropped and recomputed on demand.
   */
  setActions(actions: readonly Action[]): void {
    const changedAt = firstDifference(sortActions(this.scenario.actions), sortActions(actions));
    this.scenario = { ...this.scenario, actions };
    if (changedAt === Infinity) return;
    let keep = this.checkpoints.length - 1;
    while (keep > 0 && this.checkpoints[keep].now >= changedAt) keep--;
    this.checkpoints.length = keep + 1;
    const base = this.checkpoints[keep];
    this.journal.truncate(base.eventCount, base.nextMessageId);
    this.head = base.clone(this.journal).withActions(actions);
    this.checkpoints[keep] = this.head.clone(null);
  }

  /** Adds one action (a person's click) at `at`, forking the run there. */
  addAction(action: Action): void {
    this.setActions([...this.scenario.actions, action]);
  }
}

/** The earliest time at which two sorted action lists differ (Infinity when equal). */
function firstDifference(a: readonly Action[], b: readonly Action[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++)
    if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return Math.min(a[i].at, b[i].at);
  if (a.length === b.length) return Infinity;
  return a.length > n ? a[n].at : b[n].at;
}
