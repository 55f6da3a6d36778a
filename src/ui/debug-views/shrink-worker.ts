/// <reference lib="webworker" />
/**
 * Shrinks a failing scenario off the main thread: the same greedy shrinker as `sim shrink`, keeping
 * variants whose first violation comes from the same checker. Posts progress and the result.
 */
import { parseScenario } from '../../scenario/schema.ts';
import { checkScenario } from '../../sim/verdict.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { Violation } from '../../sim/trace.ts';
import { scenarioSize, shrinkScenario } from '../../sim/shrink.ts';
import { checkShrinkRequest, type ShrinkReply } from './worker-messages.ts';

export type { ShrinkReply, ShrinkRequest } from './worker-messages.ts';

function firstViolation(scenario: Scenario): Violation | null {
  const verdict = checkScenario(scenario, {
    stopWhenConverged: true,
    lincheck: { timeoutMs: 5000, now: () => performance.now() },
  });
  return verdict.violations[0] ?? null;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.addEventListener('message', (event: MessageEvent<unknown>) => {
  // oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker's postMessage has no origin
  const post = (reply: ShrinkReply) => scope.postMessage(reply);
  const request = checkShrinkRequest(event.data);
  if (!request.ok) {
    post({ kind: 'error', message: `bad request: ${request.problem}` });
    return;
  }
  const { scenario, checker, maxRuns } = request.value;
  try {
    let runs = 0;
    const result = shrinkScenario(
      scenario,
      (candidate) => {
        runs++;
        if (runs % 5 === 0) post({ kind: 'progress', runs, size: scenarioSize(candidate) });
        const found = firstViolation(candidate);
        return found !== null && found.checker === checker ? found : null;
      },
      {
        maxRuns,
        validate: (candidate) => parseScenario(JSON.parse(JSON.stringify(candidate))),
        onProgress: (smaller, count) => post({ kind: 'progress', runs: count, size: scenarioSize(smaller) }),
      },
    );
    post({ kind: 'done', scenario: result.scenario, violation: result.violation, runs: result.runs });
  } catch (error) {
    post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
