/**
 * What a step sent, for checkers. A trace event names its messages by id (firstSent .. firstSent +
 * sentCount - 1); the records live in the world's journal. A run with a full journal (the browser,
 * `sim run`) reads them there. A world built without one (fuzzing, shrinking) gets a step journal
 * instead: it keeps only the current step's messages, so memory stays constant however long the run.
 * A world with no journal at all still exposes the current step's sends (World.stepMessages).
 */
import type { MessageRecord, TraceEvent } from '../trace.ts';
import type { Journal, World } from '../world.ts';

/** Stands in for `journal.messages`: World only reads `length` and calls `push`. */
class StepMessages {
  /** The next message id, as World expects of a journal that has recorded every message. */
  length = 0;
  private first = 0;
  private sentBy = -1;
  private readonly items: MessageRecord[] = [];

  push(record: MessageRecord): number {
    if (record.sentBy !== this.sentBy) {
      this.items.length = 0;
      this.first = record.id;
      this.sentBy = record.sentBy;
    }
    this.items.push(record);
    this.length = record.id + 1;
    return this.length;
  }

  get(id: number): MessageRecord | undefined {
    const index = id - this.first;
    return index >= 0 && index < this.items.length ? this.items[index] : undefined;
  }
}

/** Stands in for `journal.events`: counts them and keeps none. */
class EventCounter {
  length = 0;

  push(): number {
    return ++this.length;
  }
}

/** A journal for runs nobody will replay: checkers see each step's sends, nothing is kept. */
export function stepJournal(): Journal {
  return {
    events: new EventCounter() as unknown as TraceEvent[],
    messages: new StepMessages() as unknown as MessageRecord[],
  };
}

/** Whether this world's checkers can see what each step sent (always: the world keeps the step's sends). */
export function sendsVisible(world: World): boolean {
  return world.stepMessages !== undefined;
}

/** The record of message `id`, if the world's journal still holds it. */
export function sentRecord(world: World, id: number): MessageRecord | undefined {
  const messages: unknown = world.journal?.messages;
  if (messages === undefined) {
    // stepMessages is overwritten in place: only the current step's ids are valid in it.
    return id >= world.stepFirstSent && id < world.nextMessageId
      ? world.stepMessages[id - world.stepFirstSent]
      : undefined;
  }
  if (messages instanceof StepMessages) return messages.get(id);
  return (messages as MessageRecord[])[id];
}

/** Calls `visit` for each message the event's node sent (network duplicates are skipped). */
export function forEachSent(
  world: World,
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
