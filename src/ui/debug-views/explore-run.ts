/**
 * The page's side of an exploration: the explorer (src/explore) on Web Workers, one per core up to
 * four, each speaking worker-protocol.ts. No React here.
 */
import {
  explore,
  type ExploreEndpoint,
  type ExploreProgress,
  type ExploreResult,
} from '../../explore/coordinator.ts';
import type { ExploreJob } from '../../explore/state-space.ts';
import { checkFromWorker, type FromWorker, type ToWorker } from '../../explore/worker-protocol.ts';
import type { Scenario } from '../../sim/scenario-types.ts';

/** Workers an exploration starts: the cores but one, at least one, at most four. */
export function exploreWorkerCount(cores: number): number {
  return Math.max(1, Math.min(4, cores - 1));
}

/** The job for "explore from here": the state on screen at `time` (every event at or before it). */
export function jobAt(
  scenario: Scenario,
  time: number,
  depth: number,
  crashes: number,
  network: ExploreJob['network'],
): ExploreJob {
  const now = Math.floor(time);
  // Control comes at now + 1, before the events due then and after everything at `now` (as on screen);
  // actions later than the cursor are the future this exploration replaces.
  const actions = scenario.actions.filter((action) => action.at <= now);
  const until = Math.max(scenario.until, now + 1);
  return { scenario: { ...scenario, actions, until }, at: now + 1, depth, crashes, network };
}

function workerEndpoint(
  onProgress: (expanded: number) => void,
  onProblem: (problem: string) => void,
): ExploreEndpoint {
  const worker = new Worker(new URL('./explore-worker.ts', import.meta.url), { type: 'module' });
  let waiting: { resolve: (reply: FromWorker) => void; reject: (error: Error) => void } | null = null;
  const fail = (problem: string) => {
    onProblem(problem);
    const pending = waiting;
    waiting = null;
    pending?.reject(new Error(problem));
  };
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const reply = checkFromWorker(event.data);
    if (typeof reply === 'string') return fail(`an explore worker sent ${reply}`);
    if (reply.type === 'progress') return onProgress(reply.expanded);
    const pending = waiting;
    waiting = null;
    pending?.resolve(reply);
  });
  worker.addEventListener('error', (event) => fail(event.message || 'an explore worker failed'));
  return {
    request(message: ToWorker) {
      return new Promise<FromWorker>((resolve, reject) => {
        waiting = { resolve, reject };
        // oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker has no origin
        worker.postMessage(message);
      });
    },
    terminate() {
      worker.terminate();
    },
  };
}

export interface Exploration {
  readonly done: Promise<ExploreResult>;
  /**
   * Stops: after the depth being expanded if it ends within half a second, or else at once (the
   * workers are terminated, and the result counts what the last finished depth had checked).
   */
  stop(): void;
}

/** How long Stop waits for the depth being expanded to end before it terminates the workers. */
const stopGraceMs = 500;

export function startExploration(
  job: ExploreJob,
  workers: number,
  onProgress: (progress: ExploreProgress) => void,
  onExpanded: (expanded: number) => void,
  onProblem: (problem: string) => void,
): Exploration {
  let stopped = false;
  let last: ExploreProgress | null = null;
  let forceStop: (result: ExploreResult) => void = () => {};
  const forced = new Promise<ExploreResult>((resolve) => {
    forceStop = resolve;
  });
  const endpoints = Array.from({ length: workers }, () => workerEndpoint(onExpanded, onProblem));
  const searched = explore(job, endpoints, {
    onProgress: (progress) => {
      last = progress;
      onProgress(progress);
    },
    stopped: () => stopped,
    now: () => performance.now(),
  });
  const done = Promise.race([searched, forced]).finally(() => {
    for (const endpoint of endpoints) endpoint.terminate();
  });
  return {
    done,
    stop() {
      stopped = true;
      setTimeout(() => {
        const progress: ExploreProgress | null = last;
        forceStop({
          verdict: 'stopped',
          states: progress?.unique ?? 1,
          generated: progress?.generated ?? 0,
          depth: progress?.depth ?? 0,
          exhausted: false,
          counterexample: null,
          elapsedMs: progress?.elapsedMs ?? 0,
        });
      }, stopGraceMs);
    },
  };
}
