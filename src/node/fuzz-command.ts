/**
 * `sim fuzz`: each seed derives a swarm scenario (its own fault mix, written out as actions), run
 * with every checker, then liveness, quiet and linearizability. Worker threads split the seeds; the
 * campaign stops at the first failure and prints its seed, its scenario and a link. Always the
 * lowest failing seed of the range, whatever the number of workers: once one fails, the workers
 * finish only the seeds below it. Every campaign reports what it reached (coverage.ts). A long
 * campaign is split over machines with --shard K/N: the N shards cover exactly the seeds of the
 * unsharded run, each a contiguous range of them.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  faultsTolerated,
  isMutation,
  isRecoveryMode,
  isValidClusterSize,
  mutations,
  recoveryModeDefault,
  recoveryModes,
  type Mutation,
  type RecoveryMode,
} from '../protocol/index.ts';
import { scenarioToJson } from '../scenario/schema.ts';
import { HelpRequested, parseCommandLine, usageExit, UsageError } from './args.ts';
import { failureLink } from './failure-link.ts';
import { defaultCheckers } from '../sim/checkers/index.ts';
import { latencyMsMaxOf } from '../sim/checkers/liveness.ts';
import { checkScenario, type Verdict } from '../sim/verdict.ts';
import { CoverageCounts, CoverageRecorder, type CoverageData, type CoverageRow } from '../sim/coverage.ts';
import type { Scenario, Violation } from '../sim/index.ts';
import { swarmScenario, type SwarmScenario } from '../sim/swarm.ts';
import type { CliIo } from './run-command.ts';

export interface FuzzOptions {
  readonly seeds: number;
  readonly start: number;
  readonly replicas?: number;
  readonly mutation: Mutation;
  /** The paper's recovery or crash vectors (default). */
  readonly recovery?: RecoveryMode;
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
  /** What the seeds judged reached. */
  readonly coverage: CoverageCounts;
}

/** A give-up time for one history's linearizability search (wall clock: this is Node). */
const lincheckTimeoutMs = 20_000;

/** Runs one seed; its failure, or null when every checker is content. Counts what it reached into `coverage`. */
export function fuzzSeed(
  seed: number,
  replicas: number | undefined,
  mutation: Mutation,
  recovery: RecoveryMode = recoveryModeDefault,
  coverage: CoverageCounts = new CoverageCounts(),
): FuzzFailure | null {
  const swarm = swarmScenario(seed, { replicas, mutation, recovery });
  const scenario = swarm.scenario;
  const verdict = checkScenario(scenario, {
    checkers: [...defaultCheckers(), new CoverageRecorder(coverage)],
    stopWhenConverged: true,
    lincheck: { timeoutMs: lincheckTimeoutMs, now: () => performance.now() },
  });
  countFeatures(coverage, swarm, verdict);
  return verdict.ok ? null : { seed, scenario, violations: verdict.violations };
}

/** What kind of run a seed was, and what the run-level checks could judge. */
function countFeatures(
  coverage: CoverageCounts,
  { scenario, beyondFaultModel, pattern, reconfigurations }: SwarmScenario,
  verdict: Verdict,
): void {
  coverage.count('seeds');
  coverage.count(`${scenario.replicas} replicas`);
  coverage.count(`state machine ${scenario.stateMachine}`);
  const latency = latencyMsMaxOf(scenario);
  coverage.count(
    latency >= 1000
      ? 'links up to seconds'
      : latency >= 200
        ? 'links of 200 ms to 1 s'
        : 'links under 200 ms',
  );
  if (scenario.timing.viewChangeTimeoutMs < 2 * latency)
    coverage.count('view-change timeout below a round trip');
  const crashed = new Set(
    scenario.actions.filter((a) => a.type === 'crash').map((a) => (a.type === 'crash' ? a.replica : -1)),
  );
  if (crashed.size > faultsTolerated(scenario.replicas))
    coverage.count('more than f replicas crashed over the run');
  if (beyondFaultModel) coverage.count('beyond the fault model: f+1 down at once');
  if (pattern === 'forgotten-votes') coverage.count('opened with votes forgotten in a crash');
  if (reconfigurations > 0) coverage.count('reconfigured the group (§7)');
  if (reconfigurations > 1) coverage.count('reconfigured twice');
  const liveness = verdict.liveness;
  if (!liveness.applicable) coverage.count('liveness not judged');
  else {
    coverage.count('liveness judged');
    if ('windows' in liveness) {
      const judged = liveness.windows.filter((window) => window.applicable).length;
      if (judged > 1) coverage.count('liveness judged in more than one window');
      if (liveness.windows.some((window) => window.quietChecked)) coverage.count('quiet period watched');
    }
  }
  if (verdict.linearizable === true) coverage.count('history linearizable');
  else if (verdict.linearizable === 'unknown') coverage.count('linearizability search gave up');
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'failure'; readonly index: number; readonly failure: FuzzFailure }
  | { readonly type: 'coverage'; readonly coverage: CoverageData }
  | { readonly type: 'error'; readonly message: string };

export interface WorkerJob {
  readonly start: number;
  readonly seeds: number;
  /** This worker takes seed indices offset, offset + stride, ... */
  readonly offset: number;
  readonly stride: number;
  readonly replicas: number | undefined;
  readonly mutation: Mutation;
  readonly recovery: RecoveryMode;
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
  const coverage = new CoverageCounts();
  let pending = 0;
  for (let index = job.offset; index < job.seeds; index += job.stride) {
    if (index >= Atomics.load(limit, 0)) break;
    const failure = fuzzSeed(job.start + index, job.replicas, job.mutation, job.recovery, coverage);
    pending++;
    if (failure !== null) {
      lowerLimit(limit, index);
      post({ type: 'progress', done: pending });
      post({ type: 'coverage', coverage: coverage.toData() });
      post({ type: 'failure', index, failure });
      return;
    }
    if (pending === 16) {
      post({ type: 'progress', done: pending });
      pending = 0;
    }
  }
  if (pending > 0) post({ type: 'progress', done: pending });
  post({ type: 'coverage', coverage: coverage.toData() });
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
  const coverage = new CoverageCounts();
  const onMessage = (message: WorkerMessage): void => {
    if (message.type === 'progress') {
      done += message.done;
      progress(done);
    } else if (message.type === 'failure') failures.push(message);
    else if (message.type === 'coverage') coverage.add(message.coverage);
    else throw new Error(message.message);
  };
  const job = (offset: number): WorkerJob => ({
    start: options.start,
    seeds: options.seeds,
    offset,
    stride: workers,
    replicas: options.replicas,
    mutation: options.mutation,
    recovery: options.recovery ?? recoveryModeDefault,
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
    coverage,
  };
}

/**
 * Shard K of N of seeds start .. start + seeds - 1: a contiguous range, the N of them covering
 * every seed exactly once (the first shards take one more seed when N does not divide the count).
 */
export function shardRange(
  start: number,
  seeds: number,
  k: number,
  n: number,
): { start: number; seeds: number } {
  const from = Math.floor(((k - 1) * seeds) / n);
  const to = Math.floor((k * seeds) / n);
  return { start: start + from, seeds: to - from };
}

/** The coverage report: what never fired first, then the rarest; `all` for every row. */
export function coverageReport(coverage: CoverageCounts, all: boolean): string {
  const every = coverage.rows();
  const guards = every.filter((row) => row.kind === 'guard');
  const rows = every.filter((row) => row.kind !== 'guard');
  const never = rows.filter((row) => row.count === 0);
  const lines: string[] = [];
  const features = [...coverage.features].map(([name, count]) => `${name} ${count}`).join(', ');
  lines.push(`coverage: ${rows.length - never.length} of ${rows.length} paths reached (${features})`);
  const show = (row: CoverageRow) => `  ${String(row.count).padStart(9)}  ${row.kind.padEnd(7)}  ${row.name}`;
  if (never.length > 0) {
    lines.push(`never reached (${never.length}): a clean campaign proves nothing about these`);
    for (const row of never) lines.push(show(row));
  }
  const reached = rows.filter((row) => row.count > 0);
  lines.push(all ? 'reached, rarest first:' : 'rarest reached:');
  for (const row of all ? reached : reached.slice(0, 12)) lines.push(show(row));
  const guardHits = guards.filter((row) => row.count > 0);
  lines.push(
    `guards against forged or misrouted messages: ${guards.length - guardHits.length} of ${guards.length} never hit${guardHits.length === 0 ? '' : `; hit: ${guardHits.map((row) => `${row.name} (${row.count})`).join('; ')}`}`,
  );
  return `${lines.join('\n')}\n`;
}

const usage = `usage: sim fuzz [--seeds N] [--start S] [--shard K/N] [--replicas N] [--mutation M]
                [--recovery R] [--workers W] [--coverage all] [--json]
  --seeds N        how many seeds (default 1000)
  --start S        the first seed (default 1)
  --shard K/N      run only shard K (1..N) of those seeds: the N shards cover them exactly once
  --replicas N     only clusters of N replicas (default: each seed picks)
  --mutation M     switch on one known-wrong rule: ${mutations.join(', ')}
  --recovery R     ${recoveryModes.join(' or ')} (default ${recoveryModeDefault}): paper shows the recovery hole
  --workers W      worker threads (default: every core)
  --coverage all   list every path with its count, not only the ones never reached and the rarest
  --json           print {seeds, failures, coverage}; each failure with its seed, scenario, violations and link
The first failure is printed with its scenario and a #s= link: append it to the app's address.
Every campaign ends with what it reached (on stderr), paths never reached first.
exit status: 0 no violation, 1 a violation, 2 usage
`;

/** The options, one table: a new option is one line here and one reader below. */
const fuzzOptions = {
  seeds: { type: 'string' },
  start: { type: 'string' },
  shard: { type: 'string' },
  replicas: { type: 'string' },
  mutation: { type: 'string' },
  recovery: { type: 'string' },
  workers: { type: 'string' },
  coverage: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Parses fuzz arguments; an error sentence for bad ones. Throws HelpRequested for --help. */
export function parseFuzzArgs(
  args: readonly string[],
): (FuzzOptions & { json: boolean; shard: string | null; coverageAll: boolean }) | string {
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
  const recovery = values.recovery ?? recoveryModeDefault;
  if (!isRecoveryMode(recovery))
    return `--recovery must be one of ${recoveryModes.join(', ')}, got ${recovery}`;
  const workers = integer('workers', values.workers, 1, 256, availableParallelism());
  if (typeof workers === 'string') return workers;
  if (values.coverage !== undefined && values.coverage !== 'all')
    return `--coverage takes 'all', got ${values.coverage}`;
  if (start + seeds - 1 > 0xffffffff) return `seeds ${start}..${start + seeds - 1} go beyond ${0xffffffff}`;
  let range = { start, seeds };
  if (values.shard !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(values.shard);
    const k = Number(match?.[1]);
    const n = Number(match?.[2]);
    if (match === null || n < 1 || k < 1 || k > n || n > seeds)
      return `--shard must be K/N with 1 <= K <= N <= seeds (${seeds}), got ${values.shard}`;
    range = shardRange(start, seeds, k, n);
  }
  return {
    ...range,
    replicas,
    mutation,
    recovery,
    workers,
    json: values.json ?? false,
    shard: values.shard ?? null,
    coverageAll: values.coverage === 'all',
  };
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
    `fuzz: ${range}${options.shard === null ? '' : ` (shard ${options.shard})`}, mutation ${options.mutation}, recovery ${options.recovery}${options.replicas === undefined ? '' : `, ${options.replicas} replicas`}, ${options.workers} worker${options.workers === 1 ? '' : 's'}\n`,
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
  io.stderr(coverageReport(report.coverage, options.coverageAll));
  if (options.json) {
    const failures = report.failures.map((f) => ({ ...f, link: failureLink(f.scenario, f.violations).link }));
    const coverage = report.coverage.rows();
    io.stdout(
      `${JSON.stringify({ seeds: report.seeds, failures, coverage, features: Object.fromEntries(report.coverage.features) })}\n`,
    );
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
