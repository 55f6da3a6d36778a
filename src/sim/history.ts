/**
 * The client history of a run (invoke and return of every request), extracted from the trace for the
 * linearizability checker. Requests never answered have an unknown outcome.
 */
import { parseKvCommand, type Note } from '../protocol/index.ts';
import type { Checker } from './checkers/checker.ts';
import {
  checkOperations,
  kvModel,
  logModel,
  type CheckOptions,
  type CheckResult,
  type KvInput,
  type KvOutput,
  type LogInput,
  type LogOutput,
  type Model,
  type Operation,
} from './checkers/linearizability/index.ts';
import type { Scenario } from './scenario-types.ts';
import type { TraceEvent, TraceReader, Violation } from './trace.ts';
import type { WorldView } from './checkers/checker.ts';

export interface HistoryOperation {
  readonly client: string;
  readonly request: number;
  readonly op: string;
  readonly call: number;
  /** Infinity when no reply arrived: the op may or may not have taken effect. */
  readonly return: number;
  readonly result: string | null;
}

interface OpenCall {
  readonly client: string;
  readonly request: number;
  readonly op: string;
  readonly call: number;
}

/** Builds a history event by event (from a trace, or live as a checker). */
class HistoryBuilder {
  constructor(
    private open = new Map<string, OpenCall>(),
    private done: HistoryOperation[] = [],
  ) {}

  add(event: TraceEvent): void {
    const notes = event.notes;
    if (notes === null) return;
    for (const note of notes) this.addNote(note, event.time);
  }

  addNote(note: Note, time: number): void {
    if (note.kind === 'invoked')
      this.open.set(`${note.client}#${note.request}`, {
        client: note.client,
        request: note.request,
        op: note.op,
        call: time,
      });
    else if (note.kind === 'completed') {
      const key = `${note.client}#${note.request}`;
      const call = this.open.get(key);
      if (call === undefined) return;
      this.open.delete(key);
      this.done.push({ ...call, return: time, result: note.result });
    }
  }

  operations(): HistoryOperation[] {
    const out = this.done.slice();
    for (const call of this.open.values()) out.push({ ...call, return: Infinity, result: null });
    return out;
  }

  clone(): HistoryBuilder {
    return new HistoryBuilder(new Map(this.open), this.done.slice());
  }
}

export function extractHistory(trace: TraceReader): HistoryOperation[] {
  const builder = new HistoryBuilder();
  for (let index = 0; index < trace.eventCount; index++) {
    const count = trace.eventNoteCount(index);
    for (let nth = 0; nth < count; nth++)
      builder.addNote(trace.eventNote(index, nth), trace.eventTime(index));
  }
  return builder.operations();
}

/** Records the client history as the run goes, for runs that keep no trace (fuzzing). Never objects. */
export class HistoryRecorder implements Checker {
  readonly name = 'history';

  constructor(private builder = new HistoryBuilder()) {}

  afterEvent(_world: WorldView, event: TraceEvent): Violation | null {
    if (typeof event.node === 'string') this.builder.add(event);
    return null;
  }

  operations(): HistoryOperation[] {
    return this.builder.operations();
  }

  clone(): HistoryRecorder {
    return new HistoryRecorder(this.builder.clone());
  }
}

/** The history as operations of the key-value model: a get's output is what it read. */
export function kvOperations(history: readonly HistoryOperation[]): Operation<KvInput, KvOutput>[] {
  const out: Operation<KvInput, KvOutput>[] = [];
  for (const h of history) {
    const command = parseKvCommand(h.op);
    if (typeof command === 'string') continue; // refused by the state machine: no effect
    const input: KvInput =
      command.kind === 'get'
        ? { op: 'get', key: command.key, value: null }
        : { op: command.kind, key: command.key, value: command.value };
    out.push({ client: h.client, input, output: h.result, call: h.call, return: h.return });
  }
  return out;
}

/** The history as operations of the append-only log model: every reply is text to compare. */
export function logOperations(history: readonly HistoryOperation[]): Operation<LogInput, LogOutput>[] {
  const out: Operation<LogInput, LogOutput>[] = [];
  for (const h of history) {
    const [verb, ...rest] = h.op.trim().split(/\s+/);
    let input: LogInput;
    if (verb === 'append' && rest.length > 0) input = { op: 'append', value: rest.join(' ') };
    else if (verb === 'read' && rest.length === 1 && /^\d+$/.test(rest[0]))
      input = { op: 'read', position: Number(rest[0]) };
    else if (verb === 'len' && rest.length === 0) input = { op: 'len' };
    else continue; // refused by the state machine: no effect
    out.push({ client: h.client, input, output: h.result, call: h.call, return: h.return });
  }
  return out;
}

/** A history checked against one state machine's model: the operations and the model that judges them. */
export type ModelHistory =
  | {
      readonly kind: 'kv';
      readonly model: Model<unknown, KvInput, KvOutput>;
      readonly ops: Operation<KvInput, KvOutput>[];
    }
  | {
      readonly kind: 'log';
      readonly model: Model<unknown, LogInput, LogOutput>;
      readonly ops: Operation<LogInput, LogOutput>[];
    };

/** The scenario's state machine's model with the history as its operations. */
export function modelHistory(history: readonly HistoryOperation[], scenario: Scenario): ModelHistory {
  return scenario.stateMachine === 'kv'
    ? { kind: 'kv', model: kvModel as Model<unknown, KvInput, KvOutput>, ops: kvOperations(history) }
    : { kind: 'log', model: logModel as Model<unknown, LogInput, LogOutput>, ops: logOperations(history) };
}

/** Checks a history against the scenario's state machine. */
export function checkModelHistory(
  history: readonly HistoryOperation[],
  scenario: Scenario,
  options: CheckOptions = {},
): { readonly history: ModelHistory; readonly result: CheckResult } {
  const modelled = modelHistory(history, scenario);
  const result =
    modelled.kind === 'kv'
      ? checkOperations(modelled.model, modelled.ops, options)
      : checkOperations(modelled.model, modelled.ops, options);
  return { history: modelled, result };
}

/** Checks a history against the scenario's state machine (refused commands left out). */
export function checkHistory(
  history: readonly HistoryOperation[],
  scenario: Scenario,
  options: CheckOptions = {},
): CheckResult {
  return checkModelHistory(history, scenario, options).result;
}

/** Whether the run's client history is linearizable, or null when the search gave up. */
export function historyLinearizable(trace: TraceReader, scenario: Scenario): boolean | null {
  const { result } = checkModelHistory(extractHistory(trace), scenario);
  return result.linearizable === 'unknown' ? null : result.linearizable;
}
