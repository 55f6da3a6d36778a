/**
 * UI benchmark (`npm run bench:ui`): builds the app, serves it, drives headless Debian Chromium and
 * prints
 * - per-frame work time (p50 / p95 / max, measured with performance.now() around the update: the
 *   simulation step, the frame snapshot and React's render, flushed synchronously) for 3, 5 and 9
 *   replicas under a heavy workload (16 clients, long and duplicating links: 300+ messages in
 *   flight with 9 replicas);
 * - seek time on a 100,000-event run (a seek = checkpoint + replay + snapshot + render), and the
 *   simulator's share of it;
 * - the gzipped size of the initial JavaScript.
 * Headless frame rate is capped at 60 per second, which is why work time, not frame rate, is reported.
 * Each row is the best of BENCH_UI_TRIALS trials (lowest p95) because the machine may be shared;
 * the worst trial's p95 is printed beside it. At 10x a frame may spend up to the session's frame
 * budget (5 ms) computing events by design: beyond it the cursor lags and the UI says so.
 * The page exposes its hooks on `window.vsrScopeDebug` (src/ui/debug.ts).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';

const root = resolve(import.meta.dirname, '..');
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const measureMs = Number(process.env.BENCH_UI_MEASURE_MS ?? 4000);
/** Trials per row; the row shows the one with the lowest p95 (the machine may be shared). */
const trials = Number(process.env.BENCH_UI_TRIALS ?? 3);
const warmupMs = 1500;
const seekEvents = 100_000;
const seeks = 100;

/** The heavy workload: every client busy, slow links that duplicate half their messages. */
function heavyScenario(replicas: number): unknown {
  return {
    version: 1,
    name: `bench heavy ${replicas}`,
    seed: 11,
    replicas,
    clients: 16,
    workload: { requestsPerClient: 100_000, keys: 16 },
    network: { latencyMs: [300, 900], duplicateRate: 0.5 },
    timing: { viewChangeTimeoutMs: 4000, heartbeatMs: 250, prepareRetryMs: 300, clientRetryMs: 5000 },
    until: 3_600_000,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function summary(values: readonly number[]): { p50: number; p95: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted.at(-1) ?? NaN,
    n: sorted.length,
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.vsrScopeDebug !== undefined);
}

async function frameWork(page: Page, url: string, replicas: number, speed: number) {
  await openApp(page, url);
  await page.evaluate(
    ([scenario, s]) => {
      window.vsrScopeDebug!.load(scenario, s as number);
    },
    [heavyScenario(replicas), speed] as const,
  );
  await page.waitForTimeout(warmupMs);
  await page.evaluate(() => window.vsrScopeDebug!.record(true));
  await page.waitForTimeout(measureMs);
  const samples = await page.evaluate(() => {
    window.vsrScopeDebug!.record(false);
    return window.vsrScopeDebug!.samples();
  });
  const state = await page.evaluate(() => window.vsrScopeDebug!.state());
  const inFlight = summary(samples.inFlight);
  const animation = samples.frameMs.filter((_, i) => !samples.panels[i]);
  const panels = samples.frameMs.filter((_, i) => samples.panels[i]);
  return {
    work: summary(samples.frameMs),
    animation: summary(animation),
    panels: summary(panels),
    inFlight,
    virtualMs: state.time,
  };
}

interface SeekResult {
  readonly events: number;
  readonly computeMs: number;
  /** Seek with everything: replay, snapshot, React render and canvas. */
  readonly seek: ReturnType<typeof summary>;
  /** Only the simulator part: restore the checkpoint and replay. */
  readonly replay: ReturnType<typeof summary>;
}

async function seekTimes(page: Page, url: string): Promise<SeekResult> {
  await openApp(page, url);
  await page.evaluate((scenario) => window.vsrScopeDebug!.load(scenario, 1), heavyScenario(5));
  const computeStarted = Date.now();
  const events = await page.evaluate((count) => window.vsrScopeDebug!.compute(count), seekEvents);
  const computeMs = Date.now() - computeStarted;
  let best: SeekResult | null = null;
  for (let trial = 0; trial < trials; trial++) {
    const times = await page.evaluate(
      ([count, total, seed]) => {
        // A fixed pseudo-random walk over the run (no Math.random: the bench repeats exactly).
        let x = seed;
        const full: number[] = [];
        const replay: number[] = [];
        const debug = window.vsrScopeDebug!;
        for (let i = 0; i < count; i++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          full.push(debug.seek(x % total));
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const started = performance.now();
          debug.session.run.worldAfter(x % total);
          replay.push(performance.now() - started);
        }
        return { full, replay };
      },
      [seeks, events, 12345 + trial] as const,
    );
    const result = {
      events,
      computeMs,
      seek: summary(times.full.slice(5)),
      replay: summary(times.replay.slice(5)),
    };
    if (best === null || result.seek.p95 < best.seek.p95) best = result;
  }
  return best!;
}

function initialJsGzip(dist: string): { files: string[]; raw: number; gzip: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g),
  ].map((m) => m[1]);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(dist, file.replace(/^\.?\//, '')));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
}

async function main(): Promise<void> {
  const outDir = join(root, 'dist');
  console.log('building the app ...');
  await build({ root, logLevel: 'warn', build: { outDir } });
  const server = await preview({
    root,
    logLevel: 'warn',
    preview: { port: 4191, strictPort: false, host: '127.0.0.1' },
  });
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4191/';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    console.log(
      `machine: ${availableParallelism()} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (a loaded machine inflates every figure: wall-clock work includes preemption)`,
    );
    console.log(
      `\nper-frame work (sim step + snapshot + React render + canvas), 1280x800, best of ${trials} trials of ${measureMs / 1000} s (lowest p95)`,
    );
    console.log(
      'replicas  speed  frames   p50        p95        max        in flight p50 / max   | animation-only p50 / p95 | with panel refresh p50 / p95',
    );
    for (const speed of [1, 10])
      for (const replicas of [3, 5, 9]) {
        const runs = [];
        for (let trial = 0; trial < trials; trial++) runs.push(await frameWork(page, url, replicas, speed));
        runs.sort((a, b) => a.work.p95 - b.work.p95);
        const result = runs[0];
        console.log(
          `${String(replicas).padEnd(9)} ${`${speed}x`.padEnd(6)} ${String(result.work.n).padEnd(8)} ${ms(result.work.p50).padEnd(10)} ${ms(result.work.p95).padEnd(10)} ${ms(result.work.max).padEnd(10)} ${`${result.inFlight.p50} / ${result.inFlight.max}`.padEnd(21)} | ${ms(result.animation.p50)} / ${ms(result.animation.p95)} | ${ms(result.panels.p50)} / ${ms(result.panels.p95)}   (worst trial p95 ${ms(runs.at(-1)!.work.p95)})`,
        );
      }
    const seek = await seekTimes(page, url);
    console.log(`load average now ${loadavg()[0].toFixed(1)}`);
    console.log(
      `\nseek on a ${seek.events}-event run (computed in ${(seek.computeMs / 1000).toFixed(1)} s), ${seeks - 5} random seeks, best of ${trials} trials:` +
        `\n  whole seek (checkpoint + replay + snapshot + React render + canvas): p50 ${ms(seek.seek.p50)}, p95 ${ms(seek.seek.p95)}, max ${ms(seek.seek.max)}` +
        `\n  simulator part only (checkpoint + replay):                         p50 ${ms(seek.replay.p50)}, p95 ${ms(seek.replay.p95)}, max ${ms(seek.replay.max)}`,
    );
    const js = initialJsGzip(outDir);
    console.log(
      `\ninitial JavaScript: ${js.files.join(', ')}: ${(js.raw / 1024).toFixed(1)} KB raw, ${(js.gzip / 1024).toFixed(1)} KB gzipped (level 9)`,
    );
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
}

await main();
