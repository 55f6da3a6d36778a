/**
 * What the simulator runs: a fully resolved scenario (every default filled in). The public JSON
 * format, its schema and defaults live in src/scenario; this is the shape after validation.
 */
import type {
  MessageType,
  Mutation,
  NodeId,
  RecoveryMode,
  ReplicaTimer,
  StateMachineKind,
  Timing,
} from '../protocol/index.ts';

export interface NetworkParams {
  readonly latencyMs: readonly [number, number];
  readonly dropRate: number;
  readonly duplicateRate: number;
}

export interface Workload {
  readonly requestsPerClient: number;
  readonly keys: number;
}

export type Action =
  | { readonly at: number; readonly type: 'request'; readonly client: number; readonly op: string }
  | { readonly at: number; readonly type: 'crash'; readonly replica: number }
  | { readonly at: number; readonly type: 'restart'; readonly replica: number }
  | { readonly at: number; readonly type: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly at: number; readonly type: 'heal' }
  | { readonly at: number; readonly type: 'cut'; readonly from: NodeId; readonly to: NodeId }
  | { readonly at: number; readonly type: 'mend'; readonly from: NodeId; readonly to: NodeId }
  | {
      readonly at: number;
      readonly type: 'drop';
      readonly from?: NodeId;
      readonly to?: NodeId;
      readonly message?: MessageType;
      readonly count?: number;
      /** Drop the message in flight with this id (instead of the next matching ones). */
      readonly id?: number;
    }
  | { readonly at: number; readonly type: 'duplicate'; readonly id: number }
  | {
      readonly at: number;
      readonly type: 'network';
      readonly latencyMs?: readonly [number, number];
      readonly dropRate?: number;
      readonly duplicateRate?: number;
    }
  | { readonly at: number; readonly type: 'timeout'; readonly replica: number }
  /**
   * A paused replica (a GC pause, a stopped VM) keeps its state; its timers fall due and its inbound
   * messages queue. On resume its overdue timers fire first, then the queued messages arrive in order.
   */
  | { readonly at: number; readonly type: 'pause'; readonly replica: number }
  | { readonly at: number; readonly type: 'resume'; readonly replica: number }
  /** §7: client `client` (default 0) asks for a new group, as a request naming the slots. */
  | {
      readonly at: number;
      readonly type: 'reconfigure';
      readonly client?: number;
      readonly replicas: readonly number[];
    }
  /** Sets every client's remaining random requests (0 stops the workload): our addition. */
  | { readonly at: number; readonly type: 'workload'; readonly requestsPerClient: number }
  /**
   * Controlled network mode (our addition, for exploration): from here on nothing is delivered and
   * no timer fires by itself, and the network drops and copies nothing at random. Only explicit
   * choices move the run: `deliver`, `drop {id}`, `duplicate {id}`, `fire`, crash and restart.
   */
  | { readonly at: number; readonly type: 'control' }
  /** The message in flight with this id arrives now (in any mode). */
  | { readonly at: number; readonly type: 'deliver'; readonly id: number }
  /** That replica's pending timer fires now, however far its deadline is (in any mode). */
  | { readonly at: number; readonly type: 'fire'; readonly replica: number; readonly timer: ReplicaTimer };

export type ActionType = Action['type'];

/** Every action type, in the order the scenario format lists them. */
export const actionTypes = [
  'request',
  'crash',
  'restart',
  'partition',
  'heal',
  'cut',
  'mend',
  'drop',
  'duplicate',
  'network',
  'timeout',
  'pause',
  'resume',
  'workload',
  'reconfigure',
] as const satisfies readonly ActionType[];

/**
 * The actions of controlled network mode, kept apart from actionTypes: the fuzzer never draws them,
 * so its coverage report does not list them as never fired.
 */
export const controlActionTypes = ['control', 'deliver', 'fire'] as const satisfies readonly ActionType[];
/** Replica slots of a scenario: its `slots`, or its first group's size (§7). */
export function slotCount(scenario: Pick<Scenario, 'replicas' | 'slots'>): number {
  return scenario.slots ?? scenario.replicas;
}

export interface Scenario {
  readonly version: 1;
  readonly name: string;
  readonly seed: number;
  readonly replicas: number;
  /**
   * §7: replica slots that may ever exist (absent: `replicas`). Slots beyond the first group start
   * as spares; a `reconfigure` action names any odd group of them.
   */
  readonly slots?: number;
  readonly clients: number;
  readonly stateMachine: StateMachineKind;
  readonly network: NetworkParams;
  readonly timing: Timing;
  readonly workload: Workload | null;
  readonly mutation: Mutation;
  /** The paper's recovery (§4.3) or recovery with crash vectors (crash-vector.ts). */
  readonly recovery: RecoveryMode;
  readonly until: number;
  readonly actions: readonly Action[];
}
