import { describe, expect, it } from 'vitest';
import { latencyProblem, requestOp, settingsProblem } from './validate.ts';

const settings = {
  replicas: '5',
  clients: '2',
  seed: '2012',
  stateMachine: 'kv' as const,
  workload: true,
  mutation: 'none' as const,
  recovery: 'crash-vectors' as const,
};

describe('settings form', () => {
  it('accepts odd cluster sizes from 1 to 9', () => {
    for (const replicas of ['1', '3', '5', '7', '9'])
      expect(settingsProblem({ ...settings, replicas })).toBeNull();
  });

  it('refuses impossible cluster sizes, client counts and seeds in one sentence', () => {
    expect(settingsProblem({ ...settings, replicas: '4' })).toMatch(
      /must be odd .*4 replicas tolerate only 1 failure, the same as 3; use 3 or 5\./,
    );
    expect(settingsProblem({ ...settings, replicas: '2' })).toMatch(/tolerate only 0 failures/);
    expect(settingsProblem({ ...settings, replicas: '11' })).toMatch(/from 1 to 9/);
    expect(settingsProblem({ ...settings, replicas: '' })).toMatch(/whole number/);
    expect(settingsProblem({ ...settings, replicas: '2.5' })).toMatch(/whole number/);
    expect(settingsProblem({ ...settings, clients: '-1' })).toMatch(/Clients/);
    expect(settingsProblem({ ...settings, clients: '17' })).toMatch(/0 to 16/);
    expect(settingsProblem({ ...settings, seed: '4294967296' })).toMatch(/seed/);
  });
});

describe('client request form', () => {
  it('builds the op for each key-value command', () => {
    expect(requestOp('kv', 2, 0, 'put', 'x', '1')).toEqual({ op: 'put x 1' });
    expect(requestOp('kv', 2, 1, 'get', 'x', 'ignored')).toEqual({ op: 'get x' });
    expect(requestOp('kv', 2, 1, 'append', ' k ', ' v ')).toEqual({ op: 'append k v' });
  });

  it('builds the op for each append-log command', () => {
    expect(requestOp('log', 1, 0, 'append', '', 'hello')).toEqual({ op: 'append hello' });
    expect(requestOp('log', 1, 0, 'read', '3', '')).toEqual({ op: 'read 3' });
    expect(requestOp('log', 1, 0, 'len', '', '')).toEqual({ op: 'len' });
  });

  it('refuses an empty key, a missing client and a bad op', () => {
    expect(requestOp('kv', 2, 0, 'put', '', '1')).toEqual({ error: 'The key must not be empty.' });
    expect(requestOp('kv', 2, 0, 'put', 'x', '  ')).toEqual({ error: 'The value must not be empty.' });
    expect(requestOp('kv', 2, 2, 'put', 'x', '1')).toMatchObject({ error: /does not exist/ });
    expect(requestOp('kv', 0, 0, 'put', 'x', '1')).toMatchObject({ error: /no clients/ });
    expect(requestOp('kv', 1, 0, 'put', 'bad key', '1')).toMatchObject({ error: /one word/ });
    expect(requestOp('kv', 1, 0, 'put', 'bad!', '1')).toMatchObject({ error: /key 'bad!'/ });
    expect(requestOp('kv', 1, 0, 'len', '', '')).toMatchObject({ error: /not a command/ });
    expect(requestOp('log', 1, 0, 'read', 'x', '')).toMatchObject({ error: /position/ });
  });
});

describe('network form', () => {
  it('wants whole milliseconds with min <= max', () => {
    expect(latencyProblem('10', '40')).toBeNull();
    expect(latencyProblem('50', '40')).toMatch(/must not exceed/);
    expect(latencyProblem('0', '40')).toMatch(/from 1/);
    expect(latencyProblem('', '40')).toMatch(/whole milliseconds/);
  });
});
