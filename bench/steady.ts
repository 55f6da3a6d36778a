/**
 * One steady run for comparing engine versions by instructions rather than by wall-clock time,
 * which swings by a third between identical runs on a shared machine:
 *
 *   node scripts/bench.mjs bench/steady.ts 600000   # builds bench/.steady.bundle.mjs and runs it
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     node --single-threaded --hash-seed=1 --random-seed=1 --initial-old-space-size=256 \
 *     bench/.steady.bundle.mjs 600000
 *
 * `--single-threaded` compiles and collects on the main thread, and fixed hash and random seeds
 * keep V8's hash tables and identity hashes the same from run to run, so the count repeats to
 * within 0.01% (without the seeds the per-event figure wanders by about 3%). The difference between runs to 600000 and 1200000 virtual ms, divided by the events
 * between them, is the steady-state cost of an event without start-up and warm-up. The large
 * initial old space keeps mark-compacts out of both runs: one that falls in only one of them adds
 * about 370 instructions per event to the difference.
 *
 * Instructions are not the whole cost: `node scripts/cache-profile.mjs` runs the same pair under
 * callgrind with cache and branch simulation and ranks functions by misses and mispredictions too.
 */
import { defaultCheckers, World } from '../src/sim/index.ts';
import { longScenario } from './engine.ts';

const until = Number(process.argv[2] ?? 600_000);
const world = new World(longScenario(until), { checkers: defaultCheckers() });
world.runToEnd();
console.log(`${world.eventCount} events to ${until} virtual ms`);
