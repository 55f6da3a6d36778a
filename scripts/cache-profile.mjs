// Where a steady-state event's time goes, function by function: instructions, instruction- and
// data-cache misses and branch mispredictions. Instruction counts alone mislead here: the checkers
// add ~30% to the instructions of an event but ~70% to its wall-clock time, and the difference is
// cache misses and mispredicted branches.
//
//   node scripts/cache-profile.mjs [rows]     # needs valgrind (apt-get install -y valgrind); ~5 min
//
// Two callgrind runs of bench/steady.ts (to 600,000 and 1,200,000 virtual ms, with cache and branch
// simulation) and their difference divided by the events between them: the cost of a steady-state
// event without start-up and JIT warm-up. JIT code is named through V8's --perf-basic-prof map.
// callgrind models one cache level below L1 and a simple branch predictor, so its figures rank
// functions rather than predict a real CPU's cycles.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const rows = Number(process.argv[2] ?? 30);
const bundle = 'bench/.steady.bundle.mjs';
await build({
  entryPoints: ['bench/steady.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: bundle,
  logLevel: 'warning',
});

const events = ['Ir', 'Dr', 'Dw', 'I1mr', 'D1mr', 'D1mw', 'ILmr', 'DLmr', 'DLmw', 'Bc', 'Bcm', 'Bi', 'Bim'];
const column = Object.fromEntries(events.map((name, index) => [name, index]));

/** Runs the steady bench to `until` under callgrind; resolves to its event count and per-function costs. */
function profile(until, dir) {
  return new Promise((resolve, reject) => {
    const args = [
      '--tool=callgrind',
      '--cache-sim=yes',
      '--branch-sim=yes',
      '--dump-instr=yes',
      `--callgrind-out-file=${dir}/cg.${until}.%p`,
      process.execPath,
      '--single-threaded',
      '--initial-old-space-size=256',
      '--perf-basic-prof',
      // --perf-basic-prof also starts V8's log: keep it out of the working directory.
      '--no-logfile-per-isolate',
      `--logfile=${dir}/v8.${until}.log`,
      bundle,
      String(until),
    ];
    const child = spawn('valgrind', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', () => reject(new Error('valgrind not found: apt-get install -y valgrind')));
    child.on('close', (status) => {
      const file = readdirSync(dir).find((name) => name.startsWith(`cg.${until}.`));
      if (status !== 0 || file === undefined) return reject(new Error(`callgrind run to ${until} failed`));
      const pid = file.split('.').pop();
      const costs = costsByFunction(join(dir, file), `/tmp/perf-${pid}.map`);
      rmSync(`/tmp/perf-${pid}.map`, { force: true });
      resolve({ eventCount: Number(/^(\d+) events/.exec(out)?.[1] ?? NaN), costs });
    });
  });
}

/** Address ranges of JIT code and builtins, from V8's perf map ("start size name" per line). */
function readPerfMap(path) {
  const ranges = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      return {
        start: parseInt(start, 16),
        end: parseInt(start, 16) + parseInt(size, 16),
        name: name.join(' '),
      };
    })
    .sort((a, b) => a.start - b.start);
  return (address) => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (ranges[mid].start <= address) low = mid + 1;
      else high = mid - 1;
    }
    const range = ranges[high];
    return range !== undefined && address < range.end ? range.name : null;
  };
}

/**
 * Self costs per function from a callgrind file written with --dump-instr=yes: each cost line starts
 * with an address (absolute, +/- relative or * for the same), and the line after a `calls=` line is
 * the call's inclusive cost, which is skipped.
 */
function costsByFunction(path, perfMap) {
  const nameOf = readPerfMap(perfMap);
  const costs = new Map();
  const functionNames = new Map();
  let native = '?';
  let last = 0;
  let skipCallCost = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const first = line[0];
    if ((first >= '0' && first <= '9') || first === '+' || first === '-' || first === '*') {
      const fields = line.split(' ');
      const token = fields[0];
      last =
        token === '*' ? last : first === '+' || first === '-' ? last + Number(token) : parseInt(token, 16);
      if (skipCallCost) {
        skipCallCost = false;
        continue;
      }
      const name = nameOf(last) ?? `native ${native}`;
      let row = costs.get(name);
      if (row === undefined) costs.set(name, (row = new Array(events.length).fill(0)));
      for (let i = 2; i < fields.length; i++) row[i - 2] += Number(fields[i]);
    } else if (line.startsWith('calls=')) skipCallCost = true;
    else if (line.startsWith('fn=')) {
      const match = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (match?.[2] !== undefined) functionNames.set(match[1], match[2]);
      native = functionNames.get(match?.[1]) ?? '?';
    }
  }
  return costs;
}

const dir = mkdtempSync(join(tmpdir(), 'cache-profile-'));
try {
  const [short, long] = await Promise.all([profile(600_000, dir), profile(1_200_000, dir)]);
  const span = long.eventCount - short.eventCount;
  const zero = new Array(events.length).fill(0);
  const perEvent = new Map();
  for (const name of new Set([...short.costs.keys(), ...long.costs.keys()])) {
    const a = short.costs.get(name) ?? zero;
    const b = long.costs.get(name) ?? zero;
    perEvent.set(
      name,
      b.map((value, i) => (value - a[i]) / span),
    );
  }
  // A rough weighting for ranking only: ~2.5 instructions per cycle, ~12 cycles per L1 miss, ~150 per
  // last-level miss, ~16 per mispredicted branch.
  const weight = (c) =>
    c[column.Ir] / 2.5 +
    12 * (c[column.I1mr] + c[column.D1mr] + c[column.D1mw]) +
    150 * (c[column.ILmr] + c[column.DLmr] + c[column.DLmw]) +
    16 * (c[column.Bcm] + c[column.Bim]);
  const total = events.map((_, i) => [...perEvent.values()].reduce((sum, c) => sum + c[i], 0));
  const fixed = (value, digits = 0) => value.toFixed(digits).padStart(7);
  console.log(`${span} events between the two runs; per steady-state event:`);
  console.log(
    `instructions ${total[column.Ir].toFixed(0)}, I1 misses ${total[column.I1mr].toFixed(1)}, D1 misses ${(total[column.D1mr] + total[column.D1mw]).toFixed(1)}, last-level misses ${(total[column.ILmr] + total[column.DLmr] + total[column.DLmw]).toFixed(2)}, mispredicted branches ${(total[column.Bcm] + total[column.Bim]).toFixed(1)}`,
  );
  console.log(
    `${'weight'.padStart(7)}${'instr'.padStart(7)}${'I1 miss'.padStart(8)}${'D1 miss'.padStart(8)}${'LL miss'.padStart(8)}${'mispr'.padStart(7)}  function`,
  );
  for (const [name, c] of [...perEvent].sort((a, b) => weight(b[1]) - weight(a[1])).slice(0, rows))
    console.log(
      `${fixed(weight(c))}${fixed(c[column.Ir])}${fixed(c[column.I1mr], 1).padStart(8)}${fixed(c[column.D1mr] + c[column.D1mw], 1).padStart(8)}${fixed(c[column.ILmr] + c[column.DLmr] + c[column.DLmw], 2).padStart(8)}${fixed(c[column.Bcm] + c[column.Bim], 1)}  ${name.replace(/file:\/\/\S*\.bundle\.mjs/, '')}`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
