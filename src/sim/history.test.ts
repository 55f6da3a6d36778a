import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/schema.ts';
import { BasicSafetyChecker } from './checkers/basic.ts';
import { checkOperations, logModel } from './checkers/linearizability/index.ts';
import { checkScenario } from './verdict.ts';
import {
  checkHistory,
  extractHistory,
  historyLinearizable,
  kvOperations,
  logOperations,
  type HistoryOperation,
} from './history.ts';
import { Run } from './run.ts';
import type { Scenario } from './scenario-types.ts';

function scenario(fields: Partial<Scenario> = {}): Scenario {
  const header = { version: 1, name: 'history', seed: 11, replicas: 3, clients: 3, until: 8000 };
  const network = { latencyMs: [5, 40], dropRate: 0.05, duplicateRate: 0.05 };
  return {
    ...parseScenario({ ...header, network, workload: { requestsPerClient: 15, keys: 2 } }),
    actions: [
      { at: 700, type: 'crash', replica: 0 },
      { at: 2500, type: 'restart', replica: 0 },
    ],
    ...fields,
  };
}

const op = (fields: Partial<HistoryOperation>): HistoryOperation => ({
  client: 'c0',
  request: 1,
  op: 'get x',
  call: 0,
  return: 10,
  result: '',
  ...fields,
});

describe('history', () => {
  it('a run of the correct protocol is linearizable, with either state machine', () => {
    const run = new Run(scenario());
    run.extendTo(8000);
    const history = extractHistory(run.journal);
    expect(history.length).toBe(45);
    expect(historyLinearizable(run.journal, run.scenario)).toBe(true);
    const log = new Run(scenario({ stateMachine: 'log' }));
    log.extendTo(8000);
    expect(extractHistory(log.journal).length).toBeGreaterThan(30);
    expect(historyLinearizable(log.journal, log.scenario)).toBe(true);
  });

  it('reads the ops of the append-only log as the model needs them, and judges them', () => {
    const ops = logOperations([
      op({ op: 'append a', result: '1' }),
      op({ op: 'read 1', result: 'a' }),
      op({ op: 'len', result: '1' }),
      op({ op: 'read x', result: 'error: read takes one position' }),
    ]);
    expect(ops.map((o) => o.input)).toEqual([
      { op: 'append', value: 'a' },
      { op: 'read', position: 1 },
      { op: 'len' },
    ]);
    const sequential = (results: string[]) =>
      checkOperations(
        logModel,
        results.map((output, i) => ({ ...ops[i], call: 10 * i, return: 10 * i + 5, output })),
      ).linearizable;
    expect(sequential(['1', 'a', '1'])).toBe(true);
    // A second copy of the append (executed twice), a stale read, a wrong position: none fits.
    expect(sequential(['1', 'a', '2'])).toBe(false);
    expect(sequential(['1', '', '1'])).toBe(false);
    expect(sequential(['2', 'a', '1'])).toBe(false);
  });

  it('catches a log appended twice by a primary that ignores its client table', () => {
    const s = scenario({
      stateMachine: 'log',
      workload: null,
      mutation: 'ignore-client-table',
      actions: [
        { at: 10, type: 'drop', message: 'reply', count: 1 },
        { at: 50, type: 'request', client: 0, op: 'append a' },
        { at: 60, type: 'request', client: 0, op: 'len' },
      ],
    });
    const verdict = checkScenario(s, { checkers: [new BasicSafetyChecker()] });
    expect(verdict.violations[0]?.checker).toBe('linearizability');
    expect(verdict.violations[0]?.message).toContain('len() → "2"');
    expect(checkScenario({ ...s, mutation: 'none' }).violations).toEqual([]);
  });

  it('reads the ops of the key-value store as the model needs them', () => {
    const ops = kvOperations([
      op({ op: 'put k1 v', result: 'ok' }),
      op({ op: 'append k1 c0.2;', result: null, return: Infinity }),
      op({ op: 'get k1', result: 'v' }),
    ]);
    expect(ops.map((o) => o.input)).toEqual([
      { op: 'put', key: 'k1', value: 'v' },
      { op: 'append', key: 'k1', value: 'c0.2;' },
      { op: 'get', key: 'k1', value: null },
    ]);
    expect(ops[1].output).toBeNull();
  });

  it('a stale read after an acknowledged write is not linearizable', () => {
    const s = scenario();
    const stale = [
      op({ client: 'c0', op: 'put x 1', call: 0, return: 10, result: 'ok' }),
      op({ client: 'c1', op: 'get x', call: 20, return: 30, result: '' }),
    ];
    expect(checkHistory(stale, s).linearizable).toBe(false);
    const unknown = [
      op({ client: 'c0', op: 'put x 1', call: 0, return: Infinity, result: null }),
      op({ client: 'c1', op: 'get x', call: 20, return: 30, result: '' }),
      op({ client: 'c1', request: 2, op: 'get x', call: 40, return: 50, result: '1' }),
    ];
    expect(checkHistory(unknown, s).linearizable).toBe(true);
  });

  it('judges an append-only log history too, which the app draws', () => {
    const s = { ...scenario(), stateMachine: 'log' as const };
    const appended = op({ client: 'c0', op: 'append a', call: 0, return: 10, result: '1' });
    const stale = [appended, op({ client: 'c1', op: 'len', call: 20, return: 30, result: '0' })];
    expect(checkHistory(stale, s).linearizable).toBe(false);
    const fresh = [appended, op({ client: 'c1', op: 'read 1', call: 20, return: 30, result: 'a' })];
    expect(checkHistory(fresh, s).linearizable).toBe(true);
  });
});
