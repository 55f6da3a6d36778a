/** The `sim` command line: run scenarios, check histories, fuzz seeds, shrink failures. */
import { readFileSync } from 'node:fs';
import { runCommand, type CliIo } from './run-command.ts';

const usage = `usage: sim <command> [options]
  run <scenario.json|-> [--json]     run one scenario with every checker
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
