import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, runLincheck } from './lincheck-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'lincheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function run(args: string[]): { code: number; out: string; err: string } {
  const io = {
    out: '',
    err: '',
    readFile: (path: string) => readFileSync(path, 'utf8'),
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  const code = runLincheck(args, io);
  return { code, out: io.out, err: io.err };
}

const etcdOk = ['0 :invoke :write 1', '0 :ok :write 1', '1 :invoke :read nil', '1 :ok :read 1']
  .map((event) => `INFO  jepsen.util - ${event}`)
  .join('\n');
const etcdStale = etcdOk.replace(':ok :read 1', ':ok :read nil');
const kvBad = [
  '{:process 0, :type :invoke, :f :put, :key "k", :value "a"}',
  '{:process 0, :type :ok, :f :put, :key "k", :value "a"}',
  '{:process 1, :type :invoke, :f :get, :key "k", :value nil}',
  '{:process 1, :type :ok, :f :get, :key "k", :value "b"}',
].join('\n');
const trace = (seen: string) =>
  JSON.stringify({
    history: [
      { client: 0, input: { op: 'put', key: 'k', value: 'v' }, output: 'ok', call: 0, return: 2 },
      { client: 1, input: { op: 'get', key: 'k' }, output: seen, call: 3, return: 4 },
      { client: 2, input: { op: 'append', key: 'k', value: '!' }, output: null, call: 5, return: null },
    ],
  });

describe('lincheck', () => {
  it('exits 0 for a linearizable history and prints one JSON line with --json', () => {
    const result = run([file('ok.log', etcdOk), '--json']);
    expect(result.code).toBe(0);
    expect(result.out.endsWith('\n')).toBe(true);
    expect(result.out.trim().split('\n')).toHaveLength(1);
    const verdict = JSON.parse(result.out);
    expect(Object.keys(verdict)).toEqual(['linearizable', 'operations', 'ms']);
    expect(verdict).toMatchObject({ linearizable: true, operations: 2 });
  });

  it('exits 1 for a history that is not linearizable and names the operation that cannot be ordered', () => {
    const result = run([file('stale.log', etcdStale)]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^NOT linearizable: 2 operations in 1 partition,/);
    expect(result.out).toContain('#1 client 1: read() → nil');
    expect(run([file('bad.txt', kvBad), '--json']).code).toBe(1);
  });

  it('checks JSON traces, where a null return is an unknown outcome', () => {
    expect(run([file('good.json', trace('v'))]).code).toBe(0);
    expect(run([file('bad.json', trace('v!')), '--format', 'trace']).code).toBe(1);
  });

  it('detects the format from the content, then from the file name', () => {
    expect(detectFormat('x.txt', etcdOk)).toBe('etcd');
    expect(detectFormat('x.txt', kvBad)).toBe('kv');
    expect(detectFormat('x.txt', trace('v'))).toBe('trace');
    expect(detectFormat('x.log', '')).toBe('etcd');
    expect(detectFormat('x.txt', 'hello')).toBeNull();
  });

  it('exits 2 with a one-line error for bad usage or bad input', () => {
    const cases = [
      [],
      ['--format'],
      [file('a.log', etcdOk), '--format', 'yaml'],
      [file('b.log', etcdOk), '--verbose'],
      [join(dir, 'missing.log')],
      [file('mystery.dat', 'hello')],
      [file('wrong.txt', kvBad), '--format', 'etcd'],
      [file('broken.txt', `${kvBad}\n{:process 1, :type :ok`)],
      [file('broken.json', '{"history": [1]}')],
    ];
    for (const args of cases) {
      const result = run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toMatch(/^lincheck: [^\n]+\n$/);
    }
    expect(run([file('broken2.txt', `${kvBad}\n{:process 1, :type :ok`)]).err).toContain('line 5');
  });
});
