/**
 * `npm run cluster` as a person uses it, its commands on stdin: what `status` says of a restarted
 * replica, commands that cannot be answered, hostile ops, and SIGTERM while a command waits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runClientCommand } from './repl-commands.ts';
import { TcpClient } from './tcp-client.ts';
import { startInProcess, waitFor, type InProcessCluster } from './testing.ts';

const clusterMain = fileURLToPath(new URL('./cluster-main.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function startCommand(args: string[]) {
  const child = spawn(process.execPath, ['--import', tsx, clusterMain, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  const state = { out: '', exit: null as number | null, child };
  child.stdout.on('data', (chunk: Buffer) => void (state.out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => void (state.out += chunk.toString('utf8')));
  child.on('exit', (code) => void (state.exit = code));
  return state;
}

async function after(state: { out: string }, pattern: RegExp, what: string): Promise<void> {
  try {
    await waitFor(() => (pattern.test(state.out) ? true : null), 20_000, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the output:\n${state.out}`, { cause: error });
  }
}

describe('the cluster command', () => {
  let command: ReturnType<typeof startCommand> | null = null;
  let inProcess: InProcessCluster | null = null;

  afterEach(async () => {
    if (command !== null && command.exit === null) command.child.kill('SIGKILL');
    command = null;
    await inProcess?.stop();
    inProcess = null;
  });

  it(
    'says a restarted replica is still recovering, times out a command without a quorum, escapes ops in logs, and stops cleanly on SIGTERM',
    { timeout: 60_000 },
    async () => {
      command = startCommand(['--replicas', '3', '--base-port', '0', '--timeout-ms', '1000']);
      const c = command;
      await after(c, /type help for commands/, 'the cluster up');
      // An op with an ANSI escape: no replica log line may carry the raw escape.
      c.child.stdin.write('put y a\x1b[31mred\n');
      await after(
        c,
        /committed op 1 'put y a\\x1b\[31mred'/,
        'the commit logged with the escape written out',
      );
      expect(c.out).not.toContain('\x1b[31m');
      // Two replicas lose their state: the restarted one can never recover (f+1 = 2 hold none).
      c.child.stdin.write('kill 1\nkill 2\nrestart 1\n');
      await after(c, /replica 1: .*state lost, starting recovery/, 'the restarted replica recovering');
      // The built-in client redials the new process with backoff: ask until it answers.
      const asking = setInterval(() => c.child.stdin.write('status\n'), 500);
      try {
        await after(
          c,
          /replica 1: running, pid \d+ \(restarted, still recovering\)/,
          'status of the restarted replica',
        );
      } finally {
        clearInterval(asking);
      }
      c.child.stdin.write('get y\n');
      await after(c, /no answer within 1000 ms \(outcome unknown\)/, 'the command timed out');
      // The next command is not stuck behind the one given up on: it times out on its own.
      c.child.stdin.write('get z\n');
      await waitFor(
        () => (c.out.match(/no answer within 1000 ms/g)?.length === 2 ? true : null),
        10_000,
        'the second timeout',
      );
      // SIGTERM while a command waits: a clean stop, no stack trace.
      c.child.stdin.write('get w\n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      c.child.kill('SIGTERM');
      await waitFor(() => (c.exit !== null ? true : null), 15_000, 'the cluster command to exit');
      expect(c.exit).toBe(0);
      expect(c.out).toMatch(/SIGTERM: stopping every replica/);
      expect(c.out).not.toMatch(/ClientClosedError|\n\s+at /);
    },
  );

  it('cancels a command that waits, and the next one is answered', { timeout: 30_000 }, async () => {
    inProcess = await startInProcess({ replicas: 3 });
    const client = new TcpClient({ peers: inProcess.peers });
    try {
      await client.waitForConnections(3, 5_000);
      // Every replica stops taking messages for a moment: the request waits.
      const stopped = inProcess.servers.map((server) => server.replica);
      for (const server of inProcess.servers) server.replica = null;
      const controller = new AbortController();
      let printed = '';
      setTimeout(() => controller.abort(), 300);
      const cancelled = await runClientCommand(
        client,
        inProcess.peers,
        'put a 1',
        (text) => (printed += text),
        false,
        null,
        controller.signal,
      );
      expect(cancelled).toBe('failed');
      expect(printed).toBe('cancelled (outcome unknown)\n');
      inProcess.servers.forEach((server, index) => (server.replica = stopped[index]));
      printed = '';
      expect(
        await runClientCommand(client, inProcess.peers, 'put b 2', (t) => (printed += t), false, 5_000),
      ).toBe('ok');
      expect(printed).toMatch(/^ok {2}\(replica \d/);
    } finally {
      await client.close();
    }
  });
});
