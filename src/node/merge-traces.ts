/**
 * `sim merge-traces a.jsonl b.jsonl c.jsonl [--out run.json] [--pretty]`: merges the per-process
 * trace files of a TCP cluster (src/node/tcp/trace-file.ts: one JSON line per event, each process on
 * its own wall clock) into one trace, aligning every receive with its send by wire message id.
 *
 * ## Output format (`vsr-scope-trace`, version 1): the contract the app imports, read-only
 *
 * ```
 * {
 *   "format": "vsr-scope-trace", "version": 1, "source": "tcp",
 *   "replicas": 3, "stateMachine": "kv", "timing": { heartbeatMs, viewChangeTimeoutMs, ... },
 *   "origin": 1795634933366.731,          // wall-clock ms since the Unix epoch of time 0
 *   "originIso": "2026-11-25T19:28:53.366Z",
 *   "endTime": 12345.678,                 // ms after origin of the last event
 *   "processes": [ { "node": 0, "incarnation": "aa37b60a", "mode": "fresh" | "recover" | "client",
 *                    "file": "a.jsonl", "pid": 123, "startedAt": 0, "endedAt": 9000.5,
 *                    "end": "stop" | "crash" | "killed" | "unknown" } ],
 *   "events":   [ TraceEvent ... ],       // src/sim/trace.ts, in order, index = position
 *   "messages": [ MessageRecord & { "wireId": "0.aa37b60a.17", "observed": true } ... ],
 *   "warnings": [ "..." ]
 * }
 * ```
 *
 * Times are ms after `origin` (fractional, microsecond resolution), like the simulator's virtual
 * time. `events` and `messages` have exactly the simulator's shapes (src/sim/trace.ts), so a viewer
 * of simulated runs can show a real one:
 * - `deliver` {node, msgId}: a process took a message (its "receive" line);
 * - `timer` {node, timer}: a replica timer, or "clientRetry" for a client;
 * - `workload` {node, op}: a traced client submitted an op;
 * - `action` {node, action: {type: "restart", replica, at}}: a replica process started with
 *   --recover (its Recovery messages are the event's sends);
 *   `action` {node, action: {type: "crash", replica, at}, stop: "SIGTERM"}: a replica process stopped
 *   cleanly (its stop line: SIGTERM, Ctrl-C, the cluster command going away). `stop` says so and
 *   why: not a crash, although its state is gone all the same, since VR keeps nothing on disk;
 *   `action` {node, action: {type: "crash", replica, at}} without `stop`: a replica process that
 *   was killed: no stop line, and a later incarnation proves it ended; its time is that of its
 *   last line;
 * - `crash-stop` {node, error}: a protocol assertion failed and the process stopped;
 * - `lose` {node, msgId, reason}: a message to a traced process that never received it, at its send
 *   time; reason "crashed" when the receiver was not running then, else "network".
 * A fresh start and connection changes are not events (see `processes`).
 * Each event's sends are the messages `firstSent .. firstSent + sentCount - 1`; `notes` are the
 * protocol notes of that step (src/protocol/output.ts), or null.
 *
 * A message's `sentAt` is its send event's time; `deliverAt` its deliver event's time. A message to
 * a process whose trace was not merged (typically a client run without --trace) has
 * `observed: false` and `deliverAt = sentAt`: its fate is unknown, not instantaneous. A message
 * received whose send was not traced has `sentBy: -1` and `sentAt = deliverAt`.
 * `lostAt`, `lossReason` and `duplicateOf` keep the simulator's meaning (a second receive of one
 * wire id, which TCP should never produce, becomes a duplicate record).
 *
 * ## Aligning clocks
 * Each process stamps lines with its own clock. The merge orders steps so that causality holds: a
 * step comes after the previous step of its process and after the step that sent the message it
 * receives (topological order, earliest wall-clock time first). Times are then made monotonic along
 * that order, so a receive stamped a little before its send (clock skew) moves up to the send.
 * On one machine the shift is microseconds.
 */
import { writeFileSync } from 'node:fs';
import {
  replicasMax,
  type Message,
  type NodeId,
  type Note,
  type StateMachineKind,
  type Timing,
} from '../protocol/index.ts';
import type { Action } from '../sim/scenario-types.ts';
import type { LossReason, MessageRecord, TraceEvent } from '../sim/trace.ts';
import { isPlainObject } from '../scenario/format.ts';
import { traceFormat, traceVersion, type TraceFileJson } from '../scenario/trace-file.ts';
import { parseCommandLine, usageExit, UsageError } from './args.ts';
import type { CliIo } from './run-command.ts';
import { traceLineKinds, type StartMode, type TraceLine } from './tcp/trace-file.ts';
import { clientIdPattern, validateMessage, WireError } from './tcp/wire-schema.ts';

// A merged TCP trace is a trace file like the simulator's (src/scenario/trace-file.ts).
export const mergedTraceFormat = traceFormat;
export const mergedTraceVersion = traceVersion;
/**
 * Trace files larger than this are refused before they are read (a long run at full speed writes
 * ~100 MB per minute; one JavaScript string holds at most about 512 MB).
 */
export const traceFileBytesMax = 256 * 1024 * 1024;

export interface MergedProcess {
  readonly node: NodeId;
  readonly incarnation: string;
  readonly mode: StartMode | 'unknown';
  readonly file: string;
  readonly pid: number | null;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly end: 'stop' | 'crash' | 'killed' | 'unknown';
}

export type MergedMessage = MessageRecord & {
  readonly wireId: string;
  /** False when the receiver's trace was not merged: the message's fate is unknown. */
  readonly observed: boolean;
};

/** A trace event; a replica's clean stop is its crash action plus `stop`, the reason it stopped. */
export type MergedEvent = TraceEvent & { readonly stop?: string };

export interface MergedTrace {
  readonly format: typeof mergedTraceFormat;
  readonly version: typeof mergedTraceVersion;
  readonly source: 'tcp';
  readonly replicas: number;
  readonly stateMachine: StateMachineKind | null;
  readonly timing: Timing | null;
  readonly origin: number;
  readonly originIso: string;
  readonly endTime: number;
  readonly processes: readonly MergedProcess[];
  readonly events: readonly MergedEvent[];
  readonly messages: readonly MergedMessage[];
  readonly warnings: readonly string[];
}

export interface TraceInput {
  readonly name: string;
  readonly text: string;
}

export class TraceMergeError extends Error {
  override name = 'TraceMergeError';
}

// ---------------------------------------------------------------- reading

type Json = unknown;

/** Checks the parts of a line the merge relies on; the message itself against the wire schema. */
function checkLine(value: Json, replicaCount: number | null): string | null {
  if (!isPlainObject(value)) return 'not a JSON object';
  if (typeof value.t !== 'number' || !Number.isFinite(value.t)) return 't must be a number';
  const node = value.node;
  if (
    !(typeof node === 'number' && Number.isInteger(node) && node >= 0 && node < replicasMax) &&
    !(typeof node === 'string' && clientIdPattern.test(node))
  )
    return 'node must be a replica id or a client id';
  if (typeof value.inc !== 'string' || value.inc === '') return 'inc must be a string';
  if (typeof value.step !== 'number' || !Number.isSafeInteger(value.step) || value.step < 0)
    return 'step must be a non-negative integer';
  if (typeof value.kind !== 'string' || !(traceLineKinds as readonly string[]).includes(value.kind))
    return `unknown line kind ${JSON.stringify(value.kind)}`;
  switch (value.kind) {
    case 'start':
      if (typeof value.replicas !== 'number' || !Number.isInteger(value.replicas) || value.replicas < 1)
        return 'replicas must be a positive integer';
      return null;
    case 'receive':
    case 'send': {
      if (typeof value.id !== 'string' || value.id === '') return 'id must be a string';
      const peer = value.kind === 'send' ? value.to : value.from;
      if (typeof peer !== 'number' && typeof peer !== 'string')
        return `${value.kind === 'send' ? 'to' : 'from'} must be a node`;
      if (replicaCount === null) return null;
      try {
        validateMessage(value.message, { replicaCount, stateMachine: null });
      } catch (error) {
        if (error instanceof WireError) return error.message;
        throw error;
      }
      return null;
    }
    case 'note':
      return isPlainObject(value.note) && typeof value.note.kind === 'string'
        ? null
        : 'note must be a note object';
    default:
      return null;
  }
}

interface Step {
  readonly file: string;
  readonly node: NodeId;
  readonly inc: string;
  readonly number: number;
  readonly t: number;
  readonly lines: TraceLine[];
  /** Filled by ordering. */
  time: number;
}

interface Incarnation {
  readonly node: NodeId;
  readonly inc: string;
  readonly file: string;
  readonly steps: Step[];
}

function incarnationKey(node: NodeId, inc: string): string {
  return `${typeof node === 'number' ? 'r' : ''}${node}/${inc}`;
}

function nodeKey(node: NodeId): string {
  return typeof node === 'number' ? `r${node}` : node;
}

function readInputs(inputs: readonly TraceInput[], warnings: string[]): Map<string, Incarnation> {
  const incarnations = new Map<string, Incarnation>();
  // The replica count comes from start lines; messages are checked once it is known.
  let replicaCount: number | null = null;
  for (const input of inputs)
    for (const line of input.text.split('\n')) {
      if (!line.includes('"kind":"start"')) continue;
      try {
        const value = JSON.parse(line) as Json;
        if (isPlainObject(value) && value.kind === 'start' && typeof value.replicas === 'number') {
          if (replicaCount !== null && replicaCount !== value.replicas)
            throw new TraceMergeError(
              `${input.name}: a process of a ${value.replicas}-replica cluster, others have ${replicaCount}`,
            );
          replicaCount = value.replicas;
        }
      } catch (error) {
        if (error instanceof TraceMergeError) throw error;
      }
    }
  for (const input of inputs) {
    if (input.text.length > traceFileBytesMax)
      throw new TraceMergeError(`${input.name}: larger than ${traceFileBytesMax} bytes`);
    const lines = input.text.split('\n');
    const steps = new Map<string, Step>();
    for (let index = 0; index < lines.length; index++) {
      const text = lines[index];
      if (text.trim() === '') continue;
      const where = `${input.name}:${index + 1}`;
      let value: Json;
      try {
        value = JSON.parse(text);
      } catch {
        const last = lines.slice(index + 1).every((rest) => rest.trim() === '');
        if (last) {
          warnings.push(`${where}: an incomplete last line was skipped`);
          continue;
        }
        throw new TraceMergeError(`${where}: not JSON`);
      }
      const problem = checkLine(value, replicaCount);
      if (problem !== null) throw new TraceMergeError(`${where}: ${problem}`);
      const line = value as TraceLine;
      const key = incarnationKey(line.node, line.inc);
      let incarnation = incarnations.get(key);
      if (incarnation === undefined) {
        incarnation = { node: line.node, inc: line.inc, file: input.name, steps: [] };
        incarnations.set(key, incarnation);
      } else if (incarnation.file !== input.name)
        throw new TraceMergeError(
          `${where}: incarnation ${line.inc} of ${nodeKey(line.node)} also appears in ${incarnation.file}`,
        );
      const stepKey = `${key}#${line.step}`;
      let step = steps.get(stepKey);
      if (step === undefined) {
        step = {
          file: input.name,
          node: line.node,
          inc: line.inc,
          number: line.step,
          t: line.t,
          lines: [],
          time: line.t,
        };
        steps.set(stepKey, step);
        incarnation.steps.push(step);
      }
      step.lines.push(line);
    }
  }
  for (const incarnation of incarnations.values()) incarnation.steps.sort((a, b) => a.number - b.number);
  return incarnations;
}

// ---------------------------------------------------------------- ordering

/** A binary min-heap of steps by (t, insertion order). */
class StepHeap {
  private items: { step: Step; seq: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(step: Step): void {
    const items = this.items;
    items.push({ step, seq: this.seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Step {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(left, smallest)) smallest = left;
        if (right < items.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top.step;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a];
    const y = this.items[b];
    return x.step.t < y.step.t || (x.step.t === y.step.t && x.seq < y.seq);
  }
}

/**
 * Orders steps causally (previous step of the same process, and the step that sent a received
 * message, come first), earliest stamp first among those ready; then makes times monotonic.
 */
function orderSteps(incarnations: readonly Incarnation[], warnings: string[]): Step[] {
  const all: Step[] = [];
  const sender = new Map<string, Step>();
  const next = new Map<Step, Step>();
  const waiting = new Map<Step, number>();
  const dependents = new Map<Step, Step[]>();
  for (const incarnation of incarnations) {
    incarnation.steps.forEach((step, index) => {
      all.push(step);
      if (index + 1 < incarnation.steps.length) next.set(step, incarnation.steps[index + 1]);
      for (const line of step.lines) if (line.kind === 'send') sender.set(line.id, step);
    });
  }
  for (const incarnation of incarnations)
    incarnation.steps.forEach((step, index) => {
      let count = index > 0 ? 1 : 0;
      const head = step.lines[0];
      if (head?.kind === 'receive') {
        const from = sender.get(head.id);
        if (from !== undefined && from !== step) {
          count++;
          const list = dependents.get(from) ?? [];
          list.push(step);
          dependents.set(from, list);
        }
      }
      waiting.set(step, count);
    });
  const heap = new StepHeap();
  for (const step of all) if (waiting.get(step) === 0) heap.push(step);
  const ordered: Step[] = [];
  const release = (step: Step) => {
    const left = waiting.get(step)! - 1;
    waiting.set(step, left);
    if (left === 0) heap.push(step);
  };
  while (heap.size > 0) {
    const step = heap.pop();
    ordered.push(step);
    const following = next.get(step);
    if (following !== undefined) release(following);
    for (const dependent of dependents.get(step) ?? []) release(dependent);
  }
  if (ordered.length < all.length) {
    warnings.push(
      `${all.length - ordered.length} steps form a causal cycle (inconsistent traces): placed by their own time`,
    );
    const placed = new Set(ordered);
    ordered.push(...all.filter((step) => !placed.has(step)).sort((a, b) => a.t - b.t));
  }
  let time = -Infinity;
  for (const step of ordered) {
    time = Math.max(time, step.t);
    step.time = time;
  }
  return ordered;
}

// ---------------------------------------------------------------- building the trace

type EventHead = DistributiveOmit<TraceEvent, 'index' | 'time' | 'firstSent' | 'sentCount' | 'notes'> & {
  readonly stop?: string;
};
/** A stop reason kept in an event (the app shows it). */
const stopReasonMax = 200;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Merges parsed trace files into one trace; throws TraceMergeError naming the first bad line. */
export function mergeTraces(inputs: readonly TraceInput[]): MergedTrace {
  if (inputs.length === 0) throw new TraceMergeError('no trace files');
  const warnings: string[] = [];
  const incarnations = readInputs(inputs, warnings);
  if (incarnations.size === 0) throw new TraceMergeError('the trace files hold no events');

  // What every process was: its start line, how it ended, and whether a later incarnation follows.
  let replicas = 0;
  let stateMachine: StateMachineKind | null = null;
  let timing: Timing | null = null;
  const byNode = new Map<string, Incarnation[]>();
  for (const incarnation of incarnations.values()) {
    const list = byNode.get(nodeKey(incarnation.node)) ?? [];
    list.push(incarnation);
    byNode.set(nodeKey(incarnation.node), list);
    for (const step of incarnation.steps)
      for (const line of step.lines)
        if (line.kind === 'start') {
          replicas = line.replicas;
          if (line.stateMachine !== null) stateMachine = line.stateMachine;
          if (line.mode !== 'client') timing = line.timing;
        }
  }
  for (const list of byNode.values()) list.sort((a, b) => a.steps[0].t - b.steps[0].t);

  // A replica incarnation with a successor but no stop line was killed: give it a crash step.
  for (const list of byNode.values())
    list.forEach((incarnation, index) => {
      const last = incarnation.steps[incarnation.steps.length - 1];
      const ended = last.lines.some((line) => line.kind === 'stop' || line.kind === 'crash');
      if (!ended && index + 1 < list.length && typeof incarnation.node === 'number')
        incarnation.steps.push({
          file: incarnation.file,
          node: incarnation.node,
          inc: incarnation.inc,
          number: last.number + 1,
          t: last.t,
          lines: [],
          time: last.t,
        });
    });

  const ordered = orderSteps([...incarnations.values()], warnings);
  const origin = ordered.length === 0 ? 0 : ordered[0].time;
  const at = (step: Step) => round(step.time - origin);

  // Receives by wire id, and when each traced node was running.
  const receives = new Map<string, Step[]>();
  for (const step of ordered) {
    const head = step.lines[0];
    if (head?.kind === 'receive') {
      const list = receives.get(head.id) ?? [];
      list.push(step);
      receives.set(head.id, list);
    }
  }
  const lifetimes = new Map<string, { from: number; to: number; ended: boolean }[]>();
  const processes: MergedProcess[] = [];
  for (const [key, list] of byNode) {
    const spans = list.map((incarnation) => {
      const first = incarnation.steps[0];
      const last = incarnation.steps[incarnation.steps.length - 1];
      const start = incarnation.steps.flatMap((s) => s.lines).find((line) => line.kind === 'start');
      const endLine = last.lines.find((line) => line.kind === 'stop' || line.kind === 'crash');
      const end: MergedProcess['end'] =
        endLine?.kind === 'stop'
          ? 'stop'
          : endLine?.kind === 'crash'
            ? 'crash'
            : last.lines.length === 0
              ? 'killed'
              : 'unknown';
      processes.push({
        node: incarnation.node,
        incarnation: incarnation.inc,
        mode: start?.kind === 'start' ? start.mode : 'unknown',
        file: incarnation.file,
        pid: start?.kind === 'start' ? start.pid : null,
        startedAt: at(first),
        endedAt: at(last),
        end,
      });
      return { from: first.time, to: last.time, ended: end !== 'unknown' };
    });
    lifetimes.set(key, spans);
  }
  const runningAt = (node: NodeId, time: number): boolean =>
    (lifetimes.get(nodeKey(node)) ?? []).some(
      (span) => span.from <= time && (time <= span.to || !span.ended),
    );

  const events: MergedEvent[] = [];
  const messages: MergedMessage[] = [];
  const messageIdOf = new Map<string, number>();
  const pendingDelivers: { event: number; step: Step; wireId: string; duplicate: boolean }[] = [];
  const push = (time: number, head: EventHead, firstSent: number, sentCount: number, notes: Note[]) => {
    events.push({
      ...head,
      index: events.length,
      time,
      firstSent,
      sentCount,
      notes: notes.length === 0 ? null : notes,
    } as MergedEvent);
    return events.length - 1;
  };

  for (const step of ordered) {
    const time = at(step);
    const head = step.lines[0];
    const notes = step.lines.flatMap((line) => (line.kind === 'note' ? [line.note] : []));
    const sends = step.lines.filter(
      (line): line is Extract<TraceLine, { kind: 'send' }> => line.kind === 'send',
    );
    let eventHead: EventHead | null;
    if (head === undefined) {
      // A synthetic crash: the process was killed after its last line.
      eventHead = {
        kind: 'action',
        node: step.node,
        action: { at: time, type: 'crash', replica: step.node as number } satisfies Action,
      };
      notes.push({
        kind: 'info',
        text: `replica ${String(step.node)}'s process ended without a stop line (killed)`,
      });
    } else
      switch (head.kind) {
        case 'receive':
          eventHead = { kind: 'deliver', node: step.node, msgId: -1 };
          break;
        case 'timer':
          eventHead = { kind: 'timer', node: step.node, timer: head.timer };
          break;
        case 'submit':
          eventHead = { kind: 'workload', node: step.node, op: head.op };
          break;
        case 'start':
          eventHead =
            head.mode === 'recover'
              ? {
                  kind: 'action',
                  node: step.node,
                  action: { at: time, type: 'restart', replica: step.node as number },
                }
              : null;
          break;
        case 'stop':
          eventHead =
            typeof step.node === 'number'
              ? {
                  kind: 'action',
                  node: step.node,
                  action: { at: time, type: 'crash', replica: step.node },
                  stop: head.reason.slice(0, stopReasonMax),
                }
              : null;
          notes.push({ kind: 'info', text: `process stopped cleanly: ${head.reason}` });
          break;
        case 'crash':
          eventHead = { kind: 'crash-stop', node: step.node, error: head.error };
          break;
        default:
          eventHead = null; // conn lines, and any line that does not begin a step
      }
    if (eventHead === null) {
      if (sends.length > 0)
        warnings.push(
          `${step.file}: step ${step.number} of ${nodeKey(step.node)} sent messages but is not an event`,
        );
      continue;
    }
    const firstSent = messages.length;
    const index = push(time, eventHead, firstSent, sends.length, notes);
    if (head?.kind === 'receive') {
      const first = receives.get(head.id)![0] === step;
      pendingDelivers.push({ event: index, step, wireId: head.id, duplicate: !first });
    }
    const losses: MergedMessage[] = [];
    for (const send of sends) {
      const delivered = receives.get(send.id)?.[0];
      const traced = lifetimes.has(nodeKey(send.to));
      const id = messages.length;
      messageIdOf.set(send.id, id);
      const lost = delivered === undefined && traced;
      const record: MergedMessage = {
        id,
        from: step.node,
        to: send.to,
        message: send.message,
        sentAt: time,
        deliverAt: delivered === undefined ? time : at(delivered),
        lostAt: lost ? time : null,
        lossReason: lost ? (runningAt(send.to, step.time) ? 'network' : 'crashed') : null,
        duplicateOf: null,
        sentBy: index,
        wireId: send.id,
        observed: traced,
      };
      messages.push(record);
      if (lost) losses.push(record);
    }
    for (const record of losses)
      push(
        time,
        { kind: 'lose', node: record.to, msgId: record.id, reason: record.lossReason as LossReason },
        messages.length,
        0,
        [],
      );
  }

  // Deliveries: point each at its message; receives of untraced sends get a record of their own.
  for (const pending of pendingDelivers) {
    const head = pending.step.lines[0] as Extract<TraceLine, { kind: 'receive' }>;
    const time = at(pending.step);
    let id = messageIdOf.get(pending.wireId);
    if (id === undefined || pending.duplicate) {
      const original = id;
      id = messages.length;
      messages.push({
        id,
        from: head.from,
        to: pending.step.node,
        message: head.message as Message,
        sentAt: original === undefined ? time : messages[original].sentAt,
        deliverAt: time,
        lostAt: null,
        lossReason: null,
        duplicateOf: original ?? null,
        sentBy: original === undefined ? -1 : messages[original].sentBy,
        wireId: pending.wireId,
        observed: true,
      });
      if (original === undefined) messageIdOf.set(pending.wireId, id);
      else warnings.push(`message ${pending.wireId} was received more than once`);
    }
    const event = events[pending.event] as Extract<TraceEvent, { kind: 'deliver' }>;
    events[pending.event] = { ...event, msgId: id };
  }

  const endTime = events.length === 0 ? 0 : events[events.length - 1].time;
  processes.sort((a, b) => a.startedAt - b.startedAt);
  const merged: MergedTrace & TraceFileJson = {
    format: mergedTraceFormat,
    version: mergedTraceVersion,
    source: 'tcp',
    replicas,
    stateMachine,
    timing,
    origin: round(origin),
    originIso: new Date(origin).toISOString(),
    endTime,
    processes,
    events,
    messages,
    warnings,
  };
  return merged;
}

// ---------------------------------------------------------------- the command

const usage = `usage: sim merge-traces <trace.jsonl>... [--out run.json] [--pretty]
  merges the --trace files of a TCP cluster's replicas (and clients) into one trace JSON
  for the app; without --out it is printed on stdout
`;

export interface MergeIo extends CliIo {
  writeFile?(path: string, text: string): void;
}

export function mergeTracesCommand(args: string[], io: MergeIo): number {
  let files: string[];
  let out: string | null;
  let pretty: boolean;
  try {
    const { values, positionals } = parseCommandLine(
      args,
      { out: { type: 'string' }, pretty: { type: 'boolean' } },
      true,
    );
    if (positionals.length === 0) throw new UsageError('name the trace files to merge');
    files = positionals;
    out = values.out ?? null;
    pretty = values.pretty ?? false;
  } catch (error) {
    return usageExit(error, usage, io);
  }
  let merged: MergedTrace;
  try {
    const inputs = files.map((name) => {
      try {
        return { name, text: io.readFile(name, traceFileBytesMax) };
      } catch (error) {
        throw new TraceMergeError(`cannot read ${name}: ${(error as Error).message}`);
      }
    });
    merged = mergeTraces(inputs);
  } catch (error) {
    if (!(error instanceof TraceMergeError)) throw error;
    io.stderr(`merge-traces: ${error.message}\n`);
    return 2;
  }
  const text = `${JSON.stringify(merged, null, pretty ? 2 : undefined)}\n`;
  for (const warning of merged.warnings) io.stderr(`warning: ${warning}\n`);
  const unobserved = merged.messages.filter((m) => !m.observed).length;
  const lost = merged.messages.filter((m) => m.lostAt !== null).length;
  const summary =
    `merged ${files.length} file(s), ${merged.processes.length} process(es): ${merged.events.length} events, ` +
    `${merged.messages.length} messages (${lost} lost, ${unobserved} to untraced nodes) over ${(merged.endTime / 1000).toFixed(3)} s`;
  if (out === null) {
    io.stdout(text);
    io.stderr(`${summary}\n`);
    return 0;
  }
  try {
    (io.writeFile ?? ((path: string, data: string) => writeFileSync(path, data)))(out, text);
  } catch (error) {
    io.stderr(`cannot write ${out}: ${(error as Error).message}\n`);
    return 2;
  }
  io.stdout(`${summary} -> ${out}\n`);
  return 0;
}
