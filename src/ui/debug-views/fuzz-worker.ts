/// <reference lib="webworker" />
/**
 * One fuzzing worker: runs swarm scenarios for seeds start, start + stride, ... with every checker,
 * reporting progress and stopping at the first failure (the main thread terminates it to stop).
 */
import type { Mutation } from '../../protocol/index.ts';
import { checkScenario } from '../../sim/checkers/verdict.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { Violation } from '../../sim/trace.ts';
import { swarmScenario } from '../../sim/swarm.ts';

export interface FuzzJob {
  readonly start: number;
  readonly stride: number;
  readonly mutation: Mutation;
}

export type FuzzReply =
  | { readonly kind: 'progress'; readonly done: number }
  | {
      readonly kind: 'failure';
      readonly seed: number;
      readonly scenario: Scenario;
      readonly violation: Violation;
    };

const reportEveryMs = 200;
const scope = self as unknown as DedicatedWorkerGlobalScope;
// oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker's postMessage has no origin
const post = (reply: FuzzReply) => scope.postMessage(reply);

scope.addEventListener('message', (event: MessageEvent<FuzzJob>) => {
  const { start, stride, mutation } = event.data;
  let done = 0;
  let last = performance.now();
  for (let seed = start; ; seed += stride) {
    const { scenario } = swarmScenario(seed, { mutation });
    const verdict = checkScenario(scenario, {
      stopWhenConverged: true,
      lincheck: { timeoutMs: 5000, now: () => performance.now() },
    });
    done++;
    if (!verdict.ok) {
      post({ kind: 'progress', done });
      post({ kind: 'failure', seed, scenario, violation: verdict.violations[0] });
      return;
    }
    const now = performance.now();
    if (now - last >= reportEveryMs) {
      post({ kind: 'progress', done });
      done = 0;
      last = now;
    }
  }
});
