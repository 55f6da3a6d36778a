/**
 * `sim shrink <file|-> [--out F] [--max-runs N]`: minimises a failing scenario while the same checker
 * still objects first, and prints the smallest scenario found (to F with --out; a summary on stderr).
 * Exit 0 when a scenario was written, 1 when the input passes every checker, 2 on bad input.
 */
import { parseScenario, scenarioToJson, ScenarioError } from '../scenario/schema.ts';
import { checkScenario } from '../sim/verdict.ts';
import type { Scenario, Violation } from '../sim/index.ts';
import { scenarioSize, shrinkScenario, type FailureTest } from '../sim/shrink.ts';
import { integerOption, parseCommandLine, usageExit, UsageError } from './args.ts';
import { failureLink } from './failure-link.ts';
import { readScenarioArg, type CliIo } from './run-command.ts';

export interface ShrinkIo extends CliIo {
  writeFile(path: string, text: string): void;
}

const usage = `usage: sim shrink <scenario.json|-> [--out F] [--max-runs N]
  minimises a failing scenario (a file, or - for stdin) while the same checker still objects first
  --out F          write the smallest scenario to F (default: stdout)
  --max-runs N     give up shrinking after N runs (default 2000)
It prints a #s= link of the result for the app on stderr.
exit status: 0 a scenario was written, 1 the input passes every checker, 2 bad input or usage
`;
const lincheckTimeoutMs = 20_000;

/** The first violation of a full check (safety, liveness, linearizability), or null. */
export function firstViolation(scenario: Scenario): Violation | null {
  const verdict = checkScenario(scenario, {
    stopWhenConverged: true,
    lincheck: { timeoutMs: lincheckTimeoutMs, now: () => performance.now() },
  });
  return verdict.violations[0] ?? null;
}

/** Fails when the first violation comes from `checker`. */
export function sameCheckerTest(checker: string): FailureTest {
  return (scenario) => {
    const found = firstViolation(scenario);
    return found !== null && found.checker === checker ? found : null;
  };
}

function describe(s: Scenario): string {
  const workload = s.workload === null ? 'no workload' : `${s.workload.requestsPerClient} requests/client`;
  return `${s.actions.length} actions, ${s.replicas} replicas, ${s.clients} clients, ${workload}, until ${s.until} ms, drop ${s.network.dropRate}, duplicate ${s.network.duplicateRate}, latency ${s.network.latencyMs[0]}-${s.network.latencyMs[1]} ms`;
}

export function shrinkCommand(args: readonly string[], io: ShrinkIo): number {
  let file: string;
  let out: string | null;
  let maxRuns: number;
  try {
    const { values, positionals } = parseCommandLine(
      args,
      { out: { type: 'string' }, 'max-runs': { type: 'string' } },
      true,
    );
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'name a scenario file, or - for stdin' : 'one scenario at a time',
      );
    file = positionals[0];
    out = values.out ?? null;
    maxRuns = integerOption('max-runs', values['max-runs'], 1, 10_000_000, 2000);
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
  const original = firstViolation(scenario);
  if (original === null) {
    io.stderr('the scenario passes every checker: nothing to shrink\n');
    return 1;
  }
  io.stderr(`shrink: ${original.checker} at ${original.time} ms: ${original.message}\n`);
  io.stderr(`shrink: from ${describe(scenario)}\n`);
  const result = shrinkScenario(scenario, sameCheckerTest(original.checker), {
    maxRuns,
    validate: (s) => parseScenario(JSON.parse(JSON.stringify(s))),
  });
  io.stderr(
    `shrink: to ${describe(result.scenario)} (${result.steps} steps, ${result.runs} runs, size ${scenarioSize(scenario).toFixed(0)} -> ${scenarioSize(result.scenario).toFixed(0)})\n`,
  );
  io.stderr(
    `shrink: still ${result.violation.checker} at ${result.violation.time} ms: ${result.violation.message}\n`,
  );
  io.stderr(`shrink: ${failureLink(result.scenario, [result.violation]).line}\n`);
  const json = `${scenarioToJson(result.scenario)}\n`;
  if (out === null) io.stdout(json);
  else {
    io.writeFile(out, json);
    io.stderr(`shrink: written to ${out}\n`);
  }
  return 0;
}
