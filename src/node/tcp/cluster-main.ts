/**
 * `npm run cluster -- --replicas 3`: a whole local cluster as child processes, and a prompt to
 * break it: `kill N` (SIGKILL: a crash, state lost), `restart N` (a new process that recovers),
 * `status`, and the client commands (put, get, append...) through a built-in client. Ctrl-C (or
 * quit, or the end of a piped stdin) stops every process it started.
 */
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  clockLabel,
  formatAddress,
  parseIntegerOption,
  parseTimingScale,
  scaledTiming,
  UsageError,
} from './common.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { clientHelp, formatStatus, runClientCommand, splitCommands } from './repl-commands.ts';
import { TcpClient } from './tcp-client.ts';

const usage = `usage: npm run cluster -- [options]
  --replicas N            replicas to start: 1, 3, 5, 7 or 9 (default 3)
  --host HOST             address to listen on (default 127.0.0.1)
  --base-port P           replica i listens on P+i (default 7000; 0 picks free ports)
  --state-machine kv|log  the replicated state machine (default kv)
  --trace-dir DIR         each replica traces to DIR/replica-N.jsonl
  --tick-ms N             replica timer resolution (default 10)
  --timing-scale X        multiply every protocol timeout (default 1)
  --verbose               replicas log every protocol note
`;

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
}

function parseClusterArgs(argv: string[]): ClusterArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        replicas: { type: 'string' },
        host: { type: 'string' },
        'base-port': { type: 'string' },
        'state-machine': { type: 'string' },
        'trace-dir': { type: 'string' },
        'tick-ms': { type: 'string' },
        'timing-scale': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const replicas = parseIntegerOption('replicas', values.replicas, 1, 9, 3);
  if (replicas % 2 !== 1) throw new UsageError(`--replicas must be odd (1, 3, 5, 7 or 9), got ${replicas}`);
  const basePort = parseIntegerOption('base-port', values['base-port'], 0, 65535 - replicas, 7000);
  const stateMachine = values['state-machine'] ?? 'kv';
  if (stateMachine !== 'kv' && stateMachine !== 'log')
    throw new UsageError(`--state-machine must be kv or log, got '${stateMachine}'`);
  return {
    options: {
      replicas,
      host: values.host ?? '127.0.0.1',
      ports: basePort === 0 ? undefined : Array.from({ length: replicas }, (_, i) => basePort + i),
      stateMachine,
      traceDir: values['trace-dir'] ?? null,
      tickMs: parseIntegerOption('tick-ms', values['tick-ms'], 1, 1000, 10),
      timingScale: parseTimingScale(values['timing-scale']),
      verbose: values.verbose ?? false,
    },
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

async function processStatus(cluster: Cluster, client: TcpClient): Promise<string> {
  const lines = cluster.processes.map((entry, replica) => {
    if (entry === null) return `  replica ${replica}: never started`;
    const state = entry.running ? `running, pid ${entry.pid}` : 'stopped';
    return `  replica ${replica}: ${state} (${entry.mode === 'fresh' ? 'started fresh' : 'restarted, recovered'})`;
  });
  return `${lines.join('\n')}\n${formatStatus(await client.status(), cluster.peers)}`;
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
      return (await runClientCommand(client, cluster.peers, command, print, false, null)) === 'quit'
        ? 'quit'
        : 'ok';
  }
}

async function main(argv: string[]): Promise<number> {
  let args: ClusterArgs;
  try {
    args = parseClusterArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(error.message === '' ? usage : `${error.message}\n${usage}`);
    return 2;
  }
  const interactive = process.stdin.isTTY === true;
  let rl: Interface | null = null;
  let busy = false;
  const print = (text: string) => printer(rl, () => busy)(text);
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({
      ...args.options,
      onOutput: (_replica, line) => print(`${line}\n`),
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
  const drain = async () => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !stop.requested) {
      const command = queue.shift()!;
      if ((await runClusterCommand(cluster, client, command, print)) === 'quit') return stopAll('quit');
    }
    busy = false;
    if (inputEnded) return stopAll('end of input');
    if (interactive) rl?.prompt();
  };
  rl.on('line', (line) => {
    queue.push(...splitCommands(line));
    void drain();
  });
  rl.on('SIGINT', () => stopAll('Ctrl-C'));
  rl.on('close', () => {
    inputEnded = true;
    if (!busy) stopAll('end of input');
  });
  if (interactive) rl.prompt();
  return done;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
