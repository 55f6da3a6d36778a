/**
 * The explorer's breadth-first search, level by level, over any number of workers. It knows them
 * only as endpoints that take a request and answer it (worker-protocol.ts): Node worker threads,
 * browser Web Workers, or the in-process endpoint below.
 *
 * Breadth first, so the first level with a violation holds a shortest counterexample; of the
 * violating paths of that level the least (as a string) is reported, whatever the number of workers.
 */
import type { Scenario } from '../sim/scenario-types.ts';
import type { Violation } from '../sim/trace.ts';
import { replayPath, startWorld, pathScenario, type Counterexample, type ExploreJob } from './state-space.ts';
import type { Batch, FoundViolation } from './worker-core.ts';
import { handleToWorker, type FromWorker, type ToWorker, type WorkerState } from './worker-protocol.ts';

/** A worker as the coordinator sees it. `onProgress` hears its progress messages. */
export interface ExploreEndpoint {
  request(message: ToWorker): Promise<FromWorker>;
  terminate(): void;
}

/** A worker in this thread: the same handler, called directly. */
export function inProcessEndpoint(onProgress: (expanded: number) => void = () => {}): ExploreEndpoint {
  const state: WorkerState = { core: null };
  return {
    request(message) {
      let reply: FromWorker | null = null;
      handleToWorker(state, message, (answer) => {
        if (answer.type === 'progress') onProgress(answer.expanded);
        else reply = answer;
      });
      return Promise.resolve(reply!);
    },
    terminate() {
      state.core = null;
    },
  };
}

export interface ExploreProgress {
  /** The depth being expanded (its states are at this depth; successors one deeper). */
  readonly depth: number;
  /** Distinct states found so far (the start included). */
  readonly unique: number;
  /** Successor states generated (and checked) so far, duplicates included. */
  readonly generated: number;
  /** States waiting to be expanded at the next depth. */
  readonly frontier: number;
  readonly elapsedMs: number;
}

export interface ExploreResult {
  readonly verdict: 'ok' | 'violation' | 'stopped';
  /** Distinct states found and checked. */
  readonly states: number;
  readonly generated: number;
  /** The deepest level whose states were all checked. */
  readonly depth: number;
  /** True when no state was left to expand before the depth limit. */
  readonly exhausted: boolean;
  readonly counterexample: Counterexample | null;
  readonly elapsedMs: number;
}

export interface ExploreOptions {
  readonly onProgress?: (progress: ExploreProgress) => void;
  readonly stopped?: () => boolean;
  readonly now?: () => number;
}

class WorkerFailure extends Error {}

async function ask<T extends FromWorker['type']>(
  endpoint: ExploreEndpoint,
  message: ToWorker,
  type: T,
): Promise<Extract<FromWorker, { type: T }>> {
  const reply = await endpoint.request(message);
  if (reply.type === 'error') throw new WorkerFailure(reply.message);
  if (reply.type !== type)
    throw new WorkerFailure(`explorer worker answered ${reply.type} to ${message.type}`);
  return reply as Extract<FromWorker, { type: T }>;
}

/** The least violation by path, as a counterexample at `job`. */
function counterexampleOf(job: ExploreJob, found: readonly FoundViolation[]): Counterexample {
  const first = [...found].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))[0];
  const { world } = replayPath(startWorld(job), first.path);
  // The start broke no rule (or the path is empty): the first violation is the path's.
  const violation: Violation = world.violations[0] ?? {
    checker: first.checker,
    time: job.at,
    event: world.eventCount - 1,
    message: first.message,
  };
  const length = first.path === '' ? 0 : first.path.split(' ').length;
  const name = `${job.scenario.name}: ${violation.checker} in ${length} step${length === 1 ? '' : 's'} from ${job.at} ms`;
  const scenario: Scenario = pathScenario(job, first.path, name);
  return { path: first.path, length, violation, scenario };
}

/** Explores `job` breadth first on `endpoints` (one worker each). */
export async function explore(
  job: ExploreJob,
  endpoints: readonly ExploreEndpoint[],
  options: ExploreOptions = {},
): Promise<ExploreResult> {
  const now = options.now ?? (() => 0);
  const stopped = options.stopped ?? (() => false);
  const started = now();
  const count = endpoints.length;
  const readies = await Promise.all(
    endpoints.map((endpoint, index) =>
      ask(
        endpoint,
        {
          type: 'init',
          scenario: job.scenario,
          at: job.at,
          depth: job.depth,
          crashes: job.crashes,
          network: job.network ?? 'exact',
          index,
          count,
        },
        'ready',
      ),
    ),
  );
  const startViolation = readies[0].violation;
  let unique = 1;
  let generated = 0;
  let frontier = readies.reduce((sum, ready) => sum + ready.frontier, 0);
  const result = (
    verdict: ExploreResult['verdict'],
    depth: number,
    counterexample: Counterexample | null,
  ): ExploreResult => ({
    verdict,
    states: unique,
    generated,
    depth,
    exhausted: verdict === 'ok' && frontier === 0,
    counterexample,
    elapsedMs: now() - started,
  });
  if (startViolation !== null) return result('violation', 0, counterexampleOf(job, [startViolation]));
  for (let depth = 0; depth < job.depth; depth++) {
    if (frontier === 0) return result('ok', depth - 1, null);
    if (stopped()) return result('stopped', depth, null);
    options.onProgress?.({ depth, unique, generated, frontier, elapsedMs: now() - started });
    const expansions = await Promise.all(
      endpoints.map((endpoint) => ask(endpoint, { type: 'expand' }, 'expanded')),
    );
    const violations = expansions.flatMap((expansion) => expansion.violations);
    generated += expansions.reduce((sum, expansion) => sum + expansion.generated, 0);
    if (violations.length > 0) return result('violation', depth + 1, counterexampleOf(job, violations));
    const admitted = await Promise.all(
      endpoints.map((endpoint, owner) => {
        const batches: Batch[] = expansions.map((expansion) => expansion.batches[owner]);
        return ask(endpoint, { type: 'admit', batches }, 'admitted');
      }),
    );
    unique += admitted.reduce((sum, answer) => sum + answer.added, 0);
    frontier = admitted.reduce((sum, answer) => sum + answer.frontier, 0);
  }
  options.onProgress?.({ depth: job.depth, unique, generated, frontier, elapsedMs: now() - started });
  return result('ok', job.depth, null);
}

/** One sentence for a result: what was proven, or what was found. */
export function describeResult(result: ExploreResult, job: ExploreJob): string {
  const states = result.states.toLocaleString('en-US');
  if (result.verdict === 'stopped')
    return `stopped: no violation in ${states} states up to depth ${result.depth}`;
  if (result.counterexample !== null) {
    const { length, violation } = result.counterexample;
    return `violation: ${violation.checker} after ${length} choice${length === 1 ? '' : 's'} from ${job.at} ms (${states} states): ${violation.message}`;
  }
  return `no violation in ${states} states up to depth ${result.depth}${result.exhausted ? ' (every state reached: the search ended before its depth limit)' : ''}, with at most ${job.crashes} crash${job.crashes === 1 ? '' : 'es'}`;
}
