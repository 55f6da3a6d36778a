/**
 * How fast the machine runs right now. On a shared host the same code runs at very different speeds
 * from one second to the next (on the machine these figures come from, 1.6x apart within a minute,
 * with no steal time visible to the guest). Noise only ever slows a run down, so the best of many
 * samples is the code's speed on an uncontended core and the median says what the machine was doing.
 * A fixed piece of integer work timed between samples shows how much the machine's speed varied.
 */
import { performance } from 'node:perf_hooks';

const referenceTable = new Int32Array(4096);

/** Milliseconds for a fixed loop of multiply-xor hashing (~40 ms on an uncontended 2.4 GHz core). */
export function referenceLoopMs(): number {
  const start = performance.now();
  let hash = 0x811c9dc5;
  for (let i = 0; i < 30_000_000; i++) {
    hash = Math.imul(hash ^ i, 0x01000193);
    referenceTable[i & 4095] += hash;
  }
  return performance.now() - start;
}

export interface Sample {
  /** What the benchmark measured (a rate: higher is faster). */
  readonly rate: number;
  /** The slower of the reference loops just before and just after it. */
  readonly referenceMs: number;
}

export interface SampleSummary {
  readonly median: number;
  readonly best: number;
  /** The fastest and slowest reference loops: how fast the machine ran, and how much that varied. */
  readonly referenceMs: readonly [number, number];
}

/** Takes `count` samples of `measure`, each bracketed by reference loops. */
export function sampleWithReference(count: number, measure: () => number): Sample[] {
  referenceLoopMs(); // compiles the loop
  const samples: Sample[] = [];
  let before = referenceLoopMs();
  for (let i = 0; i < count; i++) {
    const rate = measure();
    const after = referenceLoopMs();
    samples.push({ rate, referenceMs: Math.max(before, after) });
    before = after;
  }
  return samples;
}

/** The median; of an even count, the lower of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}

export function summarize(samples: readonly Sample[]): SampleSummary {
  const fastest = Math.min(...samples.map((sample) => sample.referenceMs));
  const slowest = Math.max(...samples.map((sample) => sample.referenceMs));
  return {
    median: median(samples.map((sample) => sample.rate)),
    best: Math.max(...samples.map((sample) => sample.rate)),
    referenceMs: [fastest, slowest],
  };
}
