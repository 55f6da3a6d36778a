/**
 * One scenario judged by everything: the safety checkers after every event, liveness and quiet in
 * every fault-free stretch, and linearizability of the client history at the end. What fuzzing, shrinking and
 * the mutation tests run. Keeps no trace: the world has no journal, so memory stays flat.
 */
import type { Checker } from './checkers/checker.ts';
import { defaultCheckers } from './checkers/index.ts';
import type { CheckOptions } from './checkers/linearizability/index.ts';
import { runAndCheckLiveness, type LivenessResult } from './checkers/liveness.ts';
import { checkModelHistory, HistoryRecorder, type ModelHistory } from './history.ts';
import type { Scenario } from './scenario-types.ts';
import type { Violation } from './trace.ts';
import { World } from './world.ts';

export interface VerdictOptions {
  /** The safety checkers (default: defaultCheckers()). */
  readonly checkers?: readonly Checker[];
  readonly liveness?: boolean;
  readonly linearizability?: boolean;
  /** Stop once converged with no action left (fuzzing: nothing new can happen but heartbeats). */
  readonly stopWhenConverged?: boolean;
  /** For the linearizability search: a clock and a budget (src/sim reads no clock itself). */
  readonly lincheck?: CheckOptions;
}

export interface Verdict {
  readonly ok: boolean;
  /** Safety violations (the first one stops the run), then liveness, then linearizability. */
  readonly violations: Violation[];
  readonly events: number;
  readonly endTime: number;
  readonly liveness: LivenessResult | { readonly applicable: false; readonly reason: string };
  /** null: not checked (a safety violation came first). */
  readonly linearizable: boolean | 'unknown' | null;
}

export function checkScenario(scenario: Scenario, options: VerdictOptions = {}): Verdict {
  const world = new World(scenario, {
    checkers: [...(options.checkers ?? defaultCheckers()), new HistoryRecorder()],
  });
  let liveness: Verdict['liveness'];
  if (options.liveness === false) {
    world.runToEnd();
    liveness = { applicable: false, reason: 'not requested' };
  } else {
    liveness = runAndCheckLiveness(world, { runToEnd: false });
    const actionsLeft = world.nextAction < world.actions.length;
    if (actionsLeft || !(options.stopWhenConverged ?? false)) world.runToEnd();
  }
  const violations = world.violations.slice();
  if (violations.length === 0 && liveness.applicable && liveness.violation !== null)
    violations.push(liveness.violation);
  let linearizable: Verdict['linearizable'] = null;
  if (violations.length === 0 && (options.linearizability ?? true)) {
    const recorder = world.checkers.find((c): c is HistoryRecorder => c instanceof HistoryRecorder);
    if (recorder !== undefined) {
      const { history, result } = checkModelHistory(recorder.operations(), scenario, options.lincheck);
      linearizable = result.linearizable;
      if (result.linearizable === false)
        violations.push({
          checker: 'linearizability',
          time: world.now,
          event: world.eventCount - 1,
          message: `the client history is not linearizable: none of ${describeOps(history, result.illegal?.operations ?? [])} fits after ${result.illegal?.longestPrefix.length ?? 0} linearized operations`,
        });
    }
  }
  return {
    ok: violations.length === 0,
    violations,
    events: world.eventCount,
    endTime: world.now,
    liveness,
    linearizable,
  };
}

function describeOps(history: ModelHistory, indices: readonly number[]): string {
  const shown = indices.slice(0, 6).map((i) => {
    const op = history.ops[i];
    const end = op.return === Infinity ? '∞' : String(op.return);
    const text =
      history.kind === 'kv'
        ? history.model.describe(history.ops[i].input, history.ops[i].output)
        : history.model.describe(history.ops[i].input, history.ops[i].output);
    return `${op.client} ${text} [${op.call}..${end} ms]`;
  });
  return (
    shown.join('; ') + (indices.length > shown.length ? ` and ${indices.length - shown.length} more` : '')
  );
}
