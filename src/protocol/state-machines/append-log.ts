/** Append-only log: `append V` returns the new entry's position, `read I` an entry, `len` the length. */
import { AppendOnly } from '../append-only.ts';
import { assert } from '../assert.ts';
import { fnvContinue, fnvOffset } from '../hash.ts';
import type { StateDelta } from '../message.ts';
import type { StateMachine } from '../state-machine.ts';

export class AppendLog implements StateMachine {
  /** The verbs of an op, as the request form offers them. */
  static readonly commands = ['append', 'read', 'len'] as const;
  readonly kind = 'log' as const;

  constructor(
    private entries = new AppendOnly<string>(),
    /** Op-number that appended each entry: delta(k) ships the entries appended after k. */
    private appendedAt = new AppendOnly<number>(),
    private rollingHash = fnvOffset,
  ) {}

  static validate(op: string): string | null {
    const [verb, ...rest] = op.trim().split(/\s+/);
    if (verb === 'append') return rest.length > 0 ? null : 'append needs a value';
    if (verb === 'read') return rest.length === 1 && /^\d+$/.test(rest[0]) ? null : 'read takes one position';
    if (verb === 'len') return rest.length === 0 ? null : 'len takes no argument';
    return `unknown command '${verb ?? ''}': use append V, read I or len`;
  }

  apply(op: string, opNumber: number): string {
    const error = AppendLog.validate(op);
    if (error !== null) return `error: ${error}`;
    const [verb, ...rest] = op.trim().split(/\s+/);
    if (verb === 'len') return String(this.entries.length);
    if (verb === 'read') {
      const position = Number(rest[0]);
      return position >= 1 && position <= this.entries.length ? this.entries.at(position - 1) : '';
    }
    this.append(rest.join(' '), opNumber);
    return String(this.entries.length);
  }

  delta(sinceCommit: number): StateDelta {
    let from = this.entries.length;
    while (from > 0 && this.appendedAt.at(from - 1) > sinceCommit) from--;
    return { kind: 'log', sinceCommit, from, entries: this.entries.slice(from) };
  }

  deltaProblem(delta: StateDelta): string | null {
    if (delta.kind !== 'log') return `an append log cannot install a ${delta.kind} delta`;
    if (delta.from > this.entries.length)
      return `the delta starts at entry ${delta.from}, beyond our ${this.entries.length}`;
    return null;
  }

  applyDelta(delta: StateDelta, commitNumber: number): void {
    assert(delta.kind === 'log', `an append log cannot install a ${delta.kind} delta`);
    assert(delta.from <= this.entries.length, 'log delta starts beyond our end');
    // Entries from `from` on are already ours when our state is ahead of sinceCommit: skip those.
    for (let i = this.entries.length - delta.from; i < delta.entries.length; i++)
      this.append(delta.entries[i], commitNumber);
  }

  digest(): number {
    return this.rollingHash;
  }

  contents(): string[] {
    return this.entries.slice();
  }

  clone(): AppendLog {
    return new AppendLog(this.entries.clone(), this.appendedAt.clone(), this.rollingHash);
  }

  private append(value: string, opNumber: number): void {
    this.entries.push(value);
    this.appendedAt.push(opNumber);
    this.rollingHash = fnvContinue(fnvContinue(this.rollingHash, value), '\u0000');
  }
}
