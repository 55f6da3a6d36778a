/**
 * A checker watches every event of a run and reports the first event that breaks its rule.
 * Checkers read the world and the event; the replicas know nothing of them. They must be cheap
 * (they stay on in the browser) and cloneable (they are part of a checkpoint).
 */
import type { TraceEvent, Violation } from '../trace.ts';
import type { World } from '../world.ts';

export interface Checker {
  readonly name: string;
  afterEvent(world: World, event: TraceEvent): Violation | null;
  clone(): Checker;
}
