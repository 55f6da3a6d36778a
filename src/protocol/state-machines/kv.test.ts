import { describe, expect, it } from 'vitest';
import { KeyValueStore } from './kv.ts';

function run(ops: readonly [op: string, opNumber: number][]): [KeyValueStore, string[]] {
  const store = new KeyValueStore();
  return [store, ops.map(([op, opNumber]) => store.apply(op, opNumber))];
}

describe('key-value store', () => {
  it('puts, appends and gets', () => {
    const [store, results] = run([
      ['put x 1', 1],
      ['append x 2', 2],
      ['get x', 3],
      ['get y', 4],
      ['append y a b', 5],
    ]);
    expect(results).toEqual(['ok', 'ok', '12', '', 'ok']);
    expect(store.contents()).toEqual({ x: '12', y: 'a b' });
  });

  it('answers a bad op with an error result and changes nothing', () => {
    const [store, results] = run([['frob x', 1]]);
    expect(results[0]).toMatch(/^error: unknown command 'frob'/);
    expect(store.contents()).toEqual({});
  });

  it('two stores that applied the same ops have the same digest, and differ after different ones', () => {
    const [a] = run([
      ['put x 1', 1],
      ['append x 2', 2],
    ]);
    const [b] = run([
      ['put x 1', 1],
      ['append x 2', 2],
    ]);
    const [c] = run([['put x 12', 1]]);
    expect(a.digest()).toBe(b.digest());
    // Same contents reached another way: the digest is of the state, not of the history.
    expect(c.digest()).toBe(a.digest());
    b.apply('put y 1', 3);
    expect(b.digest()).not.toBe(a.digest());
  });

  it('a parse remembered for one op-number never serves another op there or 64 numbers later', () => {
    // Each replica executes op n: the parse of the first is reused when the text is the same.
    const [, results] = run([
      ['put k v', 1],
      ['get k', 65],
      ['put k w', 1],
      ['get k', 129],
      ['append k  x', 1],
      ['get k', 1],
    ]);
    expect(results).toEqual(['ok', 'v', 'ok', 'w', 'ok', 'wx']);
  });

  it('ships as a delta only the keys changed after a commit number', () => {
    const [store] = run([
      ['put a 1', 1],
      ['put b 2', 2],
      ['append a 3', 3],
    ]);
    const delta = store.delta(1);
    expect(delta.kind === 'kv' ? [...delta.entries].sort() : null).toEqual([
      ['a', '13'],
      ['b', '2'],
    ]);
  });
});
