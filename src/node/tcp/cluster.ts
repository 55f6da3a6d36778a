/**
 * A local cluster of replica processes (server-main.ts as child processes), for the cluster command,
 * the tests and the benchmark. Children get an IPC channel: they report when they listen, and they
 * stop themselves when it closes, so a parent that dies, even by SIGKILL, leaves no replica behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StateMachineKind } from '../../protocol/index.ts';
import { formatAddress, type Address } from './common.ts';
import { newClusterId } from './group.ts';

/** How long a replica process may take to start listening (tsx compiles on the way). */
export const listenTimeoutMs = 20_000;
/** After SIGTERM, how long before SIGKILL. */
export const stopGraceMs = 3_000;
/** Output lines kept per replica, for error messages. */
const outputLinesKept = 50;

export interface ClusterOptions {
  readonly replicas: number;
  readonly host?: string;
  /** Ports in replica order; default: free ports picked by the system. */
  readonly ports?: readonly number[];
  readonly stateMachine?: StateMachineKind;
  /** Each replica traces to DIR/replica-N.jsonl (a restart appends a new incarnation). */
  readonly traceDir?: string | null;
  readonly tickMs?: number;
  readonly timingScale?: number;
  /** Every replica gets --secret-file FILE (peers authenticate; needed off loopback). */
  readonly secretFile?: string | null;
  readonly verbose?: boolean;
  /** Every line a replica writes to stderr or stdout. */
  readonly onOutput?: (replica: number, line: string) => void;
  /** A replica process ended, whoever ended it. */
  readonly onExit?: (replica: number, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface ReplicaProcess {
  readonly replica: number;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly mode: 'fresh' | 'recover';
  readonly startedAt: number;
  exited: Promise<void>;
  running: boolean;
  output: string[];
}

const serverMain = fileURLToPath(new URL('./server-main.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Ports the system says are free right now on `host` (a tiny race remains until they are bound). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, host, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export class Cluster {
  readonly peers: Address[];
  /** The cluster incarnation id every replica started with the cluster gets (--cluster-id). */
  readonly clusterId = newClusterId();
  readonly processes: (ReplicaProcess | null)[];
  private stopping = false;
  private readonly exitHook = () => {
    for (const entry of this.processes) if (entry?.running) entry.child.kill('SIGKILL');
  };

  private constructor(
    readonly options: ClusterOptions,
    ports: readonly number[],
  ) {
    const host = options.host ?? '127.0.0.1';
    this.peers = ports.map((port) => ({ host, port }));
    this.processes = ports.map(() => null);
    if (options.traceDir) mkdirSync(options.traceDir, { recursive: true });
    process.on('exit', this.exitHook);
  }

  /** Starts every replica fresh (a new cluster) and resolves once all listen. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const ports = options.ports ?? (await freePorts(options.replicas, options.host ?? '127.0.0.1'));
    if (ports.length !== options.replicas)
      throw new RangeError(`${options.replicas} replicas need ${options.replicas} ports`);
    const cluster = new Cluster(options, ports);
    try {
      await Promise.all(ports.map((_, replica) => cluster.spawn(replica, 'fresh')));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get peersArg(): string {
    return this.peers.map(formatAddress).join(',');
  }

  tracePath(replica: number): string | null {
    return this.options.traceDir ? join(this.options.traceDir, `replica-${replica}.jsonl`) : null;
  }

  isRunning(replica: number): boolean {
    return this.processes[replica]?.running ?? false;
  }

  /** SIGKILL: the replica crashes and loses its state. Resolves once the process is gone. */
  async kill(replica: number): Promise<void> {
    const entry = this.processes[replica];
    if (entry === null || !entry.running) return;
    entry.child.kill('SIGKILL');
    await entry.exited;
  }

  /**
   * Starts the replica again (killing it first if it runs): it has lost its state and recovers.
   * With mode 'fresh' it is started with --new-cluster instead (which it refuses beside replicas
   * that hold state).
   */
  async restart(replica: number, mode: 'fresh' | 'recover' = 'recover'): Promise<ReplicaProcess> {
    await this.kill(replica);
    return this.spawn(replica, mode, false);
  }

  /** SIGSTOP: the process freezes (a long GC pause, a stopped VM); its peers' messages queue up. */
  pause(replica: number): boolean {
    const entry = this.processes[replica];
    return entry !== null && entry.running && entry.child.kill('SIGSTOP');
  }

  /** SIGCONT: a paused process wakes up, late for every timer. */
  resume(replica: number): boolean {
    const entry = this.processes[replica];
    return entry !== null && entry.running && entry.child.kill('SIGCONT');
  }

  /** Stops every replica: SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const running = this.processes.filter((p): p is ReplicaProcess => p !== null && p.running);
    for (const p of running) {
      p.child.kill('SIGCONT'); // a paused replica could not act on SIGTERM
      p.child.kill('SIGTERM');
    }
    const grace = setTimeout(() => {
      for (const p of running) if (p.running) p.child.kill('SIGKILL');
    }, stopGraceMs);
    await Promise.all(running.map((p) => p.exited));
    clearTimeout(grace);
    process.off('exit', this.exitHook);
  }

  /** `withCluster`: a fresh replica gets the cluster's id (one started at once with the others). */
  private spawn(replica: number, mode: 'fresh' | 'recover', withCluster = true): Promise<ReplicaProcess> {
    if (this.stopping) return Promise.reject(new Error('the cluster is stopping'));
    const args = [
      '--import',
      tsxLoader,
      serverMain,
      '--id',
      String(replica),
      '--peers',
      this.peersArg,
      '--state-machine',
      this.options.stateMachine ?? 'kv',
      '--tick-ms',
      String(this.options.tickMs ?? 10),
      '--timing-scale',
      String(this.options.timingScale ?? 1),
    ];
    const trace = this.tracePath(replica);
    if (trace !== null) args.push('--trace', trace);
    args.push(mode === 'recover' ? '--recover' : '--new-cluster');
    if (mode === 'fresh' && withCluster) args.push('--cluster-id', this.clusterId);
    if (this.options.secretFile) args.push('--secret-file', this.options.secretFile);
    if (this.options.verbose) args.push('--verbose');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let markExited: () => void = () => {};
    const record: ReplicaProcess = {
      replica,
      child,
      pid: child.pid ?? -1,
      mode,
      startedAt: Date.now(),
      exited: new Promise<void>((resolve) => {
        markExited = resolve;
      }),
      running: true,
      output: [],
    };
    this.processes[replica] = record;
    for (const stream of [child.stdout, child.stderr])
      if (stream !== null)
        createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
          record.output.push(line);
          if (record.output.length > outputLinesKept) record.output.shift();
          this.options.onOutput?.(replica, line);
        });
    return new Promise<ReplicaProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `replica ${replica} did not listen within ${listenTimeoutMs} ms:\n${record.output.join('\n')}`,
          ),
        );
      }, listenTimeoutMs);
      child.on('message', (message: unknown) => {
        if (
          typeof message === 'object' &&
          message !== null &&
          (message as { kind?: unknown }).kind === 'listening'
        ) {
          clearTimeout(timer);
          resolve(record);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        record.running = false;
        markExited();
        this.options.onExit?.(replica, code, signal);
        reject(
          new Error(
            `replica ${replica} exited (${signal ?? `code ${code}`}) before listening:\n${record.output.join('\n')}`,
          ),
        );
      });
    });
  }
}
