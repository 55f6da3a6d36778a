/**
 * What the three TCP mains (server, client, cluster) share on their command lines: option tables,
 * readers for the common options, and the wrapper that turns --help and usage errors into exit
 * codes (0 with usage on stdout, 2 with one line and usage on stderr).
 */
import type { StateMachineKind } from '../../protocol/index.ts';
import { choiceOption, HelpRequested, integerOption, numberOption, UsageError } from '../args.ts';
import { readSecretFile, type ClusterSecret } from './auth.ts';

/** Options every replica takes, whether started alone or by the cluster command. */
export const replicaOptions = {
  'state-machine': { type: 'string' },
  'tick-ms': { type: 'string' },
  'timing-scale': { type: 'string' },
  'secret-file': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

export const replicaOptionsUsage = `  --state-machine kv|log  the replicated state machine (default kv)
  --tick-ms N             how often due protocol timers are fired (default 10)
  --timing-scale X        multiply every protocol timeout (default 1: heartbeat 100 ms, view change
                          500 ms, retries 200-700 ms)
  --secret-file FILE      the cluster secret (at least 16 bytes, the same file on every replica):
                          replicas prove it to each other. Without it, replica connections are
                          accepted from loopback addresses only
  --verbose               log every protocol note, not only view changes, status changes and commits
`;

export interface ReplicaArgs {
  readonly stateMachine: StateMachineKind;
  readonly tickMs: number;
  readonly timingScale: number;
  readonly secretFile: string | null;
  readonly verbose: boolean;
}

export function readReplicaArgs(values: {
  readonly 'state-machine'?: string;
  readonly 'tick-ms'?: string;
  readonly 'timing-scale'?: string;
  readonly 'secret-file'?: string;
  readonly verbose?: boolean;
}): ReplicaArgs {
  return {
    stateMachine: choiceOption('state-machine', values['state-machine'], ['kv', 'log'], 'kv'),
    tickMs: integerOption('tick-ms', values['tick-ms'], 1, 1000, 10),
    timingScale: readTimingScale(values['timing-scale']),
    secretFile: values['secret-file'] ?? null,
    verbose: values.verbose ?? false,
  };
}

export function readTimingScale(text: string | undefined): number {
  return numberOption('timing-scale', text, 0.05, 100, 1);
}

/** The secret named by --secret-file (checked at start, so a bad file is a usage error), or null. */
export function loadSecret(path: string | null): ClusterSecret | null {
  return path === null ? null : readSecretFile(path);
}

/**
 * Runs a main: `parse` reads the arguments (throwing UsageError or HelpRequested), `run` does the
 * work and resolves with the exit code. Errors that are not usage errors print one line, exit 2.
 */
export function runMain<A>(
  name: string,
  usage: string,
  argv: readonly string[],
  parse: (argv: readonly string[]) => A,
  run: (args: A) => Promise<number>,
): void {
  let args: A;
  try {
    args = parse(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(usage);
      process.exitCode = 0;
      return;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  run(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `${name}: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(2);
    },
  );
}
