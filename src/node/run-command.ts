/** `sim run <file|-> [--json] [--trace out.json]`: runs one scenario with every checker and prints its outcome. */
import { performance } from 'node:perf_hooks';
import { parseScenarioText, scenarioBytesMax, ScenarioError } from '../scenario/schema.ts';
import { traceJson } from '../scenario/trace-export.ts';
import { checkScenario } from '../sim/verdict.ts';
import { Run, summarizeClients, summarizeReplicas, type Scenario } from '../sim/index.ts';
import { integerOption, parseCommandLine, usageExit, UsageError } from './args.ts';

export interface CliIo {
  /** The file's text; refuses (throws) a file larger than `bytesMax` before reading it whole. */
  readFile(path: string, bytesMax: number): string;
  readStdin(bytesMax: number): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface RunIo extends CliIo {
  writeFile?(path: string, text: string): void;
  /** The heap in use, for the memory budget (default: this process's). */
  heapUsed?(): number;
}

/** Default budgets: far above any tour or swarm seed, far below what exhausts a laptop. */
export const runEventsMaxDefault = 10_000_000;
export const runHeapMbMaxDefault = 2048;

const usage = `usage: sim run <scenario.json|-> [--json] [--trace out.json] [--max-events N] [--max-heap-mb M]
  runs one scenario (a file, or - for stdin) with every checker and prints its outcome
  --json           print one JSON object (identical between runs of the same scenario)
  --trace FILE     also write the run's trace JSON to FILE: the app's Import opens it
  --max-events N   stop with exit status 4 past N events (default ${runEventsMaxDefault})
  --max-heap-mb M  stop with exit status 4 once the heap passes M MB (default ${runHeapMbMaxDefault})
exit status: 0 no violation, 1 a violation, 2 bad input or usage, 4 a budget ran out
`;

/** What a run may spend before it is stopped: legal scenarios can run for hours and take gigabytes. */
export interface RunBudget {
  readonly eventsMax: number;
  readonly heapBytesMax: number;
  /** The heap in use now (process.memoryUsage in the command line). */
  readonly heapUsed: () => number;
}

export class BudgetError extends Error {
  override name = 'BudgetError';
}

/** Events between budget checks, about: a check costs little, and a run stops soon after a budget. */
const eventsPerCheck = 50_000;

/**
 * Computes the run to its end in slices of virtual time, stopping with BudgetError when a budget
 * runs out. A slice doubles while it holds few events and halves when it holds many, so a run of
 * 1 ms timers is checked as often as a sparse run of a day.
 */
export function runWithin(run: Run, budget: RunBudget): void {
  const until = run.scenario.until;
  let time = 0;
  let slice = 1;
  while (time < until && !run.head.halted) {
    const before = run.head.eventCount;
    time = Math.min(until, time + slice);
    run.extendTo(time);
    slice = run.head.eventCount - before > eventsPerCheck ? Math.max(1, slice >> 1) : slice * 2;
    if (run.head.eventCount > budget.eventsMax)
      throw new BudgetError(
        `the run passed ${budget.eventsMax} events at ${run.head.now} ms of ${until} (raise --max-events, or shorten until)`,
      );
    if (budget.heapUsed() > budget.heapBytesMax)
      throw new BudgetError(
        `the run's memory passed ${Math.round(budget.heapBytesMax / 1024 / 1024)} MB at ${run.head.now} ms of ${until}, after ${run.head.eventCount} events (raise --max-heap-mb, or shorten until)`,
      );
  }
}
/** The app's Import takes traces up to this size (src/ui/share/import-export.ts). */
const appImportBytesMax = 16 * 1024 * 1024;

export interface RunOutcome {
  readonly ok: boolean;
  readonly violations: { checker: string; time: number; message: string }[];
  readonly endTime: number;
  readonly eventCount: number;
  readonly replicas: ReturnType<typeof summarizeReplicas>;
  readonly clients: ReturnType<typeof summarizeClients>;
  readonly linearizable: boolean | null;
}

/**
 * Runs a scenario to its end and summarises it; nothing in the result depends on the wall clock.
 * The verdict is the fuzzer's (safety, then liveness after the faults stop, then linearizability),
 * so a failure found by `sim fuzz` reproduces with `sim run`.
 */
export function runScenario(
  scenario: Scenario,
  onRun?: (run: Run) => void,
  budget: RunBudget = unlimited,
): RunOutcome {
  const run = new Run(scenario);
  runWithin(run, budget);
  onRun?.(run);
  const world = run.head;
  // A budget for the linearizability search, which is exponential on some bad histories.
  const verdict = checkScenario(scenario, { lincheck: { timeoutMs: 20_000, now: () => performance.now() } });
  return {
    ok: verdict.violations.length === 0,
    violations: verdict.violations.map((v) => ({ checker: v.checker, time: v.time, message: v.message })),
    endTime: world.now,
    eventCount: world.eventCount,
    replicas: summarizeReplicas(world),
    clients: summarizeClients(world),
    linearizable: verdict.linearizable === 'unknown' ? null : verdict.linearizable,
  };
}

const unlimited: RunBudget = { eventsMax: Infinity, heapBytesMax: Infinity, heapUsed: () => 0 };

/** Reads a scenario file (or stdin for '-'); a file over the scenario limit is never read whole. */
export function readScenarioArg(path: string, io: CliIo): Scenario {
  const text = path === '-' ? io.readStdin(scenarioBytesMax) : io.readFile(path, scenarioBytesMax);
  return parseScenarioText(text);
}

function printSummary(outcome: RunOutcome, io: CliIo): void {
  io.stdout(
    `${outcome.ok ? 'ok' : 'VIOLATION'}: ${outcome.eventCount} events, ended at ${outcome.endTime} ms\n`,
  );
  for (const v of outcome.violations) io.stdout(`  ${v.checker} at ${v.time} ms: ${v.message}\n`);
  for (const r of outcome.replicas)
    io.stdout(`  replica ${r.id}: ${r.status}, view ${r.view}, op ${r.opNumber}, commit ${r.commitNumber}\n`);
  for (const c of outcome.clients)
    io.stdout(`  client ${c.id}: sent ${c.sent}, completed ${c.completed}, pending ${c.pending}\n`);
  io.stdout(`  linearizable: ${outcome.linearizable === null ? 'not checked' : outcome.linearizable}\n`);
}

export function runCommand(args: string[], io: RunIo): number {
  let values: { json?: boolean; trace?: string; 'max-events'?: string; 'max-heap-mb'?: string };
  let file: string;
  let budget: RunBudget;
  try {
    const parsed = parseCommandLine(
      args,
      {
        json: { type: 'boolean' },
        trace: { type: 'string' },
        'max-events': { type: 'string' },
        'max-heap-mb': { type: 'string' },
      },
      true,
    );
    if (parsed.positionals.length !== 1)
      throw new UsageError(
        parsed.positionals.length === 0 ? 'name a scenario file, or - for stdin' : 'one scenario at a time',
      );
    values = parsed.values;
    file = parsed.positionals[0];
    budget = {
      eventsMax: integerOption(
        'max-events',
        values['max-events'],
        1,
        Number.MAX_SAFE_INTEGER,
        runEventsMaxDefault,
      ),
      heapBytesMax:
        integerOption('max-heap-mb', values['max-heap-mb'], 1, 1_048_576, runHeapMbMaxDefault) * 1024 * 1024,
      heapUsed: io.heapUsed ?? (() => process.memoryUsage().heapUsed),
    };
  } catch (error) {
    return usageExit(error, usage, io);
  }
  let scenario: Scenario;
  try {
    scenario = readScenarioArg(file, io);
  } catch (error) {
    if (error instanceof ScenarioError) io.stderr(`invalid scenario: ${error.message}\n`);
    else io.stderr(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  let trace: string | null = null;
  let outcome: RunOutcome;
  try {
    outcome = runScenario(
      scenario,
      (run) => {
        if (values.trace !== undefined) trace = traceJson(run, scenario);
      },
      budget,
    );
  } catch (error) {
    if (!(error instanceof BudgetError)) throw error;
    io.stderr(`budget exhausted: ${error.message}\n`);
    return 4;
  }
  if (values.json) io.stdout(`${JSON.stringify(outcome)}\n`);
  else printSummary(outcome, io);
  if (values.trace !== undefined && trace !== null) {
    const text: string = trace;
    try {
      if (io.writeFile === undefined) throw new Error('this command line cannot write files');
      io.writeFile(values.trace, text);
    } catch (error) {
      io.stderr(`cannot write ${values.trace}: ${(error as Error).message}\n`);
      return 2;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    io.stderr(
      `trace: ${bytes} bytes written to ${values.trace}${bytes > appImportBytesMax ? ` (the app imports traces up to ${appImportBytesMax} bytes: shorten the run's until)` : ''}\n`,
    );
  }
  return outcome.ok ? 0 : 1;
}
