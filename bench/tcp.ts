/**
 * `npm run bench:tcp [-- --seconds 5 --rounds 3 --soak-seconds 120 --only soak --json]`: real replica
 * processes on loopback. Prints operations per second and p50 / p99 latency of a 3-replica cluster
 * for 1, 8 and 32 concurrent clients (each with one request outstanding, as VR clients have), the
 * time from SIGKILL of the primary to the first write acknowledged in the new view, and a soak of
 * a 5-replica cluster under SIGKILL, SIGSTOP/SIGCONT and restarts (tcp-soak.ts). The clients' work
 * runs in this process; each part gets a fresh cluster.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Cluster } from '../src/node/tcp/cluster.ts';
import { scaledTiming } from '../src/node/tcp/common.ts';
import { TcpClient } from '../src/node/tcp/tcp-client.ts';
import { agreedPrimary, sleep, waitFor, waitForConvergence } from '../src/node/tcp/testing.ts';
import { describeSoak, soak, type SoakOptions, type SoakReport } from './tcp-soak.ts';

interface Level {
  readonly clients: number;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

interface Failover {
  readonly round: number;
  readonly fromView: number;
  readonly toView: number;
  readonly killedReplica: number;
  /** Until a majority reported normal status in a later view (polled, so a little late). */
  readonly viewStartedMs: number;
  readonly firstAckMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}

async function connectedClients(cluster: Cluster, count: number, timingScale: number): Promise<TcpClient[]> {
  const clients = Array.from(
    { length: count },
    (_, i) => new TcpClient({ peers: cluster.peers, id: `c${i + 1}`, timing: scaledTiming(timingScale) }),
  );
  await Promise.all(clients.map((client) => client.waitForConnections(cluster.peers.length, 10_000)));
  return clients;
}

async function throughput(concurrency: number, seconds: number, timingScale: number): Promise<Level> {
  const cluster = await Cluster.start({ replicas: 3, timingScale });
  const clients = await connectedClients(cluster, concurrency, timingScale);
  try {
    // Warm up: connections, JIT, the primary's maps.
    await Promise.all(
      clients.map(async (client) => {
        for (let i = 0; i < 20; i++) await client.submit(`put w${i} ${i}`);
      }),
    );
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      clients.map(async (client, index) => {
        for (let n = 0; performance.now() < deadline; n++) {
          const completion = await client.submit(`put k${index}-${n % 16} v${n}`);
          latencies.push(completion.latencyMs);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      clients: concurrency,
      ops: latencies.length,
      seconds: elapsed,
      opsPerSecond: latencies.length / elapsed,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1],
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await cluster.stop();
  }
}

async function failover(rounds: number, clientCount: number, timingScale: number): Promise<Failover[]> {
  const cluster = await Cluster.start({ replicas: 3, timingScale });
  const clients = await connectedClients(cluster, clientCount, timingScale);
  const observer = new TcpClient({ peers: cluster.peers });
  const acks: { at: number; view: number }[] = [];
  const state = { writing: true };
  const writers = clients.map(async (client, index) => {
    for (let n = 0; state.writing; n++) {
      const completion = await client.submit(`put f${index} ${n}`).catch(() => null);
      if (completion !== null) acks.push({ at: performance.now(), view: completion.view });
    }
  });
  const results: Failover[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      await sleep(1_000);
      const statuses = await waitForConvergence(observer, 15_000);
      const primary = agreedPrimary(statuses);
      if (primary === null) throw new Error('no agreed primary');
      const fromView = statuses[primary].view;
      const killedAt = performance.now();
      await cluster.kill(primary);
      // When a majority is normal in a later view (status polled every few ms), and the first ack.
      const viewStarted = waitFor(
        async () => {
          const now = (await observer.status(200)).filter(
            (s) => s !== null && s.status === 'normal' && s.view > fromView,
          );
          return now.length * 2 > cluster.peers.length ? performance.now() : null;
        },
        30_000,
        'a new view',
      );
      const first = await waitFor(
        () => acks.find((ack) => ack.at > killedAt && ack.view > fromView) ?? null,
        30_000,
        'a write acknowledged in the new view',
      );
      results.push({
        round,
        fromView,
        toView: first.view,
        killedReplica: primary,
        viewStartedMs: (await viewStarted) - killedAt,
        firstAckMs: first.at - killedAt,
      });
      await cluster.restart(primary);
    }
    return results;
  } finally {
    state.writing = false;
    await Promise.all(clients.map((client) => client.close()));
    await Promise.allSettled(writers);
    await observer.close();
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      'timing-scale': { type: 'string', default: '1' },
      'soak-seconds': { type: 'string', default: '120' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const timingScale = Number(values['timing-scale']);
  const only = values.only ?? 'all';
  if (!['all', 'throughput', 'failover', 'soak'].includes(only))
    throw new Error(`--only must be throughput, failover or soak, got '${only}'`);
  const timing = scaledTiming(timingScale);
  const levels: Level[] = [];
  if (only === 'all' || only === 'throughput')
    for (const concurrency of [1, 8, 32]) levels.push(await throughput(concurrency, seconds, timingScale));
  const failovers = only === 'all' || only === 'failover' ? await failover(rounds, 4, timingScale) : [];
  const median = failovers.map((f) => f.firstAckMs).sort((a, b) => a - b)[
    Math.floor((failovers.length - 1) / 2)
  ];
  const soakOptions: SoakOptions = {
    seconds: Number(values['soak-seconds']),
    replicas: 5,
    clients: 16,
    keys: 16,
    opTimeoutMs: 5_000,
    thinkMs: 100,
    log: (line) => void process.stderr.write(`${line}\n`),
  };
  let soaked: SoakReport | null = null;
  if ((only === 'all' || only === 'soak') && soakOptions.seconds > 0) {
    soakOptions.log(`soak: ${soakOptions.seconds} s of faults on a 5-replica cluster...`);
    soaked = await soak(soakOptions);
  }
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ levels, failovers, failoverMedianMs: median ?? null, timing, soak: soaked })}\n`,
    );
    return;
  }
  const out: string[] = [];
  out.push(
    `vsr-scope TCP benchmark: replica processes on 127.0.0.1, kv state machine, Node ${process.version}, ` +
      `${availableParallelism()} CPUs`,
  );
  if (levels.length > 0) {
    out.push(`3 replicas, ${seconds} s per level`);
    out.push('clients      ops    ops/s   p50 ms   p99 ms   max ms');
    for (const l of levels)
      out.push(
        `${String(l.clients).padStart(7)} ${String(l.ops).padStart(8)} ${l.opsPerSecond.toFixed(0).padStart(8)} ` +
          `${l.p50Ms.toFixed(2).padStart(8)} ${l.p99Ms.toFixed(2).padStart(8)} ${l.maxMs.toFixed(2).padStart(8)}`,
      );
  }
  if (failovers.length > 0) {
    out.push(
      `failover: SIGKILL of the primary -> first write acknowledged in the new view (3 replicas, 4 clients writing; ` +
        `view-change timeout ${timing.viewChangeTimeoutMs} ms, client retry ${timing.clientRetryMs} ms)`,
    );
    for (const f of failovers)
      out.push(
        `  round ${f.round}: killed replica ${f.killedReplica}, view ${f.fromView} -> ${f.toView}: first ack after ${f.firstAckMs.toFixed(0)} ms (new view normal after ~${f.viewStartedMs.toFixed(0)} ms)`,
      );
    out.push(`  median: ${median.toFixed(0)} ms`);
  }
  if (soaked !== null) out.push(...describeSoak(soaked, soakOptions));
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:tcp failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
