/** Helpers for the TCP tests and the benchmark: waiting with a bound, reading cluster status. */
import { defaultTiming, type Timing } from '../../protocol/index.ts';
import type { ConnectionLimits } from './admission.ts';
import { freePorts } from './cluster.ts';
import { printable, type Address } from './common.ts';
import { newClusterId } from './group.ts';
import { ReplicaServer } from './replica-server.ts';
import type { TcpClient } from './tcp-client.ts';
import type { StatusFrame } from './wire-schema.ts';

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `what` if the promise takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | null = null;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** Polls `probe` until it returns a value that is not null, or fails after `ms`. */
export async function waitFor<T>(
  probe: () => Promise<T | null> | T | null,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + ms;
  let last: unknown = null;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (performance.now() > deadline)
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}${last === null ? '' : ` (last: ${JSON.stringify(last)})`}`,
      );
    last = value;
    await sleep(50);
  }
}

/** The replica that a majority of replicas, normal in one view, names as primary; or null. */
export function agreedPrimary(statuses: readonly (StatusFrame | null)[]): number | null {
  const normal = statuses.filter((s): s is StatusFrame => s !== null && s.status === 'normal');
  for (const candidate of normal) {
    const agreeing = normal.filter((s) => s.view === candidate.view).length;
    if (agreeing * 2 > statuses.length && candidate.primary === candidate.replica) return candidate.replica;
  }
  return null;
}

/** Resolves with the statuses once every replica is normal in one view with the same op and commit numbers. */
export async function waitForConvergence(client: TcpClient, ms: number): Promise<StatusFrame[]> {
  let last: (StatusFrame | null)[] = [];
  try {
    return await waitFor(
      async () => {
        last = await client.status(500);
        const all = last.filter((s): s is StatusFrame => s !== null);
        if (all.length !== last.length) return null;
        const [first] = all;
        const same = all.every(
          (s) =>
            s.status === 'normal' &&
            s.view === first.view &&
            s.commitNumber === first.commitNumber &&
            s.opNumber === first.opNumber,
        );
        return same ? all : null;
      },
      ms,
      'every replica normal in one view with the same commit-number',
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last statuses: ${JSON.stringify(last)}`, { cause: error });
  }
}

/** Replicas run inside the test's own process: fast to start, and any exception fails the test. */
export interface InProcessCluster {
  readonly servers: ReplicaServer[];
  readonly peers: Address[];
  /** Each replica's log lines. */
  readonly logs: string[][];
  /** Replicas whose protocol assertion stopped them (should stay empty). */
  readonly crashed: number[];
  /** Stops replica `id` (its state is lost) and starts a new process of it that recovers. */
  restart(id: number): Promise<ReplicaServer>;
  stop(): Promise<void>;
}

export async function startInProcess(options: {
  readonly replicas: number;
  readonly secret?: Buffer | null;
  readonly limits?: Partial<ConnectionLimits>;
  readonly timing?: Timing;
  readonly stuckAttempts?: number;
}): Promise<InProcessCluster> {
  const ports = await freePorts(options.replicas);
  const peers = ports.map((port) => ({ host: '127.0.0.1', port }));
  const logs = peers.map((): string[] => []);
  const crashed: number[] = [];
  const clusterId = newClusterId();
  const make = (id: number, mode: 'fresh' | 'recover') =>
    new ReplicaServer({
      id,
      peers,
      stateMachine: 'kv',
      timing: options.timing ?? defaultTiming,
      tickMs: 5,
      mode,
      clusterId,
      tracePath: null,
      log: (line) => logs[id].push(printable(line)),
      secret: options.secret ?? null,
      limits: options.limits,
      stuckAttempts: options.stuckAttempts,
      onCrash: () => crashed.push(id),
    });
  const servers = peers.map((_, id) => make(id, 'fresh'));
  await Promise.all(servers.map((server) => server.start()));
  return {
    servers,
    peers,
    logs,
    crashed,
    restart: async (id) => {
      await servers[id].stop('restarted by the test');
      servers[id] = make(id, 'recover');
      await servers[id].start();
      return servers[id];
    },
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop('test over')));
    },
  };
}
