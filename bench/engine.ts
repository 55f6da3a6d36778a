/**
 * Engine benchmarks: simulated events per second, seeds per second, seek time in a long run as a
 * ratio to simulating 1,000 events, and memory used by a 1,000,000-event run.
 */
import { performance } from 'node:perf_hooks';
import { parseScenario } from '../src/scenario/schema.ts';
import { defaultCheckers, Run, World, type Checker, type Scenario } from '../src/sim/index.ts';
import { runAndCheckLiveness } from '../src/sim/checkers/liveness.ts';
import { swarmScenario } from '../src/sim/swarm.ts';
import { median, sampleWithReference, summarize, type SampleSummary } from './machine-speed.ts';

/** The standard workload: 3 replicas, 3 clients x 10 requests, random crashes and partitions. */
export function standardScenario(seed: number, requestsPerClient = 10, until = 8000): Scenario {
  return parseScenario({
    version: 1,
    name: 'bench standard',
    seed,
    replicas: 3,
    clients: 3,
    workload: { requestsPerClient, keys: 4 },
    until,
    actions: [
      { at: 300, type: 'crash', replica: seed % 3 },
      { at: 1500, type: 'restart', replica: seed % 3 },
      { at: 2500, type: 'partition', groups: [[(seed + 1) % 3], [(seed + 2) % 3, seed % 3]] },
      { at: 3500, type: 'heal' },
    ],
  });
}

/** A long steady run: the standard cluster with an endless workload. */
export function longScenario(until: number): Scenario {
  return parseScenario({
    version: 1,
    seed: 7,
    replicas: 3,
    clients: 3,
    workload: { requestsPerClient: 10_000_000, keys: 4 },
    until,
  });
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/** Memory in use: the JS heap plus array buffers (typed arrays keep their contents outside the heap). */
function memoryUsed(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Events per second in the steady state: one warm-up run (JIT compilation), then ten runs of about
 * 500,000 events each (2,400 virtual seconds of the steady workload; 25,000-event runs measured
 * mostly the warm-up), each between two timings of a fixed reference loop (machine-speed.ts).
 */
function eventsPerSecond(checkers: () => Checker[]): SampleSummary {
  new World(longScenario(120_000), { checkers: checkers() }).runToEnd();
  const samples = sampleWithReference(10, () => {
    const world = new World(longScenario(2_400_000), { checkers: checkers() });
    const [, ms] = time(() => world.runToEnd());
    return world.eventCount / (ms / 1000);
  });
  return summarize(samples);
}

const perSecond = (rate: number): string => Math.round(rate).toLocaleString('en-US');

function describeRate(rate: SampleSummary): string {
  return `best ${perSecond(rate.best)}, median ${perSecond(rate.median)} of 10 samples (a fixed loop timed between them took ${rate.referenceMs[0].toFixed(0)}–${rate.referenceMs[1].toFixed(0)} ms)`;
}

export function benchEngine(print: (line: string) => void = console.log): void {
  // With every checker on, as the app and the CLI run; then the simulator alone, which shows what
  // the checkers cost.
  print(
    `events/s (3 replicas, 3 clients, steady workload, checkers on): ${describeRate(eventsPerSecond(defaultCheckers))}`,
  );
  print(`events/s (the same, simulator alone, no checkers): ${describeRate(eventsPerSecond(() => []))}`);

  // Seeds per second: the standard workload with crashes and partitions, to its end.
  let events = 0;
  const seeds = 400;
  const [, seedMs] = time(() => {
    for (let seed = 1; seed <= seeds; seed++) {
      const world = new World(standardScenario(seed), { checkers: defaultCheckers() });
      world.runToEnd();
      events += world.eventCount;
    }
  });
  print(
    `seeds/s (standard workload, checkers on): ${Math.round(seeds / (seedMs / 1000))} (${Math.round(events / seeds)} events per seed)`,
  );

  let swarmEvents = 0;
  const [, swarmMs] = time(() => {
    for (let seed = 1; seed <= seeds; seed++) {
      const { scenario } = swarmScenario(seed);
      const world = new World(scenario, { checkers: defaultCheckers() });
      runAndCheckLiveness(world);
      swarmEvents += world.eventCount;
    }
  });
  print(
    `seeds/s (swarm scenarios with liveness): ${Math.round(seeds / (swarmMs / 1000))} (${Math.round(swarmEvents / seeds)} events per seed)`,
  );

  benchSeek(print);
  benchMemory(print);
}

/** Seek: anywhere in a 100,000-event run, against simulating 1,000 events. */
function benchSeek(print: (line: string) => void): void {
  const run = new Run(longScenario(80_000_000));
  run.extendBy(100_000);
  const [, thousandMs] = time(() => {
    const world = new World(longScenario(80_000_000), { checkers: defaultCheckers() });
    for (let i = 0; i < 1000; i++) world.step();
  });
  const seekTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const target = Math.floor(((i * 7919) % 100) * 1000 + ((i * 104729) % 999));
    const [, ms] = time(() => run.worldAfter(target));
    seekTimes.push(ms);
  }
  const seekMedian = median(seekTimes);
  const seekMax = Math.max(...seekTimes);
  print(
    `seek in a 100,000-event run: median ${seekMedian.toFixed(2)} ms, max ${seekMax.toFixed(2)} ms; 1,000 events take ${thousandMs.toFixed(2)} ms (seek = ${(seekMedian / thousandMs).toFixed(2)}x, max ${(seekMax / thousandMs).toFixed(2)}x the cost of 1,000 events)`,
  );
}

/**
 * Memory held by what `build` returns, heap and array buffers (the trace's columns are typed
 * arrays). Each measurement runs in its own call, so nothing built earlier is still alive when
 * "before" is taken and collected before "after".
 */
function memoryOf<T>(build: () => T): [T, number, number] {
  settle();
  const before = memoryUsed();
  const [value, ms] = time(build);
  settle();
  return [value, memoryUsed() - before, ms];
}

/**
 * Collects garbage until the figure holds still: array buffers are released by a sweeper that the
 * next collection finishes, so one gc() can leave a dead run's typed arrays counted.
 */
function settle(): void {
  for (let i = 0; i < 4; i++) globalThis.gc?.();
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);

function benchMemory(print: (line: string) => void): void {
  benchHeadlessMemory(print);
  benchTraceMemory(print);
}

function benchHeadlessMemory(print: (line: string) => void): void {
  // A 1,000,000-event headless run: the CLI and the fuzzer (checkers on, no trace kept).
  const [headless, headlessBytes, headlessMs] = memoryOf(() => {
    const world = new World(longScenario(86_000_000), { checkers: defaultCheckers() });
    for (let i = 0; i < 1_000_000 && world.step(); i++);
    return world;
  });
  print(
    `1,000,000-event headless run (checkers on, no trace): ${mb(headlessBytes)} MB heap and array buffers, ${(headlessMs / 1000).toFixed(2)} s (${headless.eventCount.toLocaleString('en-US')} events)`,
  );
}

function benchTraceMemory(print: (line: string) => void): void {
  // A 1,000,000-event run with its trace and checkpoints kept: what the app holds for time travel.
  const [big, bigBytes, bigMs] = memoryOf(() => {
    const run = new Run(longScenario(86_000_000));
    run.extendBy(1_000_000);
    return run;
  });
  print(
    `1,000,000-event run with trace and checkpoints: ${mb(bigBytes)} MB heap and array buffers, ${(bigMs / 1000).toFixed(2)} s (${big.head.eventCount.toLocaleString('en-US')} events)${globalThis.gc ? '' : ' (run node with --expose-gc for an exact figure)'}`,
  );
}

if (/[/.]engine(\.bundle\.mjs|\.ts)$/.test(process.argv[1] ?? '')) benchEngine();
