/**
 * `sim fuzz [--seeds N] [--start S] [--replicas N] [--mutation M] [--workers W] [--json]`: each seed
 * derives a swarm scenario (its own fault mix, written out as actions), run with every checker, then
 * liveness and linearizability. Worker threads split the seeds; the campaign stops at the first
 * failure and prints its seed and scenario. Always the lowest failing seed of the range, whatever the
 * number of workers: once one fails, the workers finish only the seeds below it.
 * A long campaign is sharded with --start: `--start 1 --seeds 1000000`, `--start 1000001 ...`.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isMutation, isValidClusterSize, mutations, type Mutation } from '../protocol/index.ts';
import { scenarioToJson } from '../scenario/schema.ts';
import { HelpRequested, parseCommandLine, usageExit, UsageError } from './args.ts';
import { failureLink } from './failure-link.ts';
import { checkScenario } from '../sim/checkers/verdict.ts';
import type { Scenario, Violation } from '../sim/index.ts';
import { swarmScenario } from '../sim/swarm.ts';
import type { CliIo } from './run-command.ts';

export interface FuzzOptions {
  readonly seeds: number;
  readonly start: number;
  readonly replicas?: number;
  readonly mutation: Mutation;
  readonly workers: number;
}

export interface FuzzFailure {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly violations: Violation[];
}

export interface FuzzReport {
  /** Seeds judged: all of them, or up to and including the failing one. */
  readonly seeds: number;
  readonly failures: FuzzFailure[];
  readonly ms: number;
}

/** A give-up time for one history's linearizability search (wall clock: this is Node). */
const lincheckTimeoutMs = 20_000;

/** Runs one seed; its failure, or null when every checker is content. */
export function fuzzSeed(seed: number, replicas: number | undefined, mutation: Mutation): FuzzFailure | null {
  const { scenario } = swarmScenario(seed, { replicas, mutation });
  const verdict = checkScenario(scenario, {
    stopWhenConverged: true,
    lincheck: { timeoutMs: lincheckTimeoutMs, now: () => performance.now() },
  });
  return verdict.ok ? null : { seed, scenario, violations: verdict.violations };
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'failure'; readonly index: number; readonly failure: FuzzFailure }
  | { readonly type: 'error'; readonly message: string };

export interface WorkerJob {
  readonly start: number;
  readonly seeds: number;
  /** This worker takes seed indices offset, offset + stride, ... */
  readonly offset: number;
  readonly stride: number;
  readonly replicas: number | undefined;
  readonly mutation: Mutation;
  /** Int32 [0]: seed indices from here on need not be run (the lowest failure found so far). */
  readonly limit: SharedArrayBuffer;
}

/** Lowers the shared limit to `index` unless it is already lower. */
export function lowerLimit(limit: Int32Array, index: number): void {
  for (;;) {
    const current = Atomics.load(limit, 0);
    if (current <= index || Atomics.compareExchange(limit, 0, current, index) === current) return;
  }
}

/** The worker's loop (also run in-process when a single worker is asked for). */
export function runJob(job: WorkerJob, post: (message: WorkerMessage) => void): void {
  const limit = new Int32Array(job.limit);
  let pending = 0;
  for (let index = job.offset; index < job.seeds; index += job.stride) {
    if (index >= Atomics.load(limit, 0)) break;
    const failure = fuzzSeed(job.start + index, job.replicas, job.mutation);
    pending++;
    if (failure !== null) {
      lowerLimit(limit, index);
      post({ type: 'progress', done: pending });
      post({ type: 'failure', index, failure });
      return;
    }
    if (pending === 16) {
      post({ type: 'progress', done: pending });
      pending = 0;
    }
  }
  if (pending > 0) post({ type: 'progress', done: pending });
}

/**
 * Starts fuzz-worker.ts in a thread. Node 20 does not apply `--import tsx` hooks to a worker's entry
 * module, so a two-line script loads tsx's API in the thread and imports the TypeScript through it.
 */
function startWorker(job: WorkerJob): Worker {
  // The ES module build of tsx's API (its CommonJS build cannot import TypeScript from a thread).
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  );
  const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api.href)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true, workerData: job });
}

/** Runs a campaign on `options.workers` threads. `progress` gets the number of seeds done so far. */
export async function runFuzz(
  options: FuzzOptions,
  progress: (done: number) => void = () => {},
  now: () => number = () => performance.now(),
): Promise<FuzzReport> {
  const started = now();
  const limitBuffer = new SharedArrayBuffer(4);
  const limit = new Int32Array(limitBuffer);
  limit[0] = options.seeds;
  const workers = Math.max(1, Math.min(options.workers, options.seeds));
  let done = 0;
  const failures: { index: number; failure: FuzzFailure }[] = [];
  const onMessage = (message: WorkerMessage): void => {
    if (message.type === 'progress') {
      done += message.done;
      progress(done);
    } else if (message.type === 'failure') failures.push(message);
    else throw new Error(message.message);
  };
  const job = (offset: number): WorkerJob => ({
    start: options.start,
    seeds: options.seeds,
    offset,
    stride: workers,
    replicas: options.replicas,
    mutation: options.mutation,
    limit: limitBuffer,
  });
  if (workers === 1) runJob(job(0), onMessage);
  else {
    await Promise.all(
      Array.from(
        { length: workers },
        (_, offset) =>
          new Promise<void>((resolve, reject) => {
            const worker = startWorker(job(offset));
            worker.on('message', (message: WorkerMessage) => {
              try {
                onMessage(message);
              } catch (error) {
                lowerLimit(limit, -1);
                reject(error);
              }
            });
            worker.on('error', (error) => {
              lowerLimit(limit, -1);
              reject(error);
            });
            worker.on('exit', () => resolve());
          }),
      ),
    );
  }
  failures.sort((a, b) => a.index - b.index);
  const first = failures[0];
  return {
    seeds: first === undefined ? options.seeds : first.index + 1,
    failures: first === undefined ? [] : [first.failure],
    ms: now() - started,
  };
}

const usage = `usage: sim fuzz [--seeds N] [--start S] [--replicas N] [--mutation M] [--workers W] [--json]
  --seeds N        how many seeds (default 1000)
  --start S        the first seed (default 1): shard a long campaign with it
  --replicas N     only clusters of N replicas (default: each seed picks)
  --mutation M     switch on one known-wrong rule: ${mutations.join(', ')}
  --workers W      worker threads (default: every core)
  --json           print {seeds, failures}; each failure with its seed, scenario, violations and link
The first failure is printed with its scenario and a #s= link: append it to the app's address.
exit status: 0 no violation, 1 a violation, 2 usage
`;

/** The options, one table: a new option is one line here and one reader below. */
const fuzzOptions = {
  seeds: { type: 'string' },
  start: { type: 'string' },
  replicas: { type: 'string' },
  mutation: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Parses fuzz arguments; an error sentence for bad ones. Throws HelpRequested for --help. */
export function parseFuzzArgs(args: readonly string[]): (FuzzOptions & { json: boolean }) | string {
  let values;
  try {
    ({ values } = parseCommandLine(args, fuzzOptions));
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  const integer = (name: string, text: string | undefined, min: number, max: number, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    return text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max
      ? value
      : `--${name} must be an integer from ${min} to ${max}, got ${text}`;
  };
  const seeds = integer('seeds', values.seeds, 1, 0x7fffffff, 1000);
  if (typeof seeds === 'string') return seeds;
  const start = integer('start', values.start, 0, 0xffffffff, 1);
  if (typeof start === 'string') return start;
  let replicas: number | undefined;
  if (values.replicas !== undefined) {
    replicas = Number(values.replicas);
    if (!isValidClusterSize(replicas))
      return `--replicas must be an odd number from 1 to 9, got ${values.replicas}`;
  }
  const mutation = values.mutation ?? 'none';
  if (!isMutation(mutation)) return `--mutation must be one of ${mutations.join(', ')}, got ${mutation}`;
  const workers = integer('workers', values.workers, 1, 256, availableParallelism());
  if (typeof workers === 'string') return workers;
  if (start + seeds - 1 > 0xffffffff) return `seeds ${start}..${start + seeds - 1} go beyond ${0xffffffff}`;
  return { seeds, start, replicas, mutation, workers, json: values.json ?? false };
}

export async function fuzzCommand(
  args: readonly string[],
  io: CliIo,
  now: () => number = () => performance.now(),
): Promise<number> {
  let options: ReturnType<typeof parseFuzzArgs>;
  try {
    options = parseFuzzArgs(args);
  } catch (error) {
    if (error instanceof HelpRequested) return usageExit(error, usage, io);
    throw error;
  }
  if (typeof options === 'string') return usageExit(new UsageError(options), usage, io);
  const range = `seeds ${options.start}..${options.start + options.seeds - 1}`;
  io.stderr(
    `fuzz: ${range}, mutation ${options.mutation}${options.replicas === undefined ? '' : `, ${options.replicas} replicas`}, ${options.workers} worker${options.workers === 1 ? '' : 's'}\n`,
  );
  const started = now();
  let lastReport = started;
  const report = await runFuzz(
    options,
    (done) => {
      const t = now();
      if (t - lastReport < 2000) return;
      lastReport = t;
      const rate = (done / (t - started)) * 1000;
      io.stderr(`fuzz: ${done}/${options.seeds} seeds, ${rate.toFixed(0)} seeds/s\n`);
    },
    now,
  );
  const rate = report.ms > 0 ? (report.seeds / report.ms) * 1000 : 0;
  if (options.json) {
    const failures = report.failures.map((f) => ({ ...f, link: failureLink(f.scenario, f.violations).link }));
    io.stdout(`${JSON.stringify({ seeds: report.seeds, failures })}\n`);
  }
  const failure = report.failures[0];
  if (failure === undefined) {
    io.stderr(`fuzz: ${report.seeds} seeds, no violation (${rate.toFixed(0)} seeds/s)\n`);
    if (!options.json) io.stdout(`ok: ${range}, mutation ${options.mutation}, no violation\n`);
    return 0;
  }
  io.stderr(`fuzz: seed ${failure.seed} fails (after ${report.seeds} seeds, ${rate.toFixed(0)} seeds/s)\n`);
  if (!options.json) {
    io.stdout(`FAIL seed ${failure.seed}\n`);
    for (const v of failure.violations) io.stdout(`  ${v.checker} at ${v.time} ms: ${v.message}\n`);
    io.stdout(`${failureLink(failure.scenario, failure.violations).line}\n`);
    io.stdout(`${scenarioToJson(failure.scenario)}\n`);
  }
  return 1;
}
