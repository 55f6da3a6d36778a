/** Form validation for the controls and settings, pure so it is unit-tested without a browser. */
import {
  clientsMax,
  commandsOf,
  replicasMax,
  validateOp,
  type Mutation,
  type RecoveryMode,
  type StateMachineKind,
} from '../protocol/index.ts';
import { check } from '../scenario/format.ts';
import { latencyMsMax, scenarioSchema } from '../scenario/schema.ts';

export { commandsOf };

export interface SettingsDraft {
  readonly replicas: string;
  readonly clients: string;
  readonly seed: string;
  readonly stateMachine: StateMachineKind;
  readonly workload: boolean;
  readonly mutation: Mutation;
  readonly recovery: RecoveryMode;
}

/** A form field as a number: blank is not zero. */
function numberOf(field: string): number {
  return field.trim() === '' ? Number.NaN : Number(field);
}

/**
 * The first problem with the settings as one sentence, or null. The rules are the scenario
 * format's own: the form only says them in its words.
 */
export function settingsProblem(draft: SettingsDraft): string | null {
  const replicas = numberOf(draft.replicas);
  const checked = check(scenarioSchema, {
    version: 1,
    replicas,
    clients: numberOf(draft.clients),
    seed: numberOf(draft.seed),
  });
  if (checked.ok) return null;
  switch (checked.path) {
    case 'replicas':
      return checked.rule.startsWith('must be an odd')
        ? `Cluster size must be odd (n = 2f + 1): ${replicas} replicas tolerate only ${(replicas - 2) / 2} failure${replicas === 4 ? '' : 's'}, the same as ${replicas - 1}; use ${replicas - 1} or ${replicas + 1}.`
        : `Cluster size must be a whole number from 1 to ${replicasMax}.`;
    case 'clients':
      return `Clients must be a whole number from 0 to ${clientsMax}.`;
    default:
      return 'The seed must be a whole number from 0 to 4294967295.';
  }
}

/** Which fields a command takes: a key (a position for `read`) and a value. */
export function commandFields(
  stateMachine: StateMachineKind,
  command: string,
): { key: boolean; value: boolean } {
  if (stateMachine === 'kv') return { key: true, value: command !== 'get' };
  return { key: command === 'read', value: command === 'append' };
}

export type RequestCheck = { readonly op: string } | { readonly error: string };

/** Builds and validates a client request from the form's fields. */
export function requestOp(
  stateMachine: StateMachineKind,
  clients: number,
  client: number,
  command: string,
  key: string,
  value: string,
): RequestCheck {
  if (clients === 0) return { error: 'This run has no clients: add some in Settings and start a new run.' };
  if (!Number.isInteger(client) || client < 0 || client >= clients)
    return { error: `Client c${client} does not exist in this run (it has ${clients}).` };
  if (!commandsOf(stateMachine).includes(command))
    return {
      error: `'${command}' is not a command of the ${stateMachine === 'kv' ? 'key-value store' : 'append log'}.`,
    };
  const fields = commandFields(stateMachine, command);
  if (fields.key && key.trim() === '')
    return { error: stateMachine === 'kv' ? 'The key must not be empty.' : 'Give a position to read.' };
  if (fields.key && /\s/.test(key.trim()))
    return { error: `The ${stateMachine === 'kv' ? 'key' : 'position'} must be one word, without spaces.` };
  if (fields.value && value.trim() === '') return { error: 'The value must not be empty.' };
  const op = [command, fields.key ? key.trim() : null, fields.value ? value.trim() : null]
    .filter((part) => part !== null)
    .join(' ');
  const problem = validateOp(stateMachine, op);
  return problem === null ? { op } : { error: `${problem}.` };
}

/** Validates the network form against the scenario format's latency rule. */
export function latencyProblem(min: string, max: string): string | null {
  const low = numberOf(min);
  const high = numberOf(max);
  const checked = check(scenarioSchema, { version: 1, network: { latencyMs: [low, high] } });
  if (checked.ok) return null;
  if (checked.path === 'network.latencyMs')
    return `The minimum latency (${low} ms) must not exceed the maximum (${high} ms).`;
  return `Latency must be whole milliseconds from 1 to ${latencyMsMax}.`;
}
