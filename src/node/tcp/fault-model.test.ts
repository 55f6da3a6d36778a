/**
 * Beyond the fault model, failing clearly: f+1 replicas that lose their state together, a new
 * cluster started beside one with state, and a backup that wakes up late.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { runClientCommand } from './repl-commands.ts';
import { TcpClient } from './tcp-client.ts';
import {
  agreedPrimary,
  sleep,
  startInProcess,
  waitFor,
  waitForConvergence,
  withTimeout,
  type InProcessCluster,
} from './testing.ts';

describe('beyond the fault model', () => {
  let inProcess: InProcessCluster | null = null;
  let cluster: Cluster | null = null;
  const clients: TcpClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await inProcess?.stop();
    inProcess = null;
    await cluster?.stop();
    cluster = null;
  });

  it(
    'after f+1 replicas lose their state, status, logs and the client say that fewer than f+1 hold it, and which',
    { timeout: 30_000 },
    async () => {
      inProcess = await startInProcess({ replicas: 3, stuckAttempts: 3 });
      const client = new TcpClient({ peers: inProcess.peers });
      clients.push(client);
      for (let i = 0; i < 3; i++)
        expect((await withTimeout(client.submit(`put k${i} ${i}`), 10_000, 'put')).result).toBe('ok');
      const primary = await waitFor(async () => agreedPrimary(await client.status()), 5_000, 'a primary');
      const lost = [0, 1, 2].filter((id) => id !== primary);
      for (const id of lost) await inProcess.restart(id);
      const expected = new RegExp(
        `fewer than f\\+1 = 2 of 3 replicas hold state, as far as replica \\d can tell: only replica ${primary} holds state; ` +
          lost
            .map((id) => `replica ${id}( \\(this one\\))? is recovering \\(its state was lost\\)`)
            .join(', '),
      );
      // Each says so, once the restarted processes are recovering (until then they are "starting").
      await waitFor(
        async () => {
          const all = await client.status();
          return all.every((status) => status?.problem && expected.test(status.problem)) ? all : null;
        },
        10_000,
        'every replica reporting the problem',
      );
      for (const id of [primary, ...lost])
        expect(
          inProcess.logs[id].some((line) => line.startsWith('cannot make progress: fewer than f+1')),
        ).toBe(true);
      // The recovering replicas stop repeating themselves three times a second.
      const attempts = inProcess.logs[lost[0]].filter((line) => /recovering with nonce/.test(line)).length;
      expect(attempts).toBeLessThanOrEqual(5);
      // A client command does not hang: it gives up, says the outcome is unknown, and why.
      let printed = '';
      const outcome = await runClientCommand(
        client,
        inProcess.peers,
        'get k1',
        (text) => (printed += text),
        false,
        1_000,
      );
      expect(outcome).toBe('failed');
      expect(printed).toMatch(/no answer within 1000 ms \(outcome unknown\)/);
      // Each replica says it from where it stands; the client prints what they agree on, once.
      expect(printed).toMatch(
        new RegExp(`fewer than f\\+1 = 2 of 3 replicas hold state: only replica ${primary} holds state;`),
      );
      expect(printed.match(/fewer than f\+1/g)).toHaveLength(1);
      expect(inProcess.crashed).toEqual([]);
    },
  );

  it(
    'a replica restarted with --new-cluster beside replicas that hold state refuses to start, and says why',
    { timeout: 40_000 },
    async () => {
      const output: string[] = [];
      const exits: (number | null)[] = [];
      cluster = await Cluster.start({
        replicas: 3,
        onOutput: (replica, line) => output.push(`${replica}: ${line}`),
        onExit: (replica, code) => {
          if (replica === 2) exits.push(code);
        },
      });
      const client = new TcpClient({ peers: cluster.peers });
      clients.push(client);
      for (let i = 0; i < 3; i++)
        expect((await withTimeout(client.submit(`put k${i} ${i}`), 10_000, 'put')).result).toBe('ok');
      await cluster.restart(2, 'fresh');
      await waitFor(() => (exits.length === 2 ? true : null), 10_000, 'replica 2 to give up');
      expect(exits[1]).toBe(78);
      expect(output.join('\n')).toMatch(
        /2: .*refusing to start a new cluster: replica [01](, replica [01])? already runs? cluster incarnation \w+ with state \(op-number 3\)/,
      );
      // The others keep every acknowledged write.
      expect((await withTimeout(client.submit('get k2'), 10_000, 'get')).result).toBe('2');
      await cluster.restart(2, 'recover');
      const converged = await waitForConvergence(client, 10_000);
      expect(converged.every((status) => status.cluster === cluster!.clusterId)).toBe(true);
    },
  );

  it(
    "a backup paused past its view-change timeout reads its primary's heartbeats before the overdue timer fires",
    { timeout: 40_000 },
    async () => {
      const output: string[] = [];
      cluster = await Cluster.start({
        replicas: 3,
        onOutput: (replica, line) => output.push(`${replica}: ${line}`),
      });
      const client = new TcpClient({ peers: cluster.peers });
      clients.push(client);
      expect((await withTimeout(client.submit('put x 1'), 10_000, 'put')).result).toBe('ok');
      const primary = await waitFor(async () => agreedPrimary(await client.status()), 5_000, 'a primary');
      const viewBefore = (await client.status())[primary]!.view;
      for (let round = 0; round < 2; round++) {
        const backup = (primary + 1 + round) % 3;
        expect(cluster.pause(backup)).toBe(true);
        await sleep(1_500); // three view-change timeouts
        cluster.resume(backup);
        await sleep(700);
      }
      const statuses = await waitForConvergence(client, 10_000);
      expect(statuses.map((status) => status.view)).toEqual([viewBefore, viewBefore, viewBefore]);
      expect(output.join('\n')).not.toMatch(/view change|view-change/);
    },
  );
});
