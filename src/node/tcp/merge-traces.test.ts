import { describe, expect, it } from 'vitest';
import { defaultTiming } from '../../protocol/index.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { mergeTraces, mergeTracesCommand, type MergeIo } from '../merge-traces.ts';
import type { TraceLineBody } from './trace-file.ts';

/** Builds a trace file: steps of lines, each stamped like TraceWriter does. */
function file(node: number | string, inc: string, steps: [number, TraceLineBody[]][]): string {
  return steps
    .map(([t, bodies], index) =>
      bodies.map((body) => JSON.stringify({ t, node, inc, step: index + 1, ...body })).join('\n'),
    )
    .join('\n')
    .concat('\n');
}

const start = (mode: 'fresh' | 'recover' | 'client'): TraceLineBody => ({
  kind: 'start',
  mode,
  replicas: 3,
  stateMachine: mode === 'client' ? null : 'kv',
  timing: defaultTiming,
  listen: null,
  pid: 1,
});
const commit = { type: 'commit', view: 0, commitNumber: 0 } as const;
const base = 1_700_000_000_000;

function kinds(events: readonly TraceEvent[]): string[] {
  return events.map((e) => `${e.kind}@${String(e.node)}`);
}

describe('merge-traces', () => {
  it('aligns a receive with its send by wire id, even when the receiver stamped it earlier', () => {
    const a = file(0, 'aa', [
      [base, [start('fresh')]],
      [
        base + 100,
        [
          { kind: 'timer', timer: 'heartbeat' },
          { kind: 'send', id: '0.aa.1', to: 1, message: commit, lost: null },
        ],
      ],
    ]);
    // Replica 1's clock runs 0.4 ms behind: it stamps the receive before the send.
    const b = file(1, 'bb', [
      [base + 1, [start('fresh')]],
      [
        base + 99.6,
        [
          { kind: 'receive', id: '0.aa.1', from: 0, message: commit },
          { kind: 'note', note: { kind: 'info', text: 'hi' } },
        ],
      ],
    ]);
    const merged = mergeTraces([
      { name: 'b', text: b },
      { name: 'a', text: a },
    ]);
    expect(merged.warnings).toEqual([]);
    expect(kinds(merged.events)).toEqual(['timer@0', 'deliver@1']);
    const [timer, deliver] = merged.events;
    expect(timer).toMatchObject({ index: 0, time: 100, firstSent: 0, sentCount: 1, notes: null });
    expect(deliver).toMatchObject({ index: 1, time: 100, msgId: 0, notes: [{ kind: 'info', text: 'hi' }] });
    expect(merged.messages[0]).toMatchObject({
      id: 0,
      from: 0,
      to: 1,
      sentAt: 100,
      deliverAt: 100,
      sentBy: 0,
      wireId: '0.aa.1',
      observed: true,
      lostAt: null,
    });
    expect(merged).toMatchObject({
      format: 'vsr-scope-trace',
      version: 1,
      source: 'tcp',
      replicas: 3,
      stateMachine: 'kv',
      origin: base,
    });
  });

  it('marks messages lost, killed and restarted processes, and messages to untraced clients', () => {
    const request = { type: 'request', client: 'c1', request: 1, op: 'put x 1' } as const;
    const reply = { type: 'reply', view: 0, request: 1, result: 'ok', replica: 0 } as const;
    const recovery = { type: 'recovery', replica: 1, nonce: 5 } as const;
    const a = file(0, 'aa', [
      [base, [start('fresh')]],
      [
        base + 10,
        [
          { kind: 'receive', id: 'c1.cc.1', from: 'c1', message: request },
          { kind: 'send', id: '0.aa.1', to: 'c1', message: reply, lost: null },
        ],
      ],
      [
        base + 20,
        [
          { kind: 'timer', timer: 'heartbeat' },
          { kind: 'send', id: '0.aa.2', to: 1, message: commit, lost: 'not connected' },
        ],
      ],
      [base + 40, [{ kind: 'receive', id: '1.b2.1', from: 1, message: recovery }]],
    ]);
    const b =
      file(1, 'b1', [
        [base, [start('fresh')]],
        [base + 15, [{ kind: 'conn', event: 'up', peer: 0, remote: 'x', reason: null }]],
      ]) +
      file(1, 'b2', [
        [base + 30, [start('recover'), { kind: 'send', id: '1.b2.1', to: 0, message: recovery, lost: null }]],
      ]);
    const merged = mergeTraces([
      { name: 'a', text: a },
      { name: 'b', text: b },
    ]);
    expect(kinds(merged.events)).toEqual([
      'deliver@0',
      'action@1',
      'timer@0',
      'lose@1',
      'action@1',
      'deliver@0',
    ]);
    const [request0, crash, , lose, restart] = merged.events;
    // The request's send was not traced (client without --trace): a record of its own, sentBy -1.
    const requestRecord = merged.messages[(request0 as Extract<TraceEvent, { kind: 'deliver' }>).msgId];
    expect(requestRecord).toMatchObject({ from: 'c1', to: 0, sentBy: -1, sentAt: 10, deliverAt: 10 });
    expect(merged.messages[0]).toMatchObject({ to: 'c1', observed: false, deliverAt: 10, lostAt: null });
    expect(crash).toMatchObject({ time: 15, action: { type: 'crash', replica: 1 } });
    expect(lose).toMatchObject({ time: 20, reason: 'crashed' });
    expect(restart).toMatchObject({ time: 30, action: { type: 'restart', replica: 1 }, sentCount: 1 });
    expect(merged.processes.map((p) => `${p.node}/${p.incarnation}:${p.mode}:${p.end}`)).toEqual([
      '0/aa:fresh:unknown',
      '1/b1:fresh:killed',
      '1/b2:recover:unknown',
    ]);
  });

  it('records a clean stop (SIGTERM) as a stop with its reason, not as a crash', () => {
    const a = file(0, 'aa', [
      [base, [start('fresh')]],
      [base + 5, [{ kind: 'timer', timer: 'heartbeat' }]],
      [base + 9, [{ kind: 'stop', reason: 'SIGTERM' }]],
    ]);
    const b =
      file(1, 'b1', [
        [base, [start('fresh')]],
        [base + 4, [{ kind: 'timer', timer: 'viewChange' }]],
      ]) + file(1, 'b2', [[base + 30, [start('recover')]]]);
    const merged = mergeTraces([
      { name: 'a', text: a },
      { name: 'b', text: b },
    ]);
    const ends = merged.events.filter((event) => event.kind === 'action' && event.action.type === 'crash');
    expect(ends).toHaveLength(2);
    const [killed, stopped] = ends;
    expect(killed).toMatchObject({ node: 1, time: 4 });
    expect(killed.stop).toBeUndefined();
    expect(stopped).toMatchObject({ node: 0, time: 9, stop: 'SIGTERM' });
    expect(stopped.notes).toEqual([{ kind: 'info', text: 'process stopped cleanly: SIGTERM' }]);
    expect(merged.processes.find((p) => p.node === 0)?.end).toBe('stop');
  });

  it('skips an incomplete last line with a warning and refuses a bad line with its place', () => {
    const good = file(0, 'aa', [
      [base, [start('fresh')]],
      [base + 5, [{ kind: 'timer', timer: 'heartbeat' }]],
    ]);
    expect(mergeTraces([{ name: 'a', text: `${good}{"t":1,"no` }]).warnings).toEqual([
      'a:3: an incomplete last line was skipped',
    ]);
    expect(() => mergeTraces([{ name: 'a', text: `{"t":1}\n${good}` }])).toThrow(
      /^a:1: node must be a replica id or a client id$/,
    );
    const badMessage = file(0, 'aa', [
      [base, [start('fresh')]],
      [base + 1, [{ kind: 'receive', id: 'x', from: 1, message: { type: 'commit' } as never }]],
    ]);
    expect(() => mergeTraces([{ name: 'a', text: badMessage }])).toThrow(/^a:2: message\.view: is missing$/);
  });

  it('runs as a command: reads the files, writes --out, reports usage errors with exit 2', () => {
    const files: Record<string, string> = {
      'r0.jsonl': file(0, 'aa', [
        [base, [start('fresh')]],
        [base + 5, [{ kind: 'timer', timer: 'heartbeat' }]],
      ]),
    };
    const written: Record<string, string> = {};
    let out = '';
    let err = '';
    const io: MergeIo = {
      readFile: (path) => {
        if (!(path in files)) throw new Error('ENOENT');
        return files[path];
      },
      readStdin: () => '',
      stdout: (text) => void (out += text),
      stderr: (text) => void (err += text),
      writeFile: (path, text) => void (written[path] = text),
    };
    expect(mergeTracesCommand(['r0.jsonl', '--out', 'run.json'], io)).toBe(0);
    expect(JSON.parse(written['run.json']).events).toHaveLength(1);
    expect(out).toMatch(/merged 1 file\(s\), 1 process\(es\): 1 events/);
    expect(mergeTracesCommand([], io)).toBe(2);
    expect(mergeTracesCommand(['missing.jsonl'], io)).toBe(2);
    expect(err).toMatch(/cannot read missing\.jsonl/);
  });
});
