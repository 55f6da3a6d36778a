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
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForNode } from './bundle.mjs';

const rowCount = Number(process.argv[2] ?? 30);
const bundle = await bundleForNode('bench/steady.ts');

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
      // Fixed seeds: V8's hash and random seeds otherwise move the count by a few percent run to run.
      '--hash-seed=1',
      '--random-seed=1',
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
 * Self costs per function from a callgrind file written with --dump-instr=yes, each as an object
 * keyed by the file's event names (Ir, I1mr, D1mr, ...). Each cost line starts with an address
 * (absolute, +/- relative or * for the same), and the line after a `calls=` line is the call's
 * inclusive cost, which is skipped.
 */
function costsByFunction(path, perfMap) {
  const nameOf = readPerfMap(perfMap);
  const costs = new Map();
  const functionNames = new Map();
  let eventNames = [];
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
      if (row === undefined)
        costs.set(name, (row = Object.fromEntries(eventNames.map((event) => [event, 0]))));
      for (let i = 2; i < fields.length; i++) row[eventNames[i - 2]] += Number(fields[i]);
    } else if (line.startsWith('calls=')) skipCallCost = true;
    else if (line.startsWith('fn=')) {
      const match = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      if (match?.[2] !== undefined) functionNames.set(match[1], match[2]);
      native = functionNames.get(match?.[1]) ?? '?';
    } else if (line.startsWith('events:')) eventNames = line.slice('events:'.length).trim().split(' ');
  }
  return costs;
}

/** What the table shows of a function's costs per event (missing events count as 0). */
function summarize(c) {
  const sum = (...events) => events.reduce((total, event) => total + (c[event] ?? 0), 0);
  const instructions = sum('Ir');
  const i1 = sum('I1mr');
  const d1 = sum('D1mr', 'D1mw');
  const ll = sum('ILmr', 'DLmr', 'DLmw');
  const mispredicted = sum('Bcm', 'Bim');
  // A rough weighting for ranking only: ~2.5 instructions per cycle, ~12 cycles per L1 miss, ~150
  // per last-level miss, ~16 per mispredicted branch.
  const weight = instructions / 2.5 + 12 * (i1 + d1) + 150 * ll + 16 * mispredicted;
  return { weight, instructions, i1, d1, ll, mispredicted };
}

const dir = mkdtempSync(join(tmpdir(), 'cache-profile-'));
try {
  const [short, long] = await Promise.all([profile(600_000, dir), profile(1_200_000, dir)]);
  const span = long.eventCount - short.eventCount;
  const rows = [];
  const total = {};
  for (const name of new Set([...short.costs.keys(), ...long.costs.keys()])) {
    const a = short.costs.get(name) ?? {};
    const b = long.costs.get(name) ?? {};
    const perEvent = {};
    for (const event of new Set([...Object.keys(a), ...Object.keys(b)])) {
      perEvent[event] = ((b[event] ?? 0) - (a[event] ?? 0)) / span;
      total[event] = (total[event] ?? 0) + perEvent[event];
    }
    rows.push({ name, ...summarize(perEvent) });
  }
  const all = summarize(total);
  const cell = (value, width, digits = 0) => value.toFixed(digits).padStart(width);
  console.log(`${span} events between the two runs; per steady-state event:`);
  console.log(
    `instructions ${all.instructions.toFixed(0)}, I1 misses ${all.i1.toFixed(1)}, D1 misses ${all.d1.toFixed(1)}, last-level misses ${all.ll.toFixed(2)}, mispredicted branches ${all.mispredicted.toFixed(1)}`,
  );
  console.log(
    `${'weight'.padStart(7)}${'instr'.padStart(7)}${'I1 miss'.padStart(8)}${'D1 miss'.padStart(8)}${'LL miss'.padStart(8)}${'mispr'.padStart(7)}  function`,
  );
  for (const row of rows.sort((a, b) => b.weight - a.weight).slice(0, rowCount))
    console.log(
      `${cell(row.weight, 7)}${cell(row.instructions, 7)}${cell(row.i1, 8, 1)}${cell(row.d1, 8, 1)}${cell(row.ll, 8, 2)}${cell(row.mispredicted, 7, 1)}  ${row.name.replace(/file:\/\/\S*\.bundle\.mjs/, '')}`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
