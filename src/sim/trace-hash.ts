/**
 * A digest of a whole trace: every event and every message with all their fields. Two runs of the
 * same scenario must give the same digest, in Node and in the browser.
 */
import { fnvContinue, fnvOffset } from '../protocol/hash.ts';
import type { Journal } from './world.ts';

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === Infinity ? 'Infinity' : v));
}

export function traceHash(journal: Journal): string {
  let h = fnvOffset;
  for (const event of journal.events) h = fnvContinue(h, stable(event));
  let m = fnvOffset;
  for (const record of journal.messages) m = fnvContinue(m, stable(record));
  return `${h.toString(16).padStart(8, '0')}${m.toString(16).padStart(8, '0')}-${journal.events.length}`;
}
