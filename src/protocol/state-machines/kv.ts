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
  /** fnv(key), for the digest. */
  readonly keyHash: number;
}

export type KvCommand =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put' | 'append'; readonly key: string; readonly value: string };

const keyPattern = /^[A-Za-z0-9_.:-]{1,32}$/;

export function parseKvCommand(op: string): KvCommand | string {
  switch (scanSimple(op)) {
    case scanGet:
      return { kind: 'get', key: scannedKey };
    case scanPut:
      return { kind: 'put', key: scannedKey, value: scannedValue };
    case scanAppend:
      return { kind: 'append', key: scannedKey, value: scannedValue };
    default:
      return parseKvCommandSlow(op);
  }
}

/** A key character: [A-Za-z0-9_.:-]. */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 58 ||
    c === 45
  );
}

const scanOther = 0;
const scanGet = 1;
const scanPut = 2;
const scanAppend = 3;
/** What the last successful scanSimple() read (module scratch: apply() allocates no command object). */
let scannedKey = '';
let scannedValue = '';

/**
 * Every replica parses every op it executes, so the common case skips trim, the regex split and the
 * arrays: a valid command of printable ASCII words separated by single spaces. Anything else (other
 * whitespace, errors) gives scanOther and takes the general path, which owns the error texts.
 */
function scanSimple(op: string): number {
  const n = op.length;
  let firstSpace = -1;
  let secondSpace = -1;
  for (let i = 0; i < n; i++) {
    const c = op.charCodeAt(i);
    if (c === 32) {
      if (i === 0 || i === n - 1 || op.charCodeAt(i - 1) === 32) return scanOther;
      if (firstSpace < 0) firstSpace = i;
      else if (secondSpace < 0) secondSpace = i;
    } else if (c < 33 || c > 126) return scanOther;
  }
  if (firstSpace < 0) return scanOther;
  const keyEnd = secondSpace < 0 ? n : secondSpace;
  if (keyEnd - firstSpace - 1 > 32) return scanOther;
  let keyHash = 0x811c9dc5;
  for (let i = firstSpace + 1; i < keyEnd; i++) {
    const c = op.charCodeAt(i);
    if (!isKeyChar(c)) return scanOther;
    keyHash = Math.imul(keyHash ^ c, 0x01000193);
  }
  let kind: number;
  if (firstSpace === 3 && op.startsWith('get')) kind = secondSpace < 0 ? scanGet : scanOther;
  else if (secondSpace < 0) kind = scanOther;
  else if (firstSpace === 3 && op.startsWith('put')) kind = scanPut;
  else if (firstSpace === 6 && op.startsWith('append')) kind = scanAppend;
  else kind = scanOther;
  if (kind === scanOther) return kind;
  scannedKey = internKey(op, firstSpace + 1, keyEnd, keyHash);
  scannedValue = kind === scanGet ? '' : op.slice(secondSpace + 1);
  return kind;
}

/**
 * Recently seen keys, by a hash of their characters. A key sliced afresh from each op is a new
 * string whose hash the store's Map must compute on every lookup; the interned one has it cached.
 * A pure cache: a slot holds any key whose characters hash there, checked before use.
 */
const internedKeys: string[] = new Array<string>(256).fill('');

function internKey(op: string, start: number, end: number, hash: number): string {
  const slot = hash & 255;
  const key = internedKeys[slot];
  if (key.length === end - start) {
    let same = true;
    for (let i = 0; i < key.length && same; i++) same = key.charCodeAt(i) === op.charCodeAt(start + i);
    if (same) return key;
  }
  const fresh = op.slice(start, end);
  internedKeys[slot] = fresh;
  return fresh;
}

/**
 * Simple ops parsed lately, by op-number: every replica executes op n, and they do so within a few
 * ops of each other, so most executions find the parse of the first. A pure cache: a slot is used
 * only when it holds the same op text, and parsing is a function of the text alone.
 */
const parsedSlotMask = 63;
const parsedOps: string[] = new Array<string>(parsedSlotMask + 1).fill('');
const parsedKinds = new Int8Array(parsedSlotMask + 1);
const parsedKeys: string[] = new Array<string>(parsedSlotMask + 1).fill('');
const parsedValues: string[] = new Array<string>(parsedSlotMask + 1).fill('');

function parseKvCommandSlow(op: string): KvCommand | string {
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
  /** The verbs of an op, as the request form offers them. */
  static readonly commands = ['put', 'get', 'append'] as const;
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
    let kind: number;
    let key: string;
    let value: string;
    const slot = opNumber & parsedSlotMask;
    if (parsedOps[slot] === op && parsedKinds[slot] !== scanOther) {
      kind = parsedKinds[slot];
      key = parsedKeys[slot];
      value = parsedValues[slot];
    } else {
      kind = scanSimple(op);
      key = scannedKey;
      value = scannedValue;
      parsedOps[slot] = op;
      parsedKinds[slot] = kind;
      parsedKeys[slot] = key;
      parsedValues[slot] = value;
    }
    if (kind === scanOther) {
      const command = parseKvCommandSlow(op);
      if (typeof command === 'string') return `error: ${command}`;
      key = command.key;
      kind = command.kind === 'get' ? scanGet : command.kind === 'put' ? scanPut : scanAppend;
      value = command.kind === 'get' ? '' : command.value;
    }
    const cell = this.cells.get(key);
    if (kind === scanGet) return cell?.value ?? '';
    // fnv('') is the offset basis, so an append to a missing key hashes like a put.
    if (kind === scanPut || cell === undefined) this.write(key, cell, value, fnv(value), opNumber);
    else this.write(key, cell, cell.value + value, fnvContinue(cell.valueHash, value), opNumber);
    return 'ok';
  }

  delta(sinceCommit: number): StateDelta {
    const entries: [string, string][] = [];
    for (const [key, cell] of this.cells) if (cell.changedAt > sinceCommit) entries.push([key, cell.value]);
    return { kind: 'kv', sinceCommit, entries };
  }

  deltaProblem(delta: StateDelta): string | null {
    return delta.kind === 'kv' ? null : `a kv store cannot install a ${delta.kind} delta`;
  }

  applyDelta(delta: StateDelta, commitNumber: number): void {
    assert(delta.kind === 'kv', `a kv store cannot install a ${delta.kind} delta`);
    for (const [key, value] of delta.entries)
      this.write(key, this.cells.get(key), value, fnv(value), commitNumber);
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

  /** Cells belong to one store (clone() copies them), so a write updates its cell in place. */
  private write(
    key: string,
    old: Cell | undefined,
    value: string,
    valueHash: number,
    opNumber: number,
  ): void {
    if (old === undefined) {
      const keyHash = fnv(key);
      this.digestSum = (this.digestSum + mixHash(keyHash, valueHash)) | 0;
      this.cells.set(key, { value, valueHash, changedAt: opNumber, keyHash });
      return;
    }
    this.digestSum = (this.digestSum - mixHash(old.keyHash, old.valueHash)) | 0;
    this.digestSum = (this.digestSum + mixHash(old.keyHash, valueHash)) | 0;
    old.value = value;
    old.valueHash = valueHash;
    old.changedAt = opNumber;
  }
}
