import { describe, expect, it } from 'vitest';
import { runCommand, type CliIo } from './run-command.ts';

function io(files: Record<string, string>, stdin = ''): CliIo & { out: string; err: string } {
  const state = {
    out: '',
    err: '',
    readFile: (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file '${path}'`);
      return files[path];
    },
    readStdin: () => stdin,
    stdout: (text: string) => void (state.out += text),
    stderr: (text: string) => void (state.err += text),
  };
  return state;
}

const good = JSON.stringify({
  version: 1,
  seed: 3,
  until: 3000,
  actions: [
    { at: 10, type: 'request', client: 0, op: 'put x 1' },
    { at: 20, type: 'request', client: 0, op: 'get x' },
  ],
});

describe('sim run', () => {
  it('prints one JSON object with the documented fields and exits 0 without violations', () => {
    const cli = io({ 's.json': good });
    expect(runCommand(['s.json', '--json'], cli)).toBe(0);
    const outcome = JSON.parse(cli.out);
    expect(Object.keys(outcome)).toEqual([
      'ok',
      'violations',
      'endTime',
      'eventCount',
      'replicas',
      'clients',
      'linearizable',
    ]);
    expect(outcome.ok).toBe(true);
    expect(outcome.endTime).toBe(3000);
    expect(outcome.replicas[0]).toMatchObject({
      id: 0,
      status: 'normal',
      view: 0,
      opNumber: 2,
      commitNumber: 2,
      state: { x: '1' },
    });
    expect(outcome.replicas[0].log).toEqual([
      { op: 'put x 1', client: 'c0', request: 1 },
      { op: 'get x', client: 'c0', request: 2 },
    ]);
    expect(outcome.clients).toEqual([{ id: 'c0', sent: 2, completed: 2, pending: 0 }]);
  });

  it('gives byte-identical output for two runs of the same scenario, also from stdin', () => {
    const a = io({ 's.json': good });
    const b = io({}, good);
    runCommand(['s.json', '--json'], a);
    runCommand(['-', '--json'], b);
    expect(b.out).toBe(a.out);
  });

  it('exits 1 and names the checker when a mutation breaks a rule', () => {
    const broken = JSON.stringify({
      version: 1,
      mutation: 'commit-without-quorum',
      until: 3000,
      actions: [
        {
          at: 0,
          type: 'partition',
          groups: [
            [0, 'c0'],
            [1, 2],
          ],
        },
        { at: 10, type: 'request', client: 0, op: 'put x 1' },
        { at: 300, type: 'crash', replica: 0 },
        { at: 400, type: 'heal' },
        { at: 1500, type: 'request', client: 0, op: 'put x 2' },
        { at: 1500, type: 'restart', replica: 0 },
      ],
    });
    const cli = io({ 'b.json': broken });
    expect(runCommand(['b.json'], cli)).toBe(1);
    expect(cli.out).toMatch(/^VIOLATION/);
  });

  it('exits 2 with a one-line reason on bad input or usage', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[], {}, /usage: sim run/],
      [['missing.json'], {}, /cannot read missing.json/],
      [
        ['bad.json'],
        { 'bad.json': '{"version":1,"replicas":4}' },
        /invalid scenario: replicas: must be an odd number from 1 to 9, got 4/,
      ],
      [['junk.json'], { 'junk.json': 'not json' }, /invalid scenario: not valid JSON/],
    ];
    for (const [args, files, message] of cases) {
      const cli = io(files);
      expect(runCommand(args, cli)).toBe(2);
      expect(cli.err).toMatch(message);
      expect(cli.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('sim run budgets', () => {
  // Legal scenarios that never end: ten million requests, timers of 1 and 2 ms, a day of virtual time.
  const endless = JSON.stringify({
    version: 1,
    replicas: 5,
    clients: 3,
    until: 86_400_000,
    workload: { requestsPerClient: 10_000_000, keys: 3 },
    timing: {
      viewChangeTimeoutMs: 2,
      heartbeatMs: 1,
      prepareRetryMs: 1,
      recoveryRetryMs: 1,
      clientRetryMs: 1,
    },
  });

  it('stops a run that passes its event budget with exit status 4 and a clear message', () => {
    const cli = io({ 'endless.json': endless });
    expect(runCommand(['endless.json', '--max-events', '20000'], cli)).toBe(4);
    expect(cli.err).toMatch(
      /^budget exhausted: the run passed 20000 events at \d+ ms of 86400000 \(raise --max-events/,
    );
    expect(cli.out).toBe('');
  });

  it('stops a run whose memory passes its budget', () => {
    const cli = Object.assign(io({ 'endless.json': endless }), { heapUsed: () => 3 * 1024 * 1024 * 1024 });
    expect(runCommand(['endless.json', '--max-heap-mb', '2048'], cli)).toBe(4);
    expect(cli.err).toMatch(/budget exhausted: the run's memory passed 2048 MB at \d+ ms/);
  });

  it('leaves a run within its budgets alone, and refuses a budget that is not a whole number', () => {
    expect(runCommand(['s.json', '--max-events', '100000'], io({ 's.json': good }))).toBe(0);
    const bad = io({ 's.json': good });
    expect(runCommand(['s.json', '--max-events', '0'], bad)).toBe(2);
    expect(bad.err).toMatch(/--max-events must be an integer from 1 to/);
  });
});
