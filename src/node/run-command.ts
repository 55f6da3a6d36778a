/** `sim run <file|-> [--json]`: runs one scenario with every checker and prints its outcome. */
import { parseScenarioText, ScenarioError } from '../scenario/schema.ts';
import { Run, summarizeClients, summarizeReplicas, type Scenario } from '../sim/index.ts';
import { performance } from 'node:perf_hooks';
import { checkScenario } from '../sim/checkers/verdict.ts';

export interface CliIo {
  readFile(path: string): string;
  readStdin(): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

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
export function runScenario(scenario: Scenario): RunOutcome {
  const run = new Run(scenario);
  run.extendTo(scenario.until);
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

export function readScenarioArg(path: string, io: CliIo): Scenario {
  const text = path === '-' ? io.readStdin() : io.readFile(path);
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

export function runCommand(args: string[], io: CliIo): number {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1 || files[0].startsWith('--')) {
    io.stderr('usage: sim run <scenario.json|-> [--json]\n');
    return 2;
  }
  let scenario: Scenario;
  try {
    scenario = readScenarioArg(files[0], io);
  } catch (error) {
    if (error instanceof ScenarioError) io.stderr(`invalid scenario: ${error.message}\n`);
    else io.stderr(`cannot read ${files[0]}: ${(error as Error).message}\n`);
    return 2;
  }
  const outcome = runScenario(scenario);
  if (json) io.stdout(`${JSON.stringify(outcome)}\n`);
  else printSummary(outcome, io);
  return outcome.ok ? 0 : 1;
}
