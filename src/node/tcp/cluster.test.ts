import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Note, NoteOf } from '../../protocol/index.ts';
import { mergeTraces } from '../merge-traces.ts';
import { Cluster } from './cluster.ts';
import { TcpClient } from './tcp-client.ts';
import { agreedPrimary, waitFor, waitForConvergence, withTimeout } from './testing.ts';
import type { TraceLine } from './trace-file.ts';

/** What the clients were told: every acknowledged write. */
interface Ledger {
  readonly puts: Map<string, string>;
  readonly appends: Map<string, string[]>;
  readonly views: number[];
}

const opTimeoutMs = 15_000;

/** Ops `from .. from+count-1` of one client: even ones put a key, odd ones append a unique token. */
async function work(client: TcpClient, from: number, count: number, ledger: Ledger): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const put = i % 2 === 0;
    const key = put ? `k-${client.id}-${i % 7}` : `log-${client.id}`;
    const value = put ? `v${i}` : `${client.id}.${i};`;
    const op = `${put ? 'put' : 'append'} ${key} ${value}`;
    const completion = await withTimeout(client.submit(op), opTimeoutMs, `'${op}'`);
    expect(completion.result).toBe('ok');
    ledger.views.push(completion.view);
    if (put) ledger.puts.set(key, value);
    else ledger.appends.set(key, [...(ledger.appends.get(key) ?? []), value]);
  }
}

function traceLines(path: string): TraceLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceLine);
}

describe('a 3-replica cluster over TCP', () => {
  let cluster: Cluster | null = null;
  const clients: TcpClient[] = [];
  const output: string[] = [];
  let dir: string | null = null;

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await cluster?.stop();
    cluster = null;
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it(
    'survives SIGKILL of the primary and its restart: 200 ops from 2 clients, every acknowledged write readable, nothing executed twice',
    { timeout: 50_000 },
    async ({ onTestFailed }) => {
      output.length = 0;
      onTestFailed(() => console.error(`replica output:\n${output.slice(-200).join('\n')}`));
      dir = mkdtempSync(join(tmpdir(), 'vsr-tcp-'));
      cluster = await Cluster.start({ replicas: 3, traceDir: dir, onOutput: (_, line) => output.push(line) });
      const a = new TcpClient({ peers: cluster.peers, id: 'c1', tracePath: join(dir, 'c1.jsonl') });
      const b = new TcpClient({ peers: cluster.peers, id: 'c2', tracePath: join(dir, 'c2.jsonl') });
      clients.push(a, b);
      await Promise.all([a.waitForConnections(3, 10_000), b.waitForConnections(3, 10_000)]);
      const ledgers = [a, b].map((): Ledger => ({ puts: new Map(), appends: new Map(), views: [] }));

      // 100 ops with every replica up.
      await Promise.all([work(a, 0, 50, ledgers[0]), work(b, 0, 50, ledgers[1])]);
      const primary = await waitFor(async () => agreedPrimary(await a.status()), 5_000, 'an agreed primary');
      const viewBefore = (await a.status())[primary]!.view;
      const incarnationBefore = (await a.status())[primary]!.incarnation;

      // SIGKILL the primary and keep writing: 50 ops, answered in a later view.
      await cluster.kill(primary);
      await Promise.all([work(a, 50, 25, ledgers[0]), work(b, 50, 25, ledgers[1])]);
      expect(ledgers.every((ledger) => ledger.views[ledger.views.length - 1] > viewBefore)).toBe(true);

      // Restart it (state lost: it recovers) while 50 more ops go on.
      await Promise.all([cluster.restart(primary), work(a, 75, 25, ledgers[0]), work(b, 75, 25, ledgers[1])]);
      const converged = await waitForConvergence(a, 15_000);
      expect(converged[primary].incarnation).not.toBe(incarnationBefore);
      expect(converged[primary].commitNumber).toBe(converged[(primary + 1) % 3].commitNumber);
      expect(converged[primary].commitNumber).toBeGreaterThanOrEqual(200);
      expect(new Set(converged.map((s) => s.digest)).size).toBe(1);

      // Every acknowledged write is readable; every appended token appears exactly once, in order.
      let reads = 0;
      for (const ledger of ledgers) {
        reads += ledger.puts.size + ledger.appends.size;
        for (const [key, value] of ledger.puts) expect((await a.submit(`get ${key}`)).result).toBe(value);
        for (const [key, tokens] of ledger.appends) {
          const read = (await b.submit(`get ${key}`)).result;
          expect(read).toBe(tokens.join(''));
          const seen = read.split(';').filter(Boolean);
          expect(new Set(seen).size).toBe(seen.length);
        }
      }
      const afterReads = await waitForConvergence(a, 10_000);
      expect(afterReads[primary].status).toBe('normal');

      // The traces: no replica incarnation executed an op-number or a request twice; the restarted one
      // executed nothing it had installed by recovery.
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await cluster.stop();
      for (let replica = 0; replica < 3; replica++) {
        const byIncarnation = new Map<string, TraceLine[]>();
        for (const line of traceLines(cluster.tracePath(replica)!))
          byIncarnation.set(line.inc, [...(byIncarnation.get(line.inc) ?? []), line]);
        expect(byIncarnation.size).toBe(replica === primary ? 2 : 1);
        for (const lines of byIncarnation.values()) {
          const notes = lines.flatMap((line) => (line.kind === 'note' ? [line.note] : [])) as Note[];
          const executed = notes.filter((note): note is NoteOf<'executed'> => note.kind === 'executed');
          const requests = executed.map((note) => `${note.entry.client}#${note.entry.request}`);
          expect(new Set(requests).size).toBe(requests.length);
          const installed = notes.find((note) => note.kind === 'state-installed');
          let next = installed?.kind === 'state-installed' ? installed.commitNumber + 1 : 1;
          for (const note of executed) expect(note.opNumber).toBe(next++);
        }
      }

      // The traces merge into one trace, every receive aligned with its send.
      const files = [0, 1, 2]
        .map((r) => cluster!.tracePath(r)!)
        .concat([join(dir, 'c1.jsonl'), join(dir, 'c2.jsonl')]);
      const merged = mergeTraces(files.map((name) => ({ name, text: readFileSync(name, 'utf8') })));
      expect(merged.warnings).toEqual([]);
      expect(
        merged.events.some((e) => e.kind === 'action' && e.action.type === 'restart' && e.node === primary),
      ).toBe(true);
      // The SIGKILL is a crash; the SIGTERM of cluster.stop() a clean stop of every replica.
      const ends = merged.events.filter((e) => e.kind === 'action' && e.action.type === 'crash');
      expect(ends.filter((e) => e.stop === undefined).map((e) => e.node)).toEqual([primary]);
      expect(
        ends
          .filter((e) => e.stop === 'SIGTERM')
          .map((e) => e.node)
          .sort(),
      ).toEqual([0, 1, 2]);
      for (const event of merged.events) {
        if (event.kind !== 'deliver') continue;
        const message = merged.messages[event.msgId];
        expect(message.to).toBe(event.node);
        expect(message.sentBy).toBeLessThan(event.index);
      }
      expect(merged.events.filter((e) => e.kind === 'workload')).toHaveLength(200 + reads);
    },
  );
});
