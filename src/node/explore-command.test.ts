import { describe, expect, it } from 'vitest';
import { mutationScenarios } from '../scenario/mutation-scenarios.ts';
import { parseScenario, scenarioToJson } from '../scenario/schema.ts';
import { exploreCommand } from './explore-command.ts';
import { runCommand, type CliIo } from './run-command.ts';

function io(files: Record<string, string>): CliIo & { out: string; err: string } {
  const state = {
    out: '',
    err: '',
    readFile: (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file '${path}'`);
      return files[path];
    },
    readStdin: () => '',
    stdout: (text: string) => void (state.out += text),
    stderr: (text: string) => void (state.err += text),
  };
  return state;
}

const broken = scenarioToJson(mutationScenarios['ack-with-gap'].scenario);
const correct = scenarioToJson({ ...mutationScenarios['ack-with-gap'].scenario, mutation: 'none' });

describe('sim explore', () => {
  it('finds a shortest counterexample, prints it as JSON with a replayable scenario, and exits 1', async () => {
    const cli = io({ 'broken.json': broken });
    expect(await exploreCommand(['broken.json', '--at', '90', '--depth', '4', '--json'], cli)).toBe(1);
    const result = JSON.parse(cli.out);
    expect(Object.keys(result)).toEqual([
      'ok',
      'verdict',
      'states',
      'generated',
      'depth',
      'exhausted',
      'counterexample',
    ]);
    expect(result.ok).toBe(false);
    expect(result.counterexample).toMatchObject({ length: 3, checker: 'prepare-ok-holds' });
    expect(cli.err).toMatch(/^depth 0: 1 states/m);
    expect(cli.err).toMatch(/states\/s, 1 worker\)/);
    // The counterexample is a scenario `sim run` reads and fails on.
    const replay = io({ 'cx.json': JSON.stringify(result.counterexample.scenario) });
    expect(parseScenario(result.counterexample.scenario).actions.at(-1)?.type).toBe('deliver');
    expect(runCommand(['cx.json', '--json'], replay)).toBe(1);
    expect(JSON.parse(replay.out).violations[0].checker).toBe('prepare-ok-holds');
  });

  it('gives the same answer on worker threads', async () => {
    const one = io({ 'broken.json': broken });
    const two = io({ 'broken.json': broken });
    const args = ['broken.json', '--at', '90', '--depth', '4', '--crashes', '1', '--json'];
    expect(await exploreCommand(args, one)).toBe(1);
    expect(await exploreCommand([...args, '--workers', '2'], two)).toBe(1);
    expect(two.out).toBe(one.out);
    expect(two.err).toMatch(/states\/s, 2 workers\)/);
  }, 60_000);

  it('says what it proved and exits 0 when the bounded search is clean', async () => {
    const cli = io({ 'correct.json': correct });
    expect(await exploreCommand(['correct.json', '--at', '90', '--depth', '3', '--crashes', '1'], cli)).toBe(
      0,
    );
    expect(cli.out).toMatch(/^no violation in [\d,]+ states up to depth 3, with at most 1 crash\n$/);
  });

  it('prints the counterexample as text, a link and the scenario without --json', async () => {
    const cli = io({ 'broken.json': broken });
    expect(await exploreCommand(['broken.json', '--at', '90', '--depth', '3'], cli)).toBe(1);
    expect(cli.out).toMatch(/^violation: prepare-ok-holds after 3 choices from 90 ms/);
    expect(cli.out).toMatch(/#s=/);
    expect(cli.out).toMatch(/"type": "control"/);
  });

  it.each([
    [[], /^name a scenario file/],
    [['s.json'], /^--at is required/],
    [['s.json', '--at', '10', '--depth', '0'], /^--depth must be an integer from 1 to 64, got '0'/],
    [['s.json', '--at', '10', '--crashes', 'x'], /^--crashes must be an integer from 0 to 9/],
    [['s.json', '--at', '10', '--bogus'], /^unknown option --bogus/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const cli = io({ 's.json': correct });
    expect(await exploreCommand(args, cli)).toBe(2);
    expect(cli.err).toMatch(message);
    expect(cli.err.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a bad scenario and a time after its end with exit 2', async () => {
    const bad = io({ 'bad.json': '{"version": 1, "replicas": 4}' });
    expect(await exploreCommand(['bad.json', '--at', '10'], bad)).toBe(2);
    expect(bad.err).toBe('invalid scenario: replicas: must be an odd number from 1 to 9, got 4\n');
    const late = io({ 's.json': correct });
    expect(await exploreCommand(['s.json', '--at', '99999'], late)).toBe(2);
    expect(late.err).toBe("invalid scenario: --at 99999 is after the scenario's end (until 10000)\n");
  });

  it('prints its usage with --help and exits 0', async () => {
    const cli = io({});
    expect(await exploreCommand(['--help'], cli)).toBe(0);
    expect(cli.out).toMatch(/^usage: sim explore/);
  });
});
