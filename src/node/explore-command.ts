/**
 * `sim explore <scenario.json|-> --at T --depth D --crashes K [--workers W] [--json]`: bounded
 * breadth-first model checking from the scenario's state at time T (src/explore). Exit status as
 * for `run`: 0 no violation, 1 a violation (a shortest counterexample, as a scenario and a link),
 * 2 bad input or usage.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  describeResult,
  explore,
  inProcessEndpoint,
  type ExploreEndpoint,
  type ExploreProgress,
  type ExploreResult,
} from '../explore/coordinator.ts';
import {
  exploreCrashesMax,
  exploreDepthMax,
  exploreNetworks,
  type ExploreJob,
  type ExploreNetwork,
} from '../explore/state-space.ts';
import type { FromWorker, ToWorker } from '../explore/worker-protocol.ts';
import { scenarioToJson, ScenarioError } from '../scenario/schema.ts';
import { choiceOption, integerOption, parseCommandLine, usageExit, UsageError } from './args.ts';
import { failureLink } from './failure-link.ts';
import { readScenarioArg, type CliIo } from './run-command.ts';

const workersMax = 64;

const usage = `usage: sim explore <scenario.json|-> --at T [--depth D] [--crashes K] [--network exact|set]
                   [--workers W] [--json]
  explores every choice of the network from the scenario's state at T ms: the delivery order of the
  messages in flight, dropping or duplicating any one, firing any pending timer early, up to K
  crashes (each may be followed by a restart), up to D choices deep; every state is checked by the
  safety checkers; states already seen are pruned by fingerprint (README: "Exploring")
  --at T           virtual ms: the scenario runs to T (its actions at T included), then the network
                   is controlled (required)
  --depth D        the longest path of choices, 1 to ${exploreDepthMax} (default 8)
  --crashes K      the most crashes on one path, 0 to ${exploreCrashesMax} (default 0)
  --network N      exact (default): each message in flight is delivered once, dropped or
                   duplicated, each a choice; set: every message sent stays available and a
                   choice delivers a copy (loss is never delivering it), which finds every
                   violation exact finds within the same depth and merges far more states
  --workers W      worker threads, 1 to ${workersMax} (default 1)
  --json           print one JSON object: { ok, verdict, states, generated, depth, exhausted,
                   counterexample: { length, checker, message, path, scenario } | null }
  progress goes to stderr; the result is the same whatever the number of workers
exit status: 0 no violation within the bound, 1 a violation, 2 bad input or usage
`;

/**
 * Starts explore-worker.ts in a thread. Node 20 does not apply `--import tsx` hooks to a worker's
 * entry module, so a two-line script loads tsx's API in the thread and imports it through it (as
 * fuzz-command.ts does).
 */
function threadEndpoint(onProgress: (expanded: number) => void): ExploreEndpoint {
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  );
  const entry = new URL('./explore-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api.href)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  const worker = new Worker(boot, { eval: true });
  let waiting: { resolve: (reply: FromWorker) => void; reject: (error: Error) => void } | null = null;
  worker.on('message', (reply: FromWorker) => {
    if (reply.type === 'progress') return onProgress(reply.expanded);
    const pending = waiting;
    waiting = null;
    pending?.resolve(reply);
  });
  worker.on('error', (error) => {
    const pending = waiting;
    waiting = null;
    pending?.reject(error);
  });
  return {
    request(message: ToWorker) {
      return new Promise<FromWorker>((resolve, reject) => {
        waiting = { resolve, reject };
        // oxlint-disable-next-line unicorn/require-post-message-target-origin -- a thread's port has no origin
        worker.postMessage(message);
      });
    },
    terminate() {
      void worker.terminate();
    },
  };
}

/** Explores `job` on `workers` threads (in this thread for one). */
export async function runExplore(
  job: ExploreJob,
  workers: number,
  onProgress: (progress: ExploreProgress) => void = () => {},
  stopped: () => boolean = () => false,
): Promise<ExploreResult> {
  const endpoints = Array.from({ length: workers }, () =>
    workers === 1 ? inProcessEndpoint() : threadEndpoint(() => {}),
  );
  try {
    return await explore(job, endpoints, { onProgress, stopped, now: () => performance.now() });
  } finally {
    for (const endpoint of endpoints) endpoint.terminate();
  }
}

interface ExploreArgs {
  readonly file: string;
  readonly at: number;
  readonly depth: number;
  readonly crashes: number;
  readonly workers: number;
  readonly network: ExploreNetwork;
  readonly json: boolean;
}

function parseExploreArgs(args: string[]): ExploreArgs {
  const { values, positionals } = parseCommandLine(
    args,
    {
      at: { type: 'string' },
      depth: { type: 'string' },
      crashes: { type: 'string' },
      workers: { type: 'string' },
      network: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? 'name a scenario file, or - for stdin' : 'one scenario at a time',
    );
  if (values.at === undefined) throw new UsageError('--at is required: the virtual ms to explore from');
  return {
    file: positionals[0],
    at: integerOption('at', values.at, 0, Number.MAX_SAFE_INTEGER, 0),
    depth: integerOption('depth', values.depth, 1, exploreDepthMax, 8),
    crashes: integerOption('crashes', values.crashes, 0, exploreCrashesMax, 0),
    workers: integerOption('workers', values.workers, 1, workersMax, 1),
    network: choiceOption('network', values.network, exploreNetworks, 'exact'),
    json: values.json === true,
  };
}

export async function exploreCommand(args: string[], io: CliIo): Promise<number> {
  let options: ExploreArgs;
  try {
    options = parseExploreArgs(args);
  } catch (error) {
    return usageExit(error, usage, io);
  }
  let job: ExploreJob;
  try {
    const scenario = readScenarioArg(options.file, io);
    if (options.at > scenario.until)
      throw new ScenarioError('', `--at ${options.at} is after the scenario's end (until ${scenario.until})`);
    job = {
      scenario,
      at: options.at,
      depth: options.depth,
      crashes: options.crashes,
      network: options.network,
    };
  } catch (error) {
    if (error instanceof ScenarioError) io.stderr(`invalid scenario: ${error.message}\n`);
    else io.stderr(`cannot read ${options.file}: ${(error as Error).message}\n`);
    return 2;
  }
  const result = await runExplore(job, options.workers, (progress) =>
    io.stderr(
      `depth ${progress.depth}: ${progress.unique} states, ${progress.generated} generated, frontier ${progress.frontier}, ${Math.round(progress.elapsedMs)} ms\n`,
    ),
  );
  const seconds = result.elapsedMs / 1000;
  io.stderr(
    `${result.generated} states generated, ${result.states} unique, in ${seconds.toFixed(1)} s (${Math.round(result.generated / Math.max(seconds, 1e-3))} states/s, ${options.workers} worker${options.workers === 1 ? '' : 's'})\n`,
  );
  const counterexample = result.counterexample;
  if (options.json) {
    io.stdout(
      `${JSON.stringify({
        ok: counterexample === null,
        verdict: result.verdict,
        states: result.states,
        generated: result.generated,
        depth: result.depth,
        exhausted: result.exhausted,
        counterexample:
          counterexample === null
            ? null
            : {
                length: counterexample.length,
                checker: counterexample.violation.checker,
                message: counterexample.violation.message,
                path: counterexample.path,
                scenario: counterexample.scenario,
              },
      })}\n`,
    );
  } else {
    io.stdout(`${describeResult(result, job)}\n`);
    if (counterexample !== null) {
      io.stdout(`${failureLink(counterexample.scenario, [counterexample.violation]).line}\n`);
      io.stdout(`${scenarioToJson(counterexample.scenario)}\n`);
    }
  }
  return counterexample === null ? 0 : 1;
}
