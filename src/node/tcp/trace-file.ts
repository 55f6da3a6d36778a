/**
 * Per-process trace files (`--trace FILE`): JSON lines, appended, one per event, each with the
 * process's own wall-clock time. `merge-traces` (src/node/merge-traces.ts) merges the files of a
 * run into one trace the app can replay.
 *
 * Every line has: `t` wall-clock ms since the Unix epoch (fractional, microsecond resolution),
 * `node` (0..n-1 or "c<N>"), `inc` (the process incarnation, random per start: a restarted replica
 * writes a new one into the same file), `step` (a counter per incarnation: the lines of one step,
 * its cause first, then what it sent and noted, share it) and `kind`:
 *
 *   start    { mode: "fresh" | "recover" | "client", replicas, stateMachine, timing, listen, pid }
 *            the protocol started (a replica once a quorum of peers is connected)
 *   receive  { id, from, message }      a protocol message taken by the replica or client
 *   timer    { timer }                  a protocol timer fired (replica timers, or "clientRetry")
 *   submit   { op }                     a client handed an op to its protocol client
 *   send     { id, to, message, lost }  a message sent; `lost` says why it never left, else null
 *   note     { note }                   a protocol note (src/protocol/output.ts): status changes,
 *                                       commits ("executed"), view changes, recovery, ignores...
 *   conn     { event: "up" | "down" | "refused", peer, remote, reason }  connection changes
 *   stop     { reason }                 the process stopped on purpose (absent after SIGKILL)
 *   crash    { error }                  a protocol assertion failed and the process stopped
 *
 * All lines of one step are written with one write(2) to a file opened for appending, so a
 * process killed at any moment leaves whole steps behind.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Message, NodeId, Note, ReplicaTimer, StateMachineKind, Timing } from '../../protocol/index.ts';

export type StartMode = 'fresh' | 'recover' | 'client';

export type TraceLineBody =
  | {
      readonly kind: 'start';
      readonly mode: StartMode;
      readonly replicas: number;
      readonly stateMachine: StateMachineKind | null;
      readonly timing: Timing;
      readonly listen: string | null;
      readonly pid: number;
    }
  | { readonly kind: 'receive'; readonly id: string; readonly from: NodeId; readonly message: Message }
  | { readonly kind: 'timer'; readonly timer: ReplicaTimer | 'clientRetry' }
  | { readonly kind: 'submit'; readonly op: string }
  | {
      readonly kind: 'send';
      readonly id: string;
      readonly to: NodeId;
      readonly message: Message;
      readonly lost: string | null;
    }
  | { readonly kind: 'note'; readonly note: Note }
  | {
      readonly kind: 'conn';
      readonly event: 'up' | 'down' | 'refused';
      readonly peer: NodeId | null;
      readonly remote: string;
      readonly reason: string | null;
    }
  | { readonly kind: 'stop'; readonly reason: string }
  | { readonly kind: 'crash'; readonly error: string };

export type TraceLine = {
  readonly t: number;
  readonly node: NodeId;
  readonly inc: string;
  readonly step: number;
} & TraceLineBody;

export type TraceLineKind = TraceLine['kind'];
export const traceLineKinds: readonly TraceLineKind[] = [
  'start',
  'receive',
  'timer',
  'submit',
  'send',
  'note',
  'conn',
  'stop',
  'crash',
];

/** Wall-clock ms with sub-ms resolution, monotonic within the process. */
export function wallClockMs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

/** Appends one process's trace lines to a file; every step goes out in one write. */
export class TraceWriter {
  private fd: number | null;
  private step = 0;

  constructor(
    readonly path: string,
    readonly node: NodeId,
    readonly incarnation: string,
  ) {
    this.fd = openSync(path, 'a');
  }

  /** Writes the lines of one step (its cause first), all stamped with the same time. */
  writeStep(t: number, bodies: readonly TraceLineBody[]): void {
    if (this.fd === null || bodies.length === 0) return;
    const step = ++this.step;
    let text = '';
    for (const body of bodies)
      text += `${JSON.stringify({ t, node: this.node, inc: this.incarnation, step, ...body })}\n`;
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
