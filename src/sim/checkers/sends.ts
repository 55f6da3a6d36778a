/**
 * What a step sent, for checkers. A trace event names its messages by id (firstSent .. firstSent +
 * sentCount - 1). The world keeps the current step's records (WorldView.stepMessages), whether or not it
 * has a journal: fuzzing and shrinking keep nothing more, so memory stays constant however long the
 * run. An earlier step's records are rebuilt from the journal's columns when there is one.
 */
import type { MessageRecord, TraceEvent } from '../trace.ts';
import type { WorldView } from './checker.ts';

/** Whether this world's checkers can see what each step sent (always: the world keeps the step's sends). */
export function sendsVisible(world: WorldView): boolean {
  return world.stepMessages !== undefined;
}

/** The record of message `id`: the current step's, or one the world's journal holds. */
export function sentRecord(world: WorldView, id: number): MessageRecord | undefined {
  // stepMessages is overwritten in place: only the current step's ids are valid in it.
  if (id >= world.stepFirstSent && id < world.nextMessageId)
    return world.stepMessages[id - world.stepFirstSent];
  const journal = world.journal;
  return journal !== null && id >= 0 && id < journal.messageCount ? journal.message(id) : undefined;
}

/** Calls `visit` for each message the event's node sent (network duplicates are skipped). */
export function forEachSent(
  world: WorldView,
  event: TraceEvent,
  visit: (record: MessageRecord) => void,
  withDuplicates = false,
): void {
  if (event.sentCount === 0) return;
  const end = event.firstSent + event.sentCount;
  for (let id = event.firstSent; id < end; id++) {
    const record = sentRecord(world, id);
    if (record !== undefined && (withDuplicates || record.duplicateOf === null)) visit(record);
  }
}
