/**
 * Linearizability checker timings on the Porcupine conformance histories, beside Porcupine's own
 * figures (Go, 2 cores; from ../shared/conformance/porcupine/README.md). Parsing is not timed.
 * Run alone with `npx tsx bench/lincheck.ts`, or through `npm run bench`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseJepsenEtcd, parseKvEdn } from '../src/node/history-parse.ts';
import { casRegisterModel, checkOperations, kvModel } from '../src/sim/checkers/linearizability/index.ts';

const conformanceDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/conformance/porcupine');

interface BenchCase {
  readonly name: string;
  /** Porcupine's time per check, in milliseconds. */
  readonly porcupineMs: number;
  /** Checks the (already parsed) histories once. */
  readonly check: () => void;
}

/** Samples per case; the median is reported. */
const SAMPLES = 7;
/** A sample repeats a fast check until it has taken at least this long, to beat timer resolution. */
const MIN_SAMPLE_MS = 20;
const WARM_UP_MS = 300;

export async function benchLincheck(): Promise<void> {
  const cases = loadCases();
  // CPU time beside wall time: on a shared machine the wall clock also counts other processes.
  console.log('| history | ours, wall (median) | ours, CPU (median) | Porcupine | wall ours / Porcupine |');
  console.log('|---|---:|---:|---:|---:|');
  for (const benchCase of cases) {
    const { wallMs, cpuMs } = median(benchCase.check);
    const ratio = (wallMs / benchCase.porcupineMs).toFixed(2);
    console.log(
      `| ${benchCase.name} | ${formatMs(wallMs)} | ${formatMs(cpuMs)} | ${formatMs(benchCase.porcupineMs)} | ${ratio} |`,
    );
    // Let other work (and the console) breathe between cases.
    await Promise.resolve();
  }
}

function loadCases(): BenchCase[] {
  const etcdDir = join(conformanceDir, 'jepsen');
  const etcd = new Map(
    readdirSync(etcdDir)
      .filter((name) => name.endsWith('.log'))
      .sort()
      .map((name) => [name, parseJepsenEtcd(readFileSync(join(etcdDir, name), 'utf8'))] as const)
      .filter(([, ops]) => ops.length > 0), // etcd_095.log is empty
  );
  const etcdNames = [...etcd.keys()];
  const checkEtcd = (name: string) => () => {
    checkOperations(casRegisterModel, etcd.get(name)!);
  };
  const kvCase = (name: string, porcupineMs: number): BenchCase => {
    const ops = parseKvEdn(readFileSync(join(conformanceDir, 'kv', `${name}.txt`), 'utf8'));
    return { name: `kv ${name}`, porcupineMs, check: () => void checkOperations(kvModel, ops) };
  };
  return [
    {
      name: `all ${etcdNames.length} etcd logs`,
      porcupineMs: 827,
      check: () => etcdNames.forEach((name) => checkEtcd(name)()),
    },
    { name: 'etcd_002', porcupineMs: 367, check: checkEtcd('etcd_002.log') },
    { name: 'etcd_007', porcupineMs: 187, check: checkEtcd('etcd_007.log') },
    kvCase('c01-ok', 0.15),
    kvCase('c01-bad', 0.07),
    kvCase('c10-ok', 1.0),
    kvCase('c10-bad', 0.76),
    kvCase('c50-ok', 255),
    kvCase('c50-bad', 50),
  ];
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function median(check: () => void): Sample {
  // Warm up until the JIT has compiled the hot paths (it compiles in the background: give it time).
  const warmUpStart = performance.now();
  do check();
  while (performance.now() - warmUpStart < WARM_UP_MS);
  const samples: Sample[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(sample(check));
  const middle = (values: number[]) => values.sort((a, b) => a - b)[SAMPLES >> 1];
  return {
    wallMs: middle(samples.map((s) => s.wallMs)),
    cpuMs: middle(samples.map((s) => s.cpuMs)),
  };
}

function sample(check: () => void): Sample {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let runs = 0;
  let elapsed = 0;
  do {
    check();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < MIN_SAMPLE_MS);
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs: elapsed / runs, cpuMs: (cpu.user + cpu.system) / 1000 / runs };
}

function formatMs(ms: number): string {
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toPrecision(2)} ms`;
}

// Run on its own only as its own entry (bundled, every module shares the bundle's import.meta.url).
if (/[/.]lincheck(\.bundle\.mjs|\.ts)$/.test(process.argv[1] ?? '')) await benchLincheck();
