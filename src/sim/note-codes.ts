/**
 * A small number per note kind, recorded by the world as a step makes its notes (World.noteCodesOf).
 * Notes of a dozen kinds are a dozen object shapes, so every `note.kind` read in a checker was a
 * megamorphic property lookup; reading the kind once, when the note is made, and switching on a
 * number after that leaves each checker's reads of a note's fields seeing one shape.
 */
import type { Note } from '../protocol/index.ts';

export const noteOther = 0;
export const noteExecuted = 1;
export const notePrepared = 2;
export const noteInvoked = 3;
export const noteCompleted = 4;
export const noteIgnored = 5;
export const noteViewStarted = 6;
export const noteRecovered = 7;
export const noteStateInstalled = 8;

export function noteCode(note: Note): number {
  switch (note.kind) {
    case 'executed':
      return noteExecuted;
    case 'prepared':
      return notePrepared;
    case 'invoked':
      return noteInvoked;
    case 'completed':
      return noteCompleted;
    case 'ignored':
      return noteIgnored;
    case 'view-started':
      return noteViewStarted;
    case 'recovered':
      return noteRecovered;
    case 'state-installed':
      return noteStateInstalled;
    default:
      return noteOther;
  }
}
