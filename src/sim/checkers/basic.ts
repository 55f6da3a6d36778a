/**
 * The basic safety invariants, checked after every event from the start of every run:
 * committed-prefix agreement (same op and same state at the same number), commit-number bounds,
 * and no committed op lost from a later view.
 */
import type { LogEntry, Note, Replica } from '../../protocol/index.ts';
import { AppendOnly } from '../../protocol/append-only.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import type { World } from '../world.ts';
import type { Checker } from './checker.ts';

interface Committed {
  readonly entry: LogEntry;
  readonly replica: number;
}

function sameEntry(a: LogEntry, b: LogEntry): boolean {
  return a.client === b.client && a.request === b.request && a.op === b.op;
}

function describeEntry(entry: LogEntry): string {
  return `'${entry.op}' (${entry.client} #${entry.request})`;
}

/**
 * Committed-prefix agreement, commit-number bounds and no lost commit, in one checker because all
 * three read the same record of what was committed where.
 */
export class BasicSafetyChecker implements Checker {
  readonly name = 'basic-safety';
  constructor(
    /**
     * Op-number n at index n-1: the op first executed there and the state digest after it. Append-only
     * and shared by clones, so a checkpoint costs O(1) however long the run.
     */
    private committed = new AppendOnly<Committed | undefined>(),
    private digests = new AppendOnly<number>(),
    private lastCommit: number[] = [],
  ) {}

  afterEvent(world: World, event: TraceEvent): Violation | null {
    if (event.kind === 'action' && event.action.type === 'crash') this.lastCommit[event.action.replica] = 0;
    if (typeof event.node !== 'number') return null;
    const replica = world.replicas[event.node];
    if (replica === null || replica === undefined) return null;
    if (event.notes !== null)
      for (const note of event.notes) {
        const found = this.checkNote(world, event, replica, note);
        if (found !== null) return found;
      }
    return this.checkCommitBounds(world, event, replica);
  }

  private checkNote(world: World, event: TraceEvent, replica: Replica, note: Note): Violation | null {
    const id = replica.id;
    if (note.kind === 'executed') {
      const first = this.committedAt(note.opNumber);
      if (first === undefined) {
        this.record(note.opNumber, { entry: note.entry, replica: id }, note.digest);
      } else if (!sameEntry(first.entry, note.entry)) {
        return violation(
          'agreement',
          world,
          event,
          `replica ${id} executed ${describeEntry(note.entry)} as op ${note.opNumber}, but replica ${first.replica} executed ${describeEntry(first.entry)} there`,
          [id, first.replica],
          [note.opNumber],
        );
      } else if (this.digestAt(note.opNumber) !== note.digest) {
        return violation(
          'agreement',
          world,
          event,
          `replica ${id}'s state after op ${note.opNumber} differs from replica ${first.replica}'s`,
          [id, first.replica],
          [note.opNumber],
        );
      }
    } else if (note.kind === 'state-installed') {
      const digest = this.digestAt(note.commitNumber);
      if (digest !== undefined && digest !== note.digest)
        return violation(
          'agreement',
          world,
          event,
          `replica ${id} installed a state at commit ${note.commitNumber} that differs from the executed one`,
          [id],
          [note.commitNumber],
        );
    } else if (note.kind === 'view-started' || note.kind === 'recovered') {
      // A new primary must hold every op committed so far. A backup or a recovered replica may lag
      // (ops committed after its state was sent reach it later), but what it holds must agree.
      const leads = note.kind === 'view-started' && note.primary === id;
      const lost = this.firstLost(replica, leads);
      if (lost !== null)
        return violation(
          'no-lost-commit',
          world,
          event,
          `replica ${id} entered view ${replica.view} ${lost > replica.opNumber ? 'without' : 'with a different op than'} committed op ${lost} ${describeEntry(this.committedAt(lost)!.entry)}`,
          [id],
          [lost],
        );
    }
    return null;
  }

  private checkCommitBounds(world: World, event: TraceEvent, replica: Replica): Violation | null {
    if (replica.commitNumber > replica.opNumber)
      return violation(
        'commit-bounds',
        world,
        event,
        `replica ${replica.id} has commit-number ${replica.commitNumber} beyond op-number ${replica.opNumber}`,
        [replica.id],
        [],
      );
    const last = this.lastCommit[replica.id] ?? 0;
    if (replica.commitNumber < last && replica.status !== 'recovering')
      return violation(
        'commit-bounds',
        world,
        event,
        `replica ${replica.id}'s commit-number went back from ${last} to ${replica.commitNumber}`,
        [replica.id],
        [],
      );
    this.lastCommit[replica.id] = replica.commitNumber;
    return null;
  }

  private firstLost(replica: Replica, mustHoldAll: boolean): number | null {
    const last = mustHoldAll ? this.committed.length : Math.min(this.committed.length, replica.opNumber);
    for (let opNumber = 1; opNumber <= last; opNumber++) {
      const committed = this.committedAt(opNumber);
      if (committed === undefined) continue;
      if (opNumber > replica.opNumber || !sameEntry(replica.log.at(opNumber - 1), committed.entry))
        return opNumber;
    }
    return null;
  }

  private committedAt(opNumber: number): Committed | undefined {
    return opNumber >= 1 && opNumber <= this.committed.length ? this.committed.at(opNumber - 1) : undefined;
  }

  private digestAt(opNumber: number): number | undefined {
    const digest =
      opNumber >= 1 && opNumber <= this.digests.length ? this.digests.at(opNumber - 1) : Number.NaN;
    return Number.isNaN(digest) ? undefined : digest;
  }

  /** Ops are first executed in order, so this appends; a gap (state installed by delta) is padded. */
  private record(opNumber: number, committed: Committed, digest: number): void {
    while (this.committed.length < opNumber - 1) {
      this.committed.push(undefined);
      this.digests.push(Number.NaN);
    }
    this.committed.push(committed);
    this.digests.push(digest);
  }

  /** The op first committed at `opNumber`, if any (other checkers read it). */
  committedEntry(opNumber: number): LogEntry | undefined {
    return this.committedAt(opNumber)?.entry;
  }

  clone(): BasicSafetyChecker {
    return new BasicSafetyChecker(this.committed.clone(), this.digests.clone(), this.lastCommit.slice());
  }
}

export function violation(
  checker: string,
  world: World,
  event: TraceEvent,
  message: string,
  replicas: number[],
  ops: number[],
): Violation {
  return { checker, time: world.now, event: event.index, message, replicas, ops };
}
