/**
 * The Porcupine conformance histories (../shared/conformance/porcupine beside the repository)
 * with their known verdicts. etcd_095.log is empty and has no verdict, so it is not listed in
 * expected.json and not checked.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { casRegisterModel, checkOperations, kvModel } from '../sim/checkers/linearizability/index.ts';
import { parseJepsenEtcd, parseKvEdn } from './history-parse.ts';

const conformanceDir = fileURLToPath(new URL('../../../shared/conformance/porcupine/', import.meta.url));

interface Expected {
  readonly jepsen: Readonly<Record<string, boolean>>;
  readonly kv: Readonly<Record<string, boolean>>;
}

const expected = JSON.parse(readFileSync(`${conformanceDir}expected.json`, 'utf8')) as Expected;
const read = (group: string, name: string) => readFileSync(`${conformanceDir}${group}/${name}`, 'utf8');

describe('Porcupine conformance: Jepsen etcd logs (compare-and-set register)', () => {
  it('has the 102 histories with a verdict', () => {
    expect(Object.keys(expected.jepsen)).toHaveLength(102);
  });

  it.each(Object.entries(expected.jepsen))('%s is linearizable: %s', (name, verdict) => {
    const result = checkOperations(casRegisterModel, parseJepsenEtcd(read('jepsen', name)));
    expect(result.linearizable).toBe(verdict);
    if (!verdict) expect(result.illegal?.operations.length).toBeGreaterThan(0);
  });
});

describe('Porcupine conformance: key-value EDN logs', () => {
  it.each(Object.entries(expected.kv))('%s is linearizable: %s', (name, verdict) => {
    const ops = parseKvEdn(read('kv', name));
    const result = checkOperations(kvModel, ops);
    expect(result.linearizable).toBe(verdict);
    expect(result.partitions).toBeGreaterThan(1); // one per key
  });
});
