/** The one session the React tree drives (set at start-up; tests build their own). */
import type { Session } from './session.ts';

let current: Session | null = null;

export function setSession(next: Session): void {
  current = next;
}

export function session(): Session {
  if (current === null) throw new Error('the session is not set up');
  return current;
}
