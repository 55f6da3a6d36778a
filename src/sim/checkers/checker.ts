/**
 * A checker watches every event of a run and reports the first event that breaks its rule.
 * Checkers read a view of the world and the event; the replicas know nothing of them. They must be
 * cheap (they stay on in the browser) and cloneable (they are part of a checkpoint).
 */
import type { Client, Replica } from '../../protocol/index.ts';
import type { Journal } from '../journal.ts';
import type { Scenario } from '../scenario-types.ts';
import type { MessageRecord, TraceEvent, Violation } from '../trace.ts';

/** What a checker may read of the world: its state after the event, and what the event sent. */
export interface WorldView {
  readonly scenario: Scenario;
  readonly replicaCount: number;
  readonly now: number;
  /** Events processed so far, the one being checked included. */
  readonly eventCount: number;
  /** null for a crashed replica. */
  readonly replicas: readonly (Replica | null)[];
  readonly clients: readonly Client[];
  /** The current step's sends: ids stepFirstSent .. nextMessageId - 1 (sends.ts reads them). */
  readonly stepMessages: readonly MessageRecord[];
  readonly stepFirstSent: number;
  readonly nextMessageId: number;
  /** The run's trace, when it keeps one (earlier steps' sends are read from it). */
  readonly journal: Journal | null;
  /** The kind of each note of `event`, as a note-codes.ts number. */
  noteCodesOf(event: TraceEvent): readonly number[];
  /** The message a deliver event delivers, while it is being checked. */
  deliveredRecord(): MessageRecord | null;
}

export interface Checker {
  readonly name: string;
  afterEvent(world: WorldView, event: TraceEvent): Violation | null;
  clone(): Checker;
}
