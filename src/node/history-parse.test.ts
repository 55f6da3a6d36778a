import { describe, expect, it } from 'vitest';
import { HistoryParseError, parseJepsenEtcd, parseKvEdn, parseKvTrace } from './history-parse.ts';

describe('parseJepsenEtcd', () => {
  const log = [
    'INFO  jepsen.core - some other line',
    'INFO  jepsen.util - 0\t:invoke\t:write\t3',
    'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 0\t:ok\t:write\t3',
    'INFO  jepsen.util - 1\t:ok\t:read\t3',
    'INFO  jepsen.util - 2\t:invoke\t:cas\t[3 4]',
    'INFO  jepsen.util - 2\t:fail\t:cas\t[3 4]',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
    'INFO  jepsen.util - 4\t:invoke\t:write\t1',
    'INFO  jepsen.util - 4\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
    'INFO  jepsen.util - 5\t:invoke\t:cas\t[1 2]',
  ].join('\n');

  it('reads calls and returns, with unknown outcomes at +Infinity', () => {
    expect(parseJepsenEtcd(log)).toEqual([
      { client: 0, input: { op: 'write', value: 3 }, output: 'ok', call: 2, return: 4 },
      { client: 1, input: { op: 'read' }, output: 3, call: 3, return: 5 },
      { client: 2, input: { op: 'cas', from: 3, to: 4 }, output: 'fail', call: 6, return: 7 },
      { client: 3, input: { op: 'read' }, output: 'unknown', call: 8, return: Infinity },
      { client: 4, input: { op: 'write', value: 1 }, output: 'unknown', call: 10, return: Infinity },
      { client: 5, input: { op: 'cas', from: 1, to: 2 }, output: 'unknown', call: 13, return: Infinity },
    ]);
  });

  it('names the line and the problem', () => {
    const bad = 'INFO  jepsen.util - 0\t:invoke\t:write\tbanana';
    expect(() => parseJepsenEtcd(bad)).toThrow(
      new HistoryParseError(1, 'written value "banana" is not an integer'),
    );
    const orphan = 'x\nINFO  jepsen.util - 0\t:ok\t:read\tnil';
    expect(() => parseJepsenEtcd(orphan)).toThrow('line 2: process 0 completes a call it never made');
  });
});

describe('parseKvEdn', () => {
  it('reads one EDN map per line; strings are plain data', () => {
    const text = [
      '{:process 0, :type :invoke, :f :put, :key "k", :value "a \\"quoted\\" (eval)"}',
      '{:process 1, :type :invoke, :f :get, :key "k", :value nil}',
      '{:process 0, :type :ok, :f :put, :key "k", :value "a \\"quoted\\" (eval)"}',
      '{:process 1, :type :ok, :f :get, :key "k", :value "a \\"quoted\\" (eval)"}',
      '{:process 2, :type :invoke, :f :append, :key "k", :value "z"}',
      '{:process :nemesis, :type :info, :f :start, :value nil}',
    ].join('\n');
    const value = 'a "quoted" (eval)';
    expect(parseKvEdn(text)).toEqual([
      { client: 0, input: { op: 'put', key: 'k', value }, output: value, call: 1, return: 3 },
      { client: 1, input: { op: 'get', key: 'k', value: null }, output: value, call: 2, return: 4 },
      { client: 2, input: { op: 'append', key: 'k', value: 'z' }, output: null, call: 5, return: Infinity },
    ]);
  });

  it('names the line and the problem', () => {
    const text =
      '{:process 0, :type :invoke, :f :get, :key "k", :value nil}\n{:process 0, :type :ok, :f :get, :key "k"';
    expect(() => parseKvEdn(text)).toThrow(/^line 2: /);
    expect(() => parseKvEdn('{:process 0, :type :invoke, :f :cas, :key "k", :value nil}')).toThrow(
      'line 1: unsupported :f :cas (expected :get, :put or :append)',
    );
  });
});

describe('parseKvTrace', () => {
  it('reads a JSON history where a null return means no reply', () => {
    const text = JSON.stringify({
      history: [
        { client: 'c0', input: { op: 'put', key: 'k', value: 'v' }, output: 'ok', call: 1, return: 5 },
        { client: 'c1', input: { op: 'get', key: 'k' }, output: 'v', call: 2, return: null },
      ],
    });
    expect(parseKvTrace(text)).toEqual([
      { client: 'c0', input: { op: 'put', key: 'k', value: 'v' }, output: 'ok', call: 1, return: 5 },
      { client: 'c1', input: { op: 'get', key: 'k', value: null }, output: null, call: 2, return: Infinity },
    ]);
  });

  it('names the entry and the problem', () => {
    const text = JSON.stringify({
      history: [{ client: 0, input: { op: 'get', key: 'k' }, output: '', call: 'x' }],
    });
    expect(() => parseKvTrace(text)).toThrow('history[0].call must be a finite number');
  });
});
