/**
 * What the linearizability checker needs to know about the object under test: a sequential
 * specification (init + step) and, optionally, how to split a history into independent parts.
 */

/** One client request: when it was called, when it returned, what it asked and what it got. */
export interface Operation<Input, Output> {
  readonly client: string | number;
  readonly input: Input;
  readonly output: Output;
  readonly call: number;
  /** Infinity when no reply was seen: the request may take effect any time after `call`, or never. */
  readonly return: number;
}

export type StepResult<State> = { readonly ok: true; readonly state: State } | { readonly ok: false };

/** The rejected step, shared so that models need not allocate one per call. */
export const ILLEGAL_STEP: StepResult<never> = { ok: false };

export interface Model<State, Input, Output> {
  /**
   * Split a history into independent sub-histories (e.g. one per key), each given as indices into
   * `ops`. A history is linearizable iff every part is, and small parts are much cheaper to check.
   */
  partition?(ops: readonly Operation<Input, Output>[]): number[][];
  init(): State;
  /** Apply `input` to `state`; `ok` is false when the object could not have answered `output`. */
  step(state: State, input: Input, output: Output): StepResult<State>;
  equal(a: State, b: State): boolean;
  /**
   * A memoisation key: equal states must give the same key. Different states may share a key
   * (`equal` tells them apart), but distinct keys keep the checker's caches fast.
   */
  hash(state: State): string | number;
  describe(input: Input, output: Output): string;
}
