/**
 * `npm run cluster -- --replicas 3`: a whole local cluster as child processes, and a prompt to
 * break it: `kill N` (SIGKILL: a crash, state lost), `restart N` (a new process that recovers),
 * `status`, and the client commands (put, get, append...) through a built-in client. Ctrl-C (or
 * quit, or the end of a piped stdin) stops every process it started.
 */
import { createInterface, type Interface } from 'node:readline';
import { integerOption, parseCommandLine, UsageError } from '../args.ts';
import { loadSecret, readReplicaArgs, replicaOptions, replicaOptionsUsage, runMain } from './cli.ts';
import { clockLabel, formatAddress, printable, scaledTiming } from './common.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import {
  clientHelp,
  commandTimeoutMsDefault,
  formatStatus,
  runClientCommand,
  splitCommands,
} from './repl-commands.ts';
import { TcpClient } from './tcp-client.ts';
import type { StatusFrame } from './wire-schema.ts';

const usage = `usage: npm run cluster -- [options]
  --replicas N            replicas to start: 1, 3, 5, 7 or 9 (default 3)
  --host HOST             address to listen on (default 127.0.0.1; another needs --secret-file)
  --base-port P           replica i listens on P+i (default 7000; 0 picks free ports)
  --trace-dir DIR         each replica traces to DIR/replica-N.jsonl
  --timeout-ms N          give up on a client command after N ms (default 10000)
${replicaOptionsUsage}`;

const clusterHelp = `cluster commands:
  kill N         SIGKILL replica N: a crash, its state is lost
  restart N      start replica N again (killing it first if it runs): it rejoins by recovery,
                 which needs f+1 running replicas with their state: restart every replica and
                 none can recover (§4.3); start a new cluster instead
  status         the processes and what each replica reports
  sleep MS       wait (for scripts)
  quit           stop every replica and leave (also Ctrl-C, Ctrl-D)
${clientHelp}`;

interface ClusterArgs {
  readonly options: Omit<ClusterOptions, 'onOutput' | 'onExit'>;
  readonly timeoutMs: number;
}

function parseClusterArgs(argv: readonly string[]): ClusterArgs {
  const { values } = parseCommandLine(argv, {
    ...replicaOptions,
    replicas: { type: 'string' },
    host: { type: 'string' },
    'base-port': { type: 'string' },
    'trace-dir': { type: 'string' },
    'timeout-ms': { type: 'string' },
  });
  const replicas = integerOption('replicas', values.replicas, 1, 9, 3);
  if (replicas % 2 !== 1) throw new UsageError(`--replicas must be odd (1, 3, 5, 7 or 9), got ${replicas}`);
  const basePort = integerOption('base-port', values['base-port'], 0, 65535 - replicas, 7000);
  const replica = readReplicaArgs(values);
  loadSecret(replica.secretFile); // a bad secret file is a usage error here, not in every child
  return {
    options: {
      replicas,
      host: values.host ?? '127.0.0.1',
      ports: basePort === 0 ? undefined : Array.from({ length: replicas }, (_, i) => basePort + i),
      stateMachine: replica.stateMachine,
      traceDir: values['trace-dir'] ?? null,
      tickMs: replica.tickMs,
      timingScale: replica.timingScale,
      secretFile: replica.secretFile,
      verbose: replica.verbose,
    },
    timeoutMs: integerOption('timeout-ms', values['timeout-ms'], 1, 3_600_000, commandTimeoutMsDefault),
  };
}

/** Writes above the prompt without garbling what the person is typing (while no command runs). */
function printer(rl: Interface | null, commandRunning: () => boolean): (text: string) => void {
  return (text) => {
    if (rl === null || !process.stdout.isTTY || commandRunning()) return void process.stdout.write(text);
    process.stdout.write('\r\x1b[K');
    process.stdout.write(text);
    rl.prompt(true);
  };
}

/** How a replica process started, and, for a restarted one, whether it has recovered yet. */
export function processOrigin(mode: 'fresh' | 'recover', status: StatusFrame | null): string {
  if (mode === 'fresh') return 'started with the new cluster';
  if (status === null) return 'restarted, not answering';
  if (status.status === 'recovering' || status.status === 'starting') return 'restarted, still recovering';
  return 'restarted, recovered';
}

async function processStatus(cluster: Cluster, client: TcpClient): Promise<string> {
  const statuses = await client.status();
  const lines = cluster.processes.map((entry, replica) => {
    if (entry === null) return `  replica ${replica}: never started`;
    const state = entry.running ? `running, pid ${entry.pid}` : 'stopped';
    return `  replica ${replica}: ${state} (${processOrigin(entry.mode, entry.running ? statuses[replica] : null)})`;
  });
  return `${lines.join('\n')}\n${formatStatus(statuses, cluster.peers)}`;
}

function parseReplica(cluster: Cluster, text: string | undefined): number | string {
  const replica = Number(text);
  if (text === undefined || !Number.isInteger(replica) || replica < 0 || replica >= cluster.peers.length)
    return `name a replica from 0 to ${cluster.peers.length - 1}`;
  return replica;
}

async function runClusterCommand(
  cluster: Cluster,
  client: TcpClient,
  command: string,
  print: (text: string) => void,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<'ok' | 'quit'> {
  const [verb, arg] = command.split(' ');
  switch (verb) {
    case 'kill': {
      const replica = parseReplica(cluster, arg);
      if (typeof replica === 'string') return (void print(`${replica}\n`), 'ok');
      if (!cluster.isRunning(replica)) return (void print(`replica ${replica} is not running\n`), 'ok');
      await cluster.kill(replica);
      print(`killed replica ${replica} (SIGKILL): its state is lost\n`);
      return 'ok';
    }
    case 'restart': {
      const replica = parseReplica(cluster, arg);
      if (typeof replica === 'string') return (void print(`${replica}\n`), 'ok');
      const entry = await cluster.restart(replica).catch((error: Error) => error);
      if (entry instanceof Error) print(`restart failed: ${entry.message}\n`);
      else print(`restarted replica ${replica} (pid ${entry.pid}): recovering its state from the others\n`);
      return 'ok';
    }
    case 'status':
      print(await processStatus(cluster, client));
      return 'ok';
    case 'sleep': {
      const ms = Number(arg);
      if (!Number.isFinite(ms) || ms < 0 || ms > 600_000)
        return (void print('sleep takes milliseconds\n'), 'ok');
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'ok';
    }
    case 'help':
      print(clusterHelp);
      return 'ok';
    default:
      return (await runClientCommand(client, cluster.peers, command, print, false, timeoutMs, cancel)) ===
        'quit'
        ? 'quit'
        : 'ok';
  }
}

async function runCluster(args: ClusterArgs): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  let rl: Interface | null = null;
  let busy = false;
  const print = (text: string) => printer(rl, () => busy)(text);
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({
      ...args.options,
      onOutput: (_replica, line) => print(`${printable(line, true)}\n`),
      onExit: (replica, code, signal) =>
        print(`${clockLabel()} cluster: replica ${replica} exited (${signal ?? `code ${code}`})\n`),
    });
  } catch (error) {
    process.stderr.write(`cannot start the cluster: ${(error as Error).message}\n`);
    return 1;
  }
  const client = new TcpClient({ peers: cluster.peers, timing: scaledTiming(args.options.timingScale ?? 1) });
  await client.waitForConnections(cluster.peers.length, 5_000).catch(() => {});
  const peers = cluster.peersArg;
  print(
    [
      `cluster of ${cluster.peers.length} replicas (${args.options.stateMachine} state machine):`,
      ...cluster.processes.map(
        (entry, replica) =>
          `  replica ${replica} listens on ${formatAddress(cluster.peers[replica])} (pid ${entry?.pid})`,
      ),
      `connect a client:  npm run client -- --peers ${peers}`,
      ...(args.options.traceDir
        ? [
            `merge the traces:  npm run sim -- merge-traces ${cluster.peers.map((_, r) => cluster.tracePath(r)).join(' ')} --out run.json`,
          ]
        : []),
      `type help for commands; Ctrl-C stops everything`,
      '',
    ].join('\n'),
  );

  const stop = { requested: false };
  let finished: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });
  /** Stops everything once, whoever asks first (Ctrl-C, quit, the end of input, a signal). */
  const stopAll = (why: string): void => {
    if (stop.requested) return;
    stop.requested = true;
    print(`${clockLabel()} cluster: ${why}: stopping every replica\n`);
    rl?.close();
    void client
      .close()
      .then(() => cluster.stop())
      .then(() => finished(0));
  };
  process.once('SIGINT', () => stopAll('SIGINT'));
  process.once('SIGTERM', () => stopAll('SIGTERM'));

  rl = createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    prompt: 'cluster> ',
    terminal: interactive,
    historySize: 200,
  });
  const queue: string[] = [];
  let inputEnded = false;
  /** Set while a command runs: Ctrl-C or quit cancels it. */
  let running: AbortController | null = null;
  const drain = async () => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !stop.requested) {
      const command = queue.shift()!;
      running = new AbortController();
      const outcome = await runClusterCommand(
        cluster,
        client,
        command,
        print,
        args.timeoutMs,
        running.signal,
      );
      running = null;
      if (outcome === 'quit') return stopAll('quit');
    }
    busy = false;
    if (inputEnded) return stopAll('end of input');
    if (interactive) rl?.prompt();
  };
  rl.on('line', (line) => {
    const commands = splitCommands(line);
    // quit while a command waits: leave now, not after it.
    if (running !== null && commands.some((command) => /^(quit|exit)\b/.test(command))) {
      running.abort();
      return stopAll('quit');
    }
    queue.push(...commands);
    void drain();
  });
  rl.on('SIGINT', () => {
    if (running === null) return stopAll('Ctrl-C');
    queue.length = 0;
    running.abort();
  });
  rl.on('close', () => {
    inputEnded = true;
    if (!busy) stopAll('end of input');
  });
  if (interactive) rl.prompt();
  return done;
}

runMain('cluster', usage, process.argv.slice(2), parseClusterArgs, runCluster);
