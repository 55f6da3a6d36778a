/** The `sim` command line: run scenarios, check histories, fuzz seeds, shrink failures (sim-cli.ts runs it). */
import { writeFileSync } from 'node:fs';
import { readTextBounded } from './bounded-read.ts';
import { exploreCommand } from './explore-command.ts';
import { fuzzCommand } from './fuzz-command.ts';
import { runLincheck } from './lincheck-command.ts';
import { mergeTracesCommand } from './merge-traces.ts';
import { runCommand, type CliIo } from './run-command.ts';
import { shrinkCommand } from './shrink-command.ts';

const usage = `usage: sim <command> [options]        (sim <command> --help for its options)
  run <scenario.json|-> [--json] [--trace out.json]
                                     run one scenario with every checker
  fuzz [--seeds N] [--start S] [--replicas N] [--mutation M] [--workers W] [--json]
                                     run swarm scenarios of seeds S..S+N-1 with every checker,
                                     liveness and linearizability; stop at the first failure and
                                     print it with a #s= link for the app
  explore <scenario.json|-> --at T [--depth D] [--crashes K] [--network exact|set] [--workers W] [--json]
                                     explore every choice of the network from the state at T
                                     (breadth first, bounded); print a shortest counterexample
  shrink <scenario.json|-> [--out F] [--max-runs N]
                                     minimise a failing scenario while the same checker fails
  lincheck <file> [--format etcd|kv|trace] [--timeout S] [--json]
                                     check one client history for linearizability
  merge-traces <trace.jsonl>... [--out run.json] [--pretty]
                                     merge a TCP cluster's trace files into one trace
`;

export const nodeIo: CliIo = {
  readFile: (path, bytesMax) => readTextBounded(path, bytesMax),
  readStdin: (bytesMax) => readTextBounded(0, bytesMax),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

const writeFile = (path: string, text: string) => writeFileSync(path, text);

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'run':
      return runCommand(args, { ...nodeIo, writeFile });
    case 'fuzz':
      return fuzzCommand(args, nodeIo);
    case 'explore':
      return exploreCommand(args, nodeIo);
    case 'shrink':
      return shrinkCommand(args, { ...nodeIo, writeFile });
    case 'lincheck':
      return runLincheck(args, nodeIo);
    case 'merge-traces':
      return mergeTracesCommand(args, { ...nodeIo, writeFile });
    case '--help':
    case '-h':
    case 'help':
      nodeIo.stdout(usage);
      return 0;
    default:
      nodeIo.stderr(command === undefined ? usage : `unknown command '${command}'\n${usage}`);
      return 2;
  }
}
