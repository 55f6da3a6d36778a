import { describe, expect, it } from 'vitest';
import { mutationScenarios } from '../scenario/mutation-scenarios.ts';
import { parseScenarioText, scenarioToJson } from '../scenario/schema.ts';
import type { Action } from '../sim/index.ts';
import { firstViolation, shrinkCommand, type ShrinkIo } from './shrink-command.ts';

function io(
  files: Record<string, string>,
): ShrinkIo & { out: string; err: string; written: Record<string, string> } {
  const state = {
    out: '',
    err: '',
    written: {} as Record<string, string>,
    readFile: (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file '${path}'`);
      return files[path];
    },
    readStdin: () => '',
    stdout: (text: string) => void (state.out += text),
    stderr: (text: string) => void (state.err += text),
    writeFile: (path: string, text: string) => void (state.written[path] = text),
  };
  return state;
}

describe('sim shrink', () => {
  it('drops what a mutation scenario does not need, and the same checker still objects', () => {
    const { scenario } = mutationScenarios['ignore-client-table'];
    // Noise: a workload, a second client, timeouts and a lossy network that have nothing to do with it.
    const noise: Action[] = [
      { at: 3000, type: 'timeout', replica: 1 },
      { at: 4000, type: 'cut', from: 2, to: 0 },
      { at: 4500, type: 'mend', from: 2, to: 0 },
    ];
    const noisy = {
      ...scenario,
      clients: 2,
      workload: { requestsPerClient: 8, keys: 3 },
      actions: [...scenario.actions, ...noise],
    };
    expect(firstViolation(noisy)?.checker).toBe('at-most-once');
    const cli = io({ 'in.json': scenarioToJson(noisy) });
    expect(shrinkCommand(['in.json', '--out', 'out.json'], cli)).toBe(0);
    const small = parseScenarioText(cli.written['out.json']);
    expect(firstViolation(small)?.checker).toBe('at-most-once');
    expect(small.actions.length).toBeLessThan(noisy.actions.length);
    expect(small.until).toBeLessThan(noisy.until);
    expect(cli.err).toMatch(/shrink: still at-most-once/);
  });

  it('prints the scenario on stdout without --out; exits 1 for a passing scenario and 2 for bad input', () => {
    const { scenario } = mutationScenarios['ack-with-gap'];
    const cli = io({ 'a.json': scenarioToJson(scenario) });
    expect(shrinkCommand(['a.json', '--max-runs', '50'], cli)).toBe(0);
    expect(parseScenarioText(cli.out).mutation).toBe('ack-with-gap');
    const passing = io({ 'p.json': scenarioToJson({ ...scenario, mutation: 'none' }) });
    expect(shrinkCommand(['p.json'], passing)).toBe(1);
    expect(shrinkCommand(['missing.json'], io({}))).toBe(2);
    expect(shrinkCommand([], io({}))).toBe(2);
    expect(shrinkCommand(['x.json'], io({ 'x.json': '{"version": 2}' }))).toBe(2);
  });
});
