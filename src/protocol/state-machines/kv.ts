/** Key-value store: `put K V`, `get K`, `append K V` (the model the linearizability checker uses). */
import { assert } from '../assert.ts';
import { fnv, fnvContinue, mixHash } from '../hash.ts';
import type { StateDelta } from '../message.ts';
import type { StateMachine } from '../state-machine.ts';

interface Cell {
  value: string;
  /** fnv(value), kept incrementally so append does not rehash the whole value. */
  valueHash: number;
  /** Op-number of the last change: delta(k) ships cells changed after k. */
  changedAt: number;
}

export type KvCommand =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put' | 'append'; readonly key: string; readonly value: string };

const keyPattern = /^[A-Za-z0-9_.:-]{1,32}$/;

export function parseKvCommand(op: string): KvCommand | string {
  const parts = op.trim().split(/\s+/);
  const [verb, key] = parts;
  if (verb !== 'get' && verb !== 'put' && verb !== 'append')
    return `unknown command '${verb ?? ''}': use put K V, get K or append K V`;
  if (key === undefined || key === '') return `${verb} needs a key`;
  if (!keyPattern.test(key)) return `key '${key}' must be 1-32 letters, digits or _.:-`;
  if (verb === 'get') {
    if (parts.length !== 2) return 'get takes exactly one key';
    return { kind: 'get', key };
  }
  if (parts.length < 3) return `${verb} needs a value`;
  return { kind: verb, key, value: parts.slice(2).join(' ') };
}

export class KeyValueStore implements StateMachine {
  readonly kind = 'kv' as const;
  private cells: Map<string, Cell>;
  private digestSum: number;

  constructor(cells = new Map<string, Cell>(), digestSum = 0) {
    this.cells = cells;
    this.digestSum = digestSum;
  }

  static validate(op: string): string | null {
    const parsed = parseKvCommand(op);
    return typeof parsed === 'string' ? parsed : null;
  }

  apply(op: string, opNumber: number): string {
    const command = parseKvCommand(op);
    if (typeof command === 'string') return `error: ${command}`;
    const cell = this.cells.get(command.key);
    if (command.kind === 'get') return cell?.value ?? '';
    if (command.kind === 'put') this.write(command.key, command.value, fnv(command.value), opNumber);
    else {
      const base = cell ?? { value: '', valueHash: fnv(''), changedAt: 0 };
      this.write(
        command.key,
        base.value + command.value,
        fnvContinue(base.valueHash, command.value),
        opNumber,
      );
    }
    return 'ok';
  }

  delta(sinceCommit: number): StateDelta {
    const entries: [string, string][] = [];
    for (const [key, cell] of this.cells) if (cell.changedAt > sinceCommit) entries.push([key, cell.value]);
    return { kind: 'kv', sinceCommit, entries };
  }

  applyDelta(delta: StateDelta, commitNumber: number): void {
    assert(delta.kind === 'kv', `a kv store cannot install a ${delta.kind} delta`);
    for (const [key, value] of delta.entries) this.write(key, value, fnv(value), commitNumber);
  }

  digest(): number {
    return this.digestSum >>> 0;
  }

  contents(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of [...this.cells.keys()].sort()) out[key] = this.cells.get(key)!.value;
    return out;
  }

  clone(): KeyValueStore {
    const cells = new Map<string, Cell>();
    for (const [key, cell] of this.cells) cells.set(key, { ...cell });
    return new KeyValueStore(cells, this.digestSum);
  }

  private write(key: string, value: string, valueHash: number, opNumber: number): void {
    const keyHash = fnv(key);
    const old = this.cells.get(key);
    if (old) this.digestSum = (this.digestSum - mixHash(keyHash, old.valueHash)) | 0;
    this.digestSum = (this.digestSum + mixHash(keyHash, valueHash)) | 0;
    this.cells.set(key, { value, valueHash, changedAt: opNumber });
  }
}
