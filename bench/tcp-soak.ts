/**
 * The soak of `npm run bench:tcp`: a 5-replica cluster of real processes under a nemesis (SIGKILL
 * and restart with --recover, SIGSTOP then SIGCONT, immediate restarts; never more than f = 2
 * replicas impaired at once) while 16 clients run puts, appends and gets on a few keys. It prints
 * figures, it is not a timed test: ops acknowledged, unknown outcomes (a request given up after
 * its timeout may or may not have executed), the longest time no client got an answer, whether
 * every acknowledged append is still there exactly once, and the linearizability verdict of the
 * whole history (Porcupine-style check, with a time budget).
 */
import { faultsTolerated } from '../src/protocol/index.ts';
import { Cluster } from '../src/node/tcp/cluster.ts';
import { TcpClient } from '../src/node/tcp/tcp-client.ts';
import { sleep, waitForConvergence } from '../src/node/tcp/testing.ts';
import {
  checkOperations,
  kvModel,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../src/sim/checkers/linearizability/index.ts';

export interface SoakOptions {
  readonly seconds: number;
  readonly replicas: number;
  readonly clients: number;
  readonly keys: number;
  /** A request without an answer after this long is given up: its outcome is unknown. */
  readonly opTimeoutMs: number;
  /** Each client waits this long between two ops: a history the checker can still decide. */
  readonly thinkMs: number;
  readonly log: (line: string) => void;
}

export interface SoakReport {
  readonly seconds: number;
  readonly acknowledged: number;
  readonly unknown: number;
  readonly faults: Record<'kill' | 'pause' | 'restart', number>;
  readonly impairedMax: number;
  readonly longestUnavailableMs: number;
  readonly longestUnavailableAt: string;
  readonly appendsChecked: number;
  readonly appendsLost: string[];
  readonly appendsDuplicated: string[];
  readonly linearizable: boolean | 'unknown';
  readonly checkMs: number;
  /** Whether the cluster was back to normal (one view, same commit-number) 30 s after the faults. */
  readonly converged: boolean;
  /** What each replica said at the end, when it did not converge. */
  readonly finalStatuses: string[];
}

type Fault = 'kill' | 'pause' | 'restart';

const random = (min: number, max: number) => min + Math.random() * (max - min);

export async function soak(options: SoakOptions): Promise<SoakReport> {
  const f = faultsTolerated(options.replicas);
  const cluster = await Cluster.start({ replicas: options.replicas, onOutput: () => {} });
  const started = performance.now();
  const history: Operation<KvInput, KvOutput>[] = [];
  const acks: number[] = [];
  const appended = new Map<string, string[]>();
  const events: { at: number; text: string }[] = [];
  const note = (text: string) => events.push({ at: performance.now() - started, text });
  let unknown = 0;
  const observer = new TcpClient({ peers: cluster.peers });
  const clients = Array.from({ length: options.clients }, () => new TcpClient({ peers: cluster.peers }));
  await Promise.all(clients.map((client) => client.waitForConnections(options.replicas, 10_000)));
  const deadline = started + options.seconds * 1000;

  /** One op with a timeout; a timed-out op is recorded with an unknown outcome (undefined). */
  const perform = async (client: TcpClient, index: number, input: KvInput): Promise<KvOutput | undefined> => {
    const op = input.op === 'get' ? `get ${input.key}` : `${input.op} ${input.key} ${input.value}`;
    const call = performance.now();
    const reply = client.submit(op);
    reply.catch(() => {});
    const outcome = await Promise.race([reply, sleep(options.opTimeoutMs).then(() => null)]);
    if (outcome === null) {
      client.cancel(`got no answer within ${options.opTimeoutMs} ms`);
      unknown++;
      history.push({ client: index, input, output: null, call, return: Infinity });
      return undefined;
    }
    const at = performance.now();
    acks.push(at);
    const output = input.op === 'get' ? outcome.result : null;
    history.push({ client: index, input, output, call, return: at });
    return output;
  };

  const workers = clients.map(async (client, index) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const k = Math.floor(Math.random() * options.keys);
      const roll = Math.random();
      // Appends go to keys no put touches: every acknowledged one must be found at the end.
      if (roll < 0.4) {
        const token = `[${index}.${n}]`;
        if ((await perform(client, index, { op: 'append', key: `a${k}`, value: token })) !== undefined)
          appended.set(`a${k}`, [...(appended.get(`a${k}`) ?? []), token]);
      } else if (roll < 0.6)
        await perform(client, index, { op: 'put', key: `p${k}`, value: `v${index}.${n}` });
      else await perform(client, index, { op: 'get', key: roll < 0.95 ? `p${k}` : `a${k}`, value: null });
      await sleep(random(0, 2 * options.thinkMs));
    }
  });

  // The nemesis: a fault every 1.5-3 s on a replica that is neither down, paused nor recovering.
  const impaired = new Set<number>();
  const faults: Record<Fault, number> = { kill: 0, pause: 0, restart: 0 };
  let impairedMax = 0;
  /** Whether the replica is normal again within 30 s (a wedged cluster must not hang the soak). */
  const recovered = async (replica: number): Promise<boolean> => {
    const until = performance.now() + 30_000;
    while (performance.now() < until) {
      const status = (await observer.status(300))[replica];
      if (status?.status === 'normal') return true;
      await sleep(100);
    }
    return false;
  };
  const pending: Promise<void>[] = [];
  const nemesis = (async () => {
    while (performance.now() < deadline - 3_000) {
      await sleep(random(1_500, 3_000));
      const healthy = [...Array(options.replicas).keys()].filter((r) => !impaired.has(r));
      if (impaired.size >= f || healthy.length === 0) continue;
      const replica = healthy[Math.floor(Math.random() * healthy.length)];
      const fault: Fault = (['kill', 'pause', 'restart'] as const)[Math.floor(Math.random() * 3)];
      faults[fault]++;
      impaired.add(replica);
      impairedMax = Math.max(impairedMax, impaired.size);
      const heal = async () => {
        if (fault === 'pause') {
          cluster.pause(replica);
          note(`SIGSTOP replica ${replica}`);
          await sleep(random(500, 4_000));
          cluster.resume(replica);
          note(`SIGCONT replica ${replica}`);
        } else {
          await cluster.kill(replica);
          note(`SIGKILL replica ${replica}`);
          if (fault === 'kill') await sleep(random(1_000, 3_000));
          await cluster.restart(replica);
          note(`restart replica ${replica} (--recover)`);
          note(
            (await recovered(replica))
              ? `replica ${replica} recovered`
              : `replica ${replica} did not recover within 30 s`,
          );
        }
        impaired.delete(replica);
      };
      pending.push(heal());
    }
  })();

  await Promise.all(workers);
  await nemesis;
  await Promise.all(pending);
  const converged = await waitForConvergence(observer, 30_000).then(
    () => true,
    () => false,
  );
  const finalStatuses = converged
    ? []
    : (await observer.status(1_000)).map((status, replica) =>
        status === null
          ? `replica ${replica}: unreachable`
          : `replica ${replica}: ${status.status}, view ${status.view}, op ${status.opNumber}, commit ${status.commitNumber}`,
      );

  // Every key read once more at the end, after the faults: part of the history too.
  const reader = clients[0];
  const finalValues = new Map<string, string>();
  if (converged)
    for (const key of Array.from({ length: options.keys }, (_, k) => [`a${k}`, `p${k}`]).flat()) {
      const value = await perform(reader, 0, { op: 'get', key, value: null });
      if (typeof value === 'string') finalValues.set(key, value);
    }
  const lost: string[] = [];
  const duplicated: string[] = [];
  let appendsChecked = 0;
  // Every acknowledged append must be in its key's final value, exactly once.
  for (const [key, tokens] of converged ? appended : new Map<string, string[]>()) {
    const value = finalValues.get(key) ?? '';
    for (const token of tokens) {
      appendsChecked++;
      const count = value.split(token).length - 1;
      if (count === 0) lost.push(`${key}: ${token}`);
      if (count > 1) duplicated.push(`${key}: ${token}`);
    }
  }

  await Promise.all([observer, ...clients].map((client) => client.close()));
  await cluster.stop();

  acks.sort((a, b) => a - b);
  let longest = 0;
  let longestEnd = started;
  let previous = started;
  for (const at of acks) {
    if (at > deadline) break;
    if (at - previous > longest) {
      longest = at - previous;
      longestEnd = at;
    }
    previous = at;
  }
  const gapStart = longestEnd - longest - started;
  const around = events
    .filter((e) => e.at >= gapStart - 3_000 && e.at <= longestEnd - started)
    .map((e) => `${(e.at / 1000).toFixed(1)} s ${e.text}`);
  options.log(`checking linearizability of ${history.length} operations (${unknown} of unknown outcome)...`);
  const checkStart = performance.now();
  const verdict = checkOperations(kvModel, history, { timeoutMs: 120_000, now: () => performance.now() });
  return {
    seconds: options.seconds,
    acknowledged: acks.length,
    unknown,
    faults,
    impairedMax,
    longestUnavailableMs: longest,
    longestUnavailableAt: `${(gapStart / 1000).toFixed(1)}-${((longestEnd - started) / 1000).toFixed(1)} s${around.length > 0 ? ` (${around.join('; ')})` : ''}`,
    appendsChecked,
    appendsLost: lost,
    appendsDuplicated: duplicated,
    linearizable: verdict.linearizable,
    checkMs: performance.now() - checkStart,
    converged,
    finalStatuses,
  };
}

export function describeSoak(report: SoakReport, options: SoakOptions): string[] {
  const f = faultsTolerated(options.replicas);
  return [
    `soak: ${options.replicas} replica processes, ${options.clients} clients (~${options.thinkMs} ms between ops) on ${2 * options.keys} keys, ${report.seconds} s; ` +
      `nemesis: ${report.faults.kill} SIGKILL then restart after 1-3 s, ${report.faults.restart} immediate restarts, ` +
      `${report.faults.pause} SIGSTOP/SIGCONT of 0.5-4 s; at most ${report.impairedMax} of f = ${f} replicas impaired at once`,
    `  ops acknowledged: ${report.acknowledged}; unknown outcomes (no answer within ${options.opTimeoutMs} ms): ${report.unknown}`,
    `  longest unavailability (no client answered): ${report.longestUnavailableMs.toFixed(0)} ms, at ${report.longestUnavailableAt}`,
    ...(report.converged
      ? []
      : [
          `  the cluster was NOT back to normal 30 s after the faults stopped (${report.finalStatuses.join('; ')}): final reads skipped`,
        ]),
    `  acknowledged appends kept: ${report.appendsChecked - report.appendsLost.length} of ${report.appendsChecked}` +
      `${report.appendsLost.length > 0 ? `; LOST: ${report.appendsLost.slice(0, 10).join(', ')}` : ''}` +
      `${report.appendsDuplicated.length > 0 ? `; DUPLICATED: ${report.appendsDuplicated.slice(0, 10).join(', ')}` : ''}`,
    `  linearizable: ${report.linearizable} (checked in ${(report.checkMs / 1000).toFixed(1)} s)`,
  ];
}
