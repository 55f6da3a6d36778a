/**
 * A brute-force linearizability checker for tiny histories: tries every order consistent with
 * real time, without memoisation or partitioning, so that it shares no cleverness with check.ts.
 * Used as the oracle in property tests.
 */
import type { Model, Operation } from './model.ts';

export const BRUTE_FORCE_LIMIT = 10;

export function bruteForceLinearizable<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
): boolean {
  if (ops.length > BRUTE_FORCE_LIMIT)
    throw new RangeError(`brute force is for at most ${BRUTE_FORCE_LIMIT} operations`);
  const placed = ops.map(() => false);

  const mayComeNext = (i: number): boolean =>
    ops.every((other, j) => placed[j] || j === i || !(other.return < ops[i].call));

  // Ops without a reply may be left out: they may never have taken effect.
  const done = (): boolean => ops.every((op, i) => placed[i] || op.return === Infinity);

  const search = (state: State): boolean => {
    if (done()) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i] || !mayComeNext(i)) continue;
      const result = model.step(state, ops[i].input, ops[i].output);
      if (!result.ok) continue;
      placed[i] = true;
      const found = search(result.state);
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };

  return search(model.init());
}
