import { describe, expect, it } from 'vitest';
import { mutations, type Mutation } from '../protocol/index.ts';
import { parseScenario, scenarioToJson } from '../scenario/schema.ts';
import { checkScenario } from '../sim/verdict.ts';
import { fuzzCommand, parseFuzzArgs, runFuzz, shardRange } from './fuzz-command.ts';
import type { CliIo } from './run-command.ts';

function io(): CliIo & { out: string; err: string } {
  const state = {
    out: '',
    err: '',
    readFile: () => '',
    readStdin: () => '',
    stdout: (text: string) => void (state.out += text),
    stderr: (text: string) => void (state.err += text),
  };
  return state;
}

/**
 * Fuzzing finds every mutation within this many seeds (from seed 1). The seed that fails first,
 * today: commit-without-quorum 46, longest-log-wins 4,323, start-view-without-quorum 9,
 * recovery-without-primary 732, truncate-before-new-state 43, ignore-client-table 3, ack-with-gap 2,
 * prepare-during-view-change 5, start-epoch-before-commit 10, retire-at-once 35, serve-before-transfer 10
 * (the §7 mutations bite only in the seeds that reconfigure). The bounds leave room for changes in the protocol's timing.
 */
const seedsToFind: Record<Exclude<Mutation, 'none'>, number> = {
  'commit-without-quorum': 300,
  'longest-log-wins': 10_000,
  'start-view-without-quorum': 100,
  'recovery-without-primary': 3000,
  'truncate-before-new-state': 300,
  'ignore-client-table': 50,
  'ack-with-gap': 50,
  'prepare-during-view-change': 100,
  'start-epoch-before-commit': 300,
  'retire-at-once': 1000,
  'serve-before-transfer': 300,
};

describe('sim fuzz', () => {
  it('parses its options and refuses bad ones', () => {
    expect(
      parseFuzzArgs([
        '--seeds',
        '50',
        '--start',
        '7',
        '--replicas',
        '5',
        '--mutation',
        'ack-with-gap',
        '--workers',
        '3',
        '--json',
      ]),
    ).toEqual({
      seeds: 50,
      start: 7,
      replicas: 5,
      mutation: 'ack-with-gap',
      recovery: 'crash-vectors',
      workers: 3,
      json: true,
      shard: null,
      coverageAll: false,
    });
    expect(parseFuzzArgs(['--recovery', 'paper'])).toMatchObject({ recovery: 'paper' });
    expect(parseFuzzArgs(['--recovery', 'disk'])).toMatch(/--recovery must be one of/);
    expect(parseFuzzArgs(['--seeds', '10', '--shard', '2/3'])).toMatchObject({
      start: 4,
      seeds: 3,
      shard: '2/3',
    });
    expect(parseFuzzArgs(['--shard', '0/3'])).toMatch(/K\/N/);
    expect(parseFuzzArgs(['--shard', '4/3'])).toMatch(/K\/N/);
    expect(parseFuzzArgs(['--seeds', '2', '--shard', '1/3'])).toMatch(/K\/N/);
    expect(parseFuzzArgs(['--replicas', '4'])).toMatch(/odd number/);
    expect(parseFuzzArgs(['--mutation', 'nope'])).toMatch(/one of none/);
    expect(parseFuzzArgs(['--seeds'])).toMatch(/needs a value/);
    expect(parseFuzzArgs(['--start', '4294967295', '--seeds', '2'])).toMatch(/go beyond/);
  });

  it.each(mutations.filter((m): m is Exclude<Mutation, 'none'> => m !== 'none'))(
    'finds %s within its bound of seeds',
    async (mutation) => {
      const report = await runFuzz({ seeds: seedsToFind[mutation], start: 1, mutation, workers: 2 });
      expect(report.failures.length, `${mutation}: no failure in ${seedsToFind[mutation]} seeds`).toBe(1);
      const failure = report.failures[0];
      console.log(
        `fuzz --mutation ${mutation}: first failure at seed ${failure.seed} (${failure.violations[0].checker})`,
      );
      expect(report.seeds).toBe(failure.seed);
      // The printed scenario replays the failure on its own.
      const replay = checkScenario(parseScenario(JSON.parse(scenarioToJson(failure.scenario))));
      expect(replay.violations[0]).toEqual(failure.violations[0]);
    },
  );

  it("finds the paper recovery's lost write within its bound of seeds, and crash vectors keep it", async () => {
    // Today seed 21 fails first, and about one seed in 160 fails: every one opens with the
    // forgotten-votes pattern, which uniform faults did not line up in 450,000 seeds.
    const bound = 1000;
    const report = await runFuzz({ seeds: bound, start: 1, mutation: 'none', recovery: 'paper', workers: 2 });
    expect(report.failures.length, `no failure in ${bound} seeds`).toBe(1);
    const failure = report.failures[0];
    console.log(
      `fuzz --recovery paper: first failure at seed ${failure.seed} (${failure.violations[0].checker})`,
    );
    expect(failure.violations[0].checker).toMatch(/no-lost-commit|acknowledged-kept/);
    const safe = checkScenario(
      parseScenario({ ...JSON.parse(scenarioToJson(failure.scenario)), recovery: 'crash-vectors' }),
    );
    expect(safe.violations).toEqual([]);
  });

  it('reports the lowest failing seed whatever the number of workers', async () => {
    const options = { seeds: 60, start: 1, mutation: 'commit-without-quorum' as const };
    const one = await runFuzz({ ...options, workers: 1 });
    const three = await runFuzz({ ...options, workers: 3 });
    expect(three.failures.map((f) => f.seed)).toEqual(one.failures.map((f) => f.seed));
    expect(three.seeds).toBe(one.seeds);
  });

  it('--json prints {seeds, failures} and exits 1 on a failure, 0 without', async () => {
    const failing = io();
    expect(
      await fuzzCommand(['--seeds', '20', '--mutation', 'ack-with-gap', '--workers', '1', '--json'], failing),
    ).toBe(1);
    const report = JSON.parse(failing.out);
    expect(Object.keys(report)).toEqual(['seeds', 'failures', 'coverage', 'features']);
    expect(report.coverage[0]).toMatchObject({
      kind: expect.any(String),
      name: expect.any(String),
      count: 0,
    });
    expect(Object.keys(report.failures[0])).toEqual(['seed', 'scenario', 'violations', 'link']);
    expect(report.failures[0].link).toMatch(/^#s=/);
    expect(failing.err).toMatch(/fuzz: seed \d+ fails/);
    const passing = io();
    expect(await fuzzCommand(['--seeds', '10', '--start', '100', '--workers', '2'], passing)).toBe(0);
    expect(passing.out).toBe('ok: seeds 100..109, mutation none, no violation\n');
    const bad = io();
    expect(await fuzzCommand(['--workers', '0'], bad)).toBe(2);
  });

  it('prints the failing seed and its scenario as JSON', async () => {
    const cli = io();
    expect(
      await fuzzCommand(['--seeds', '5', '--mutation', 'prepare-during-view-change', '--workers', '1'], cli),
    ).toBe(1);
    const seed = Number(/^FAIL seed (\d+)\n {2}normal-status at \d+ ms: /.exec(cli.out)?.[1]);
    expect(seed).toBeGreaterThanOrEqual(1);
    expect(seed).toBeLessThanOrEqual(5);
    const json = cli.out.slice(cli.out.indexOf('{'));
    const scenario = parseScenario(JSON.parse(json));
    expect(scenario.mutation).toBe('prepare-during-view-change');
    expect(scenario.seed).toBe(seed);
  });
});

describe('shards and coverage', () => {
  it('the N shards of a campaign cover exactly its seeds, each once', () => {
    for (const [start, seeds, n] of [
      [1, 3_000_000, 8],
      [5, 10, 3],
      [1, 7, 7],
      [100, 1, 1],
    ] as const) {
      const covered: number[] = [];
      for (let k = 1; k <= n; k++) {
        const shard = shardRange(start, seeds, k, n);
        expect(shard.seeds).toBeGreaterThan(0);
        if (seeds <= 10) for (let i = 0; i < shard.seeds; i++) covered.push(shard.start + i);
        else covered.push(shard.start, shard.start + shard.seeds - 1);
      }
      if (seeds <= 10) expect(covered).toEqual(Array.from({ length: seeds }, (_, i) => start + i));
      else for (let k = 1; k < n; k++) expect(covered[2 * k]).toBe(covered[2 * k - 1] + 1);
      expect(covered[0]).toBe(start);
      expect(covered.at(-1)).toBe(start + seeds - 1);
    }
  });

  it('every campaign reports what it reached, what it never reached first', async () => {
    const cli = io();
    expect(await fuzzCommand(['--seeds', '30', '--workers', '1'], cli)).toBe(0);
    expect(cli.err).toMatch(/coverage: \d+ of \d+ paths reached \(seeds 30,/);
    expect(cli.err).toContain('rarest reached:');
    expect(cli.err).toMatch(/guards against forged or misrouted messages: \d+ of \d+ never hit/);
    const report = await runFuzz({ seeds: 30, start: 1, mutation: 'none', workers: 2 });
    const rows = report.coverage.rows();
    expect(rows.find((row) => row.name === 'on prepare')!.count).toBeGreaterThan(100);
    expect(report.coverage.features.get('seeds')).toBe(30);
  });
});

describe('CI seed sweep', () => {
  const seeds = Number(process.env.VSR_SWEEP_SEEDS ?? 3000);

  it(`the correct protocol survives ${seeds} swarm seeds (2 workers)`, { timeout: 300_000 }, async () => {
    const started = performance.now();
    const report = await runFuzz({ seeds, start: 1, mutation: 'none', workers: 2 });
    const failure = report.failures[0];
    const message =
      failure === undefined
        ? ''
        : `seed ${failure.seed} fails: ${failure.violations.map((v) => `${v.checker} at ${v.time} ms: ${v.message}`).join('; ')}\n${scenarioToJson(failure.scenario)}`;
    if (failure !== undefined) console.error(message);
    expect(failure, message).toBeUndefined();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `CI sweep: ${seeds} seeds in ${seconds.toFixed(1)} s (${(seeds / seconds).toFixed(0)} seeds/s)`,
    );
  });
});
