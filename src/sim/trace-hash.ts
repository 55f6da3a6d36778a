/**
 * A digest of a whole trace: every event and every message with all their fields. Two runs of the
 * same scenario must give the same digest, in Node and in the browser.
 */
import { fnvContinue, fnvOffset } from '../protocol/hash.ts';
import type { Journal } from './journal.ts';

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === Infinity ? 'Infinity' : v));
}

export function traceHash(journal: Journal): string {
  let h = fnvOffset;
  for (let i = 0; i < journal.eventCount; i++) h = fnvContinue(h, stable(journal.event(i)));
  let m = fnvOffset;
  for (let id = 0; id < journal.messageCount; id++) m = fnvContinue(m, stable(journal.message(id)));
  return `${h.toString(16).padStart(8, '0')}${m.toString(16).padStart(8, '0')}-${journal.eventCount}`;
}
