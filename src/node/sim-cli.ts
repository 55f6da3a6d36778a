/** The `sim` command line: run scenarios, check histories, fuzz seeds, shrink failures. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fuzzCommand } from './fuzz-command.ts';
import { runLincheck } from './lincheck-command.ts';
import { mergeTracesCommand } from './merge-traces.ts';
import { runCommand, type CliIo } from './run-command.ts';
import { shrinkCommand } from './shrink-command.ts';

const usage = `usage: sim <command> [options]
  run <scenario.json|-> [--json]     run one scenario with every checker
  fuzz [--seeds N] [--start S] [--replicas N] [--mutation M] [--workers W] [--json]
                                     run swarm scenarios of seeds S..S+N-1 with every checker,
                                     liveness and linearizability; stop at the first failure
  shrink <scenario.json|-> [--out F] [--max-runs N]
                                     minimise a failing scenario while the same checker fails
  lincheck <file> [--format etcd|kv|trace] [--json]
                                     check one client history for linearizability
  merge-traces <trace.jsonl>... [--out run.json] [--pretty]
                                     merge a TCP cluster's trace files into one trace
`;

export const nodeIo: CliIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  readStdin: () => readFileSync(0, 'utf8'),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'run':
      return runCommand(args, nodeIo);
    case 'fuzz':
      return fuzzCommand(args, nodeIo);
    case 'shrink':
      return shrinkCommand(args, { ...nodeIo, writeFile: (path, text) => writeFileSync(path, text) });
    case 'lincheck':
      return runLincheck(args, nodeIo);
    case 'merge-traces':
      return mergeTracesCommand(args, { ...nodeIo, writeFile: (path, text) => writeFileSync(path, text) });
    default:
      nodeIo.stderr(command === undefined ? usage : `unknown command '${command}'\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
