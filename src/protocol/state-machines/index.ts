/** The state machines a scenario can run, by kind. */
import type { StateMachine, StateMachineKind } from '../state-machine.ts';
import { AppendLog } from './append-log.ts';
import { KeyValueStore } from './kv.ts';

export function createStateMachine(kind: StateMachineKind): StateMachine {
  return kind === 'kv' ? new KeyValueStore() : new AppendLog();
}

/** Validates an op's text for a state machine; returns an error sentence or null. */
export function validateOp(kind: StateMachineKind, op: string): string | null {
  return kind === 'kv' ? KeyValueStore.validate(op) : AppendLog.validate(op);
}

/** The verbs of an op for a state machine. */
export function commandsOf(kind: StateMachineKind): readonly string[] {
  return kind === 'kv' ? KeyValueStore.commands : AppendLog.commands;
}
