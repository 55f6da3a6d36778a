/**
 * The pluggable state machine. Replicas execute committed ops in order with apply(); state transfer
 * ships delta(sinceCommit), only what changed after a commit-number, and the receiver installs it
 * with applyDelta() instead of re-executing ops. The implementations, and the factory that picks
 * one, live in state-machines/.
 */
import type { StateDelta } from './message.ts';

export type StateMachineKind = 'kv' | 'log';
export const stateMachineKinds: readonly StateMachineKind[] = ['kv', 'log'];

export interface StateMachine {
  readonly kind: StateMachineKind;
  /** Execute the op that holds op-number `opNumber`; returns the reply's result text. */
  apply(op: string, opNumber: number): string;
  /** Everything that changed after commit-number `sinceCommit`. */
  delta(sinceCommit: number): StateDelta;
  /** Why `delta` cannot be installed here (wrong kind, starts beyond our end), or null when it can. */
  deltaProblem(delta: StateDelta): string | null;
  /** Install a delta produced by a replica whose state was at `commitNumber` (deltaProblem is null). */
  applyDelta(delta: StateDelta, commitNumber: number): void;
  /** A cheap, order-independent digest of the contents, for agreement checks. */
  digest(): number;
  /** The contents as plain data, for display and JSON output. */
  contents(): Record<string, string> | string[];
  clone(): StateMachine;
}

export function deltaItemCount(delta: StateDelta): number {
  return delta.entries.length;
}
