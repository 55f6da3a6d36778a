/** `npm run server -- --id N --peers ... --new-cluster | --recover`: one replica process. See replica-server.ts. */
import { integerOption, parseCommandLine, UsageError } from '../args.ts';
import { isLoopback } from './auth.ts';
import type { ClusterSecret } from './auth.ts';
import {
  loadSecret,
  readReplicaArgs,
  replicaOptions,
  replicaOptionsUsage,
  runMain,
  type ReplicaArgs,
} from './cli.ts';
import { formatAddress, parsePeers, scaledTiming, stderrLog, type Address } from './common.ts';
import { ReplicaServer } from './replica-server.ts';

const usage = `usage: npm run server -- --id N --peers HOST:PORT,HOST:PORT,... (--new-cluster | --recover) [options]
  --id N                  this replica's index in --peers (0-based)
  --peers LIST            every replica's address in replica order: the same list on every replica
  --new-cluster           start a new, empty cluster (view 0, empty log) together with the other
                          replicas. Refused when replicas that hold state already run at these
                          addresses: a new cluster drops data, so it must be asked for
  --cluster-id ID         with --new-cluster: the new cluster's id, the same on every replica started
                          together (1-16 lowercase letters or digits; default: a random one, and the
                          replicas that start together agree on one). A replica that comes up after
                          the others with the same id joins them by recovery
  --recover               this process replaces a replica that crashed: it has lost its state and
                          rejoins its cluster through the recovery protocol with a fresh nonce
  --trace FILE            append this replica's events to FILE as JSON lines (merge with
                          'npm run sim -- merge-traces')
${replicaOptionsUsage}`;

/** Exit code of a replica that stopped on a failed protocol assertion. */
const exitAssertion = 70;
/** Exit code of a replica that refused to start (a new cluster beside one with state). */
const exitRefused = 78;

interface ServerArgs extends ReplicaArgs {
  readonly id: number;
  readonly peers: Address[];
  readonly tracePath: string | null;
  readonly recover: boolean;
  readonly clusterId: string | null;
  readonly secret: ClusterSecret | null;
}

function parseServerArgs(argv: readonly string[]): ServerArgs {
  const { values } = parseCommandLine(argv, {
    ...replicaOptions,
    id: { type: 'string' },
    peers: { type: 'string' },
    trace: { type: 'string' },
    'new-cluster': { type: 'boolean' },
    'cluster-id': { type: 'string' },
    recover: { type: 'boolean' },
  });
  const peers = parsePeers(values.peers);
  if (values.id === undefined) throw new UsageError('--id is required');
  const id = integerOption('id', values.id, 0, peers.length - 1, 0);
  if (values['new-cluster'] === values.recover)
    throw new UsageError(
      values.recover
        ? '--new-cluster and --recover exclude each other'
        : 'say --new-cluster (a new, empty cluster) or --recover (rejoin after losing state)',
    );
  const clusterId = values['cluster-id'];
  if (clusterId !== undefined && (!values['new-cluster'] || !/^[a-z0-9]{1,16}$/.test(clusterId)))
    throw new UsageError(
      values['new-cluster']
        ? `--cluster-id must be 1-16 lowercase letters or digits, got '${clusterId}'`
        : '--cluster-id names a new cluster: it goes with --new-cluster',
    );
  const replica = readReplicaArgs(values);
  const remote = peers.filter((address) => !isLoopback(address.host));
  if (replica.secretFile === null && remote.length > 0)
    throw new UsageError(
      `--peers names addresses that are not loopback (${remote.map(formatAddress).join(', ')}): replicas on other hosts must authenticate, give every replica --secret-file`,
    );
  return {
    ...replica,
    id,
    peers,
    tracePath: values.trace ?? null,
    recover: values.recover === true,
    clusterId: clusterId ?? null,
    secret: loadSecret(replica.secretFile),
  };
}

async function serve(args: ServerArgs): Promise<number> {
  const log = stderrLog(`replica ${args.id}`);
  const secret = args.secret;
  if (secret?.warning) log(`warning: ${secret.warning}`);
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    done = resolve;
  });
  const server = new ReplicaServer({
    id: args.id,
    peers: args.peers,
    stateMachine: args.stateMachine,
    timing: scaledTiming(args.timingScale),
    tickMs: args.tickMs,
    mode: args.recover ? 'recover' : 'fresh',
    clusterId: args.clusterId ?? undefined,
    tracePath: args.tracePath,
    log,
    secret: secret?.key ?? null,
    verbose: args.verbose,
    onCrash: () => done(exitAssertion),
    onRefusedStart: () => done(exitRefused),
  });
  const shutdown = (reason: string) => {
    log(`stopping: ${reason}`);
    void server.stop(reason).then(() => done(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Started by the cluster command (or a test): die with it, even if it is SIGKILLed.
  if (process.send !== undefined) process.once('disconnect', () => shutdown('the cluster command went away'));
  try {
    await server.start();
  } catch (error) {
    log(`cannot listen on ${formatAddress(server.address)}: ${(error as Error).message}`);
    await server.stop('cannot listen');
    return 1;
  }
  process.send?.({ kind: 'listening', replica: args.id, incarnation: server.incarnation, pid: process.pid });
  return finished;
}

runMain('replica', usage, process.argv.slice(2), parseServerArgs, serve);
