import { BasicSafetyChecker } from './basic.ts';
import type { Checker } from './checker.ts';

export type { Checker } from './checker.ts';
export { BasicSafetyChecker } from './basic.ts';

/** The checkers every run has on, from the first event. */
export function defaultCheckers(): Checker[] {
  return [new BasicSafetyChecker()];
}
