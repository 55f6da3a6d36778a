/** `npm run server -- --id N --peers ...`: one replica process. See replica-server.ts. */
import { parseArgs } from 'node:util';
import {
  parseIntegerOption,
  parsePeers,
  parseTimingScale,
  scaledTiming,
  stderrLog,
  UsageError,
} from './common.ts';
import { ReplicaServer } from './replica-server.ts';

const usage = `usage: npm run server -- --id N --peers HOST:PORT,HOST:PORT,... [options]
  --id N                  this replica's index in --peers (0-based)
  --peers LIST            every replica's address in replica order: the same list on every replica
  --state-machine kv|log  the replicated state machine (default kv)
  --trace FILE            append this replica's events to FILE as JSON lines (merge with
                          'npm run sim -- merge-traces')
  --tick-ms N             how often due protocol timers are fired (default 10)
  --recover               this process replaces a replica that crashed: it has lost its state and
                          rejoins through the recovery protocol with a fresh nonce. Without it the
                          replica starts fresh (view 0, empty log): right only when the whole
                          cluster starts together
  --timing-scale X        multiply every protocol timeout (default 1: heartbeat 100 ms, view change
                          500 ms, retries 200-700 ms)
  --verbose               log every protocol note, not only view changes, status changes and commits
`;

/** Exit code of a replica that stopped on a failed protocol assertion. */
const exitAssertion = 70;

interface ServerArgs {
  readonly id: number;
  readonly peers: ReturnType<typeof parsePeers>;
  readonly stateMachine: 'kv' | 'log';
  readonly tracePath: string | null;
  readonly tickMs: number;
  readonly recover: boolean;
  readonly timingScale: number;
  readonly verbose: boolean;
}

function parseServerArgs(argv: string[]): ServerArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        id: { type: 'string' },
        peers: { type: 'string' },
        'state-machine': { type: 'string' },
        trace: { type: 'string' },
        'tick-ms': { type: 'string' },
        recover: { type: 'boolean' },
        'timing-scale': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const peers = parsePeers(values.peers);
  if (values.id === undefined) throw new UsageError('--id is required');
  const id = parseIntegerOption('id', values.id, 0, peers.length - 1, 0);
  const stateMachine = values['state-machine'] ?? 'kv';
  if (stateMachine !== 'kv' && stateMachine !== 'log')
    throw new UsageError(`--state-machine must be kv or log, got '${stateMachine}'`);
  return {
    id,
    peers,
    stateMachine,
    tracePath: values.trace ?? null,
    tickMs: parseIntegerOption('tick-ms', values['tick-ms'], 1, 1000, 10),
    recover: values.recover ?? false,
    timingScale: parseTimingScale(values['timing-scale']),
    verbose: values.verbose ?? false,
  };
}

async function main(argv: string[]): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(error.message === '' ? usage : `${error.message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const log = stderrLog(`replica ${args.id}`);
  const server = new ReplicaServer({
    id: args.id,
    peers: args.peers,
    stateMachine: args.stateMachine,
    timing: scaledTiming(args.timingScale),
    tickMs: args.tickMs,
    mode: args.recover ? 'recover' : 'fresh',
    tracePath: args.tracePath,
    log,
    verbose: args.verbose,
    onCrash: () => process.exit(exitAssertion),
  });
  const shutdown = (reason: string) => {
    log(`stopping: ${reason}`);
    void server.stop(reason).then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Started by the cluster command (or a test): die with it, even if it is SIGKILLed.
  if (process.send !== undefined) process.once('disconnect', () => shutdown('the cluster command went away'));
  try {
    await server.start();
  } catch (error) {
    log(`cannot listen on ${server.address.host}:${server.address.port}: ${(error as Error).message}`);
    await server.stop('cannot listen');
    process.exit(1);
  }
  process.send?.({ kind: 'listening', replica: args.id, incarnation: server.incarnation, pid: process.pid });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`replica: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
