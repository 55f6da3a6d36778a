/// <reference lib="webworker" />
/**
 * One fuzzing worker: runs swarm scenarios for seeds start, start + stride, ... with every checker,
 * reporting progress and stopping at the first failure (the main thread terminates it to stop).
 */
import { checkScenario } from '../../sim/verdict.ts';
import { swarmScenario } from '../../sim/swarm.ts';
import { checkFuzzJob, type FuzzReply } from './worker-messages.ts';

export type { FuzzJob, FuzzReply } from './worker-messages.ts';

const reportEveryMs = 200;
const scope = self as unknown as DedicatedWorkerGlobalScope;
// oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker's postMessage has no origin
const post = (reply: FuzzReply) => scope.postMessage(reply);

scope.addEventListener('message', (event: MessageEvent<unknown>) => {
  const job = checkFuzzJob(event.data);
  // A job this worker cannot read is an error in the page: say so (the page stops fuzzing).
  if (!job.ok) throw new Error(`fuzz worker: bad job: ${job.problem}`);
  const { start, stride, mutation } = job.value;
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
