/**
 * `npm run client -- --peers ...`: a REPL for a TCP cluster (put k v, get k, append k v, status,
 * quit; the log state machine's append V, read I, len), with line editing and history. With
 * `--exec "put x 1; get x"`, or with commands on a non-terminal stdin, it runs them in order, prints
 * each result and exits: 0 when every command got an answer that is not an error, 1 otherwise.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { integerOption, parseCommandLine, UsageError } from '../args.ts';
import { readTimingScale, runMain } from './cli.ts';
import { parsePeers, scaledTiming, stderrLog, type Address } from './common.ts';
import { commandTimeoutMsDefault, runClientCommand, splitCommands } from './repl-commands.ts';
import { TcpClient } from './tcp-client.ts';
import { clientIdPattern } from './wire-schema.ts';

const usage = `usage: npm run client -- --peers HOST:PORT,HOST:PORT,... [options]
  --peers LIST            every replica's address, in replica order
  --id N                  be client cN (default: a random 64-bit id that no other connection can take
                          over). A restarted client that reuses an id numbers its requests from the
                          wall clock, above its predecessor's
  --exec "CMD; CMD"       run these commands, print each result, exit
  --timeout-ms N          give up on a command after N ms: its outcome is unknown (default 10000)
  --trace FILE            append this client's events to FILE as JSON lines
  --timing-scale X        multiply the retry timeout (default 1: 700 ms)
  --verbose               log connections and retries on stderr
Without --exec, commands come from stdin when it is not a terminal, else from an interactive prompt
(Ctrl-C cancels a command that waits for its answer; Ctrl-C at the prompt, quit or Ctrl-D leaves).
`;

interface ClientArgs {
  readonly peers: Address[];
  readonly id: string | null;
  readonly exec: string | null;
  readonly timeoutMs: number;
  readonly tracePath: string | null;
  readonly timingScale: number;
  readonly verbose: boolean;
}

function parseClientArgs(argv: readonly string[]): ClientArgs {
  const { values } = parseCommandLine(argv, {
    peers: { type: 'string' },
    id: { type: 'string' },
    exec: { type: 'string' },
    'timeout-ms': { type: 'string' },
    trace: { type: 'string' },
    'timing-scale': { type: 'string' },
    verbose: { type: 'boolean' },
  });
  let id: string | null = null;
  if (values.id !== undefined) {
    id = /^\d+$/.test(values.id) ? `c${values.id}` : values.id;
    if (!clientIdPattern.test(id))
      throw new UsageError(`--id must be a number like 7 (client c7), got '${values.id}'`);
  }
  return {
    peers: parsePeers(values.peers),
    id,
    exec: values.exec ?? null,
    timeoutMs: integerOption('timeout-ms', values['timeout-ms'], 1, 3_600_000, commandTimeoutMsDefault),
    tracePath: values.trace ?? null,
    timingScale: readTimingScale(values['timing-scale']),
    verbose: values.verbose ?? false,
  };
}

async function runBatch(
  client: TcpClient,
  args: ClientArgs,
  commands: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const print = (text: string) => void process.stdout.write(text);
  let failed = false;
  for await (const command of commands) {
    const outcome = await runClientCommand(client, args.peers, command, print, true, args.timeoutMs);
    if (outcome === 'quit') break;
    if (outcome === 'failed') failed = true;
  }
  return failed ? 1 : 0;
}

/** Commands from a piped stdin, as the lines arrive. */
async function* stdinCommands(): AsyncGenerator<string> {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity }))
    yield* splitCommands(line);
}

const historyFile = join(homedir(), '.vsr-scope-client-history');
const historyMax = 500;

function loadHistory(): string[] {
  try {
    return readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).slice(-historyMax).toReversed();
  } catch {
    return [];
  }
}

async function runInteractive(client: TcpClient, args: ClientArgs): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'vsr> ',
    history: loadHistory(),
    historySize: historyMax,
    removeHistoryDuplicates: true,
  });
  const print = (text: string) => void process.stdout.write(text);
  const connected = client.connectedReplicas().length;
  print(
    `client ${client.id}: connected to ${connected} of ${client.replicaCount} replicas` +
      `${client.stateMachine === null ? '' : ` (${client.stateMachine} state machine)`}. Type help for commands.\n`,
  );
  rl.prompt();
  const lines: string[] = [];
  /** Set while a command runs: Ctrl-C or quit cancels it. */
  let running: AbortController | null = null;
  const state = { quitting: false };
  return new Promise<number>((resolve) => {
    const finish = () => {
      state.quitting = true;
      running?.abort();
      rl.close();
      resolve(0);
    };
    const drain = async () => {
      if (running !== null) return;
      while (lines.length > 0 && !state.quitting) {
        const command = lines.shift()!;
        try {
          appendFileSync(historyFile, `${command}\n`);
        } catch {
          // history is a convenience
        }
        const controller = new AbortController();
        running = controller;
        const slow = setTimeout(
          () => print('  (no answer yet: retrying every replica; Ctrl-C cancels)\n'),
          3_000,
        );
        const outcome = await runClientCommand(
          client,
          args.peers,
          command,
          print,
          false,
          args.timeoutMs,
          controller.signal,
        ).finally(() => clearTimeout(slow));
        running = null;
        if (outcome === 'quit') return finish();
      }
      if (!state.quitting) rl.prompt();
    };
    rl.on('line', (line) => {
      const commands = splitCommands(line);
      if (commands.length === 0) return void rl.prompt();
      // quit while a command waits: leave now, not after it.
      if (running !== null && commands.some((command) => /^(quit|exit)\b/.test(command))) return finish();
      lines.push(...commands);
      void drain();
    });
    rl.on('close', () => resolve(0));
    rl.on('SIGINT', () => {
      if (running === null) return finish();
      lines.length = 0;
      running.abort();
    });
  });
}

async function runClient(args: ClientArgs): Promise<number> {
  const client = new TcpClient({
    peers: args.peers,
    id: args.id ?? undefined,
    // A named client may have run before: number requests above anything it can have sent.
    requestNumberBase: args.id === null ? 0 : Date.now(),
    timing: scaledTiming(args.timingScale),
    tracePath: args.tracePath,
    log: args.verbose ? stderrLog('client') : undefined,
  });
  const majority = (args.peers.length >> 1) + 1;
  // A signal closes the client; a command waiting for its answer then ends quietly.
  const stop = () => void client.close();
  process.once('SIGTERM', stop);
  try {
    await client
      .waitForConnections(args.peers.length, 1_000)
      .catch(() => client.waitForConnections(majority, 2_000))
      .catch(() => {
        process.stderr.write(
          `warning: reached ${client.connectedReplicas().length} of ${args.peers.length} replicas; commands wait until a majority answers\n` +
            client
              .connectionProblems()
              .map((problem) => `  ${problem}\n`)
              .join(''),
        );
      });
    if (args.exec !== null) return await runBatch(client, args, splitCommands(args.exec));
    if (!process.stdin.isTTY) {
      process.once('SIGINT', stop);
      return await runBatch(client, args, stdinCommands());
    }
    return await runInteractive(client, args);
  } finally {
    await client.close();
  }
}

runMain('client', usage, process.argv.slice(2), parseClientArgs, runClient);
