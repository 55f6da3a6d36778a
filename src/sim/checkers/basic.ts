/**
 * The basic safety invariants, checked after every event from the start of every run:
 * committed-prefix agreement (same op and same state at the same number), commit-number bounds,
 * and no committed op lost from a later view.
 */
import type { LogEntry, Note, NoteOf, Replica } from '../../protocol/index.ts';
import { AppendOnly, AppendOnlyNumbers } from '../../protocol/append-only.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import type { WorldView } from './checker.ts';
import { viewKey } from '../../protocol/index.ts';
import type { Checker } from './checker.ts';
import { noteExecuted, noteRecovered, noteStateInstalled, noteViewStarted } from '../note-codes.ts';

/** The same op of the same request (the view it was prepared in may differ). */
export function sameEntry(a: LogEntry, b: LogEntry): boolean {
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
     * Op-number n at index n-1: the op first executed there (undefined: not known here, a state
     * installed by delta skipped it), who executed it, in which view (the first replica to execute
     * an op is the primary committing it), at which event, and the state digest after it. Append-only
     * and shared by clones, so a checkpoint costs O(1) however long the run; numbers sit in typed
     * chunks the garbage collector never scans.
     */
    private committedEntries = new AppendOnly<LogEntry | undefined>(),
    private committedReplicas = new AppendOnlyNumbers(),
    private committedViews = new AppendOnlyNumbers(),
    private committedEvents = new AppendOnlyNumbers(),
    private digests = new AppendOnlyNumbers(),
    private lastCommit: number[] = [],
    /** Replica -> index of the event that restarted it last. */
    private restartedAt: number[] = [],
  ) {}

  afterEvent(world: WorldView, event: TraceEvent): Violation | null {
    if (event.kind === 'action' && event.action.type === 'crash') this.lastCommit[event.action.replica] = 0;
    if (event.kind === 'action' && event.action.type === 'restart')
      this.restartedAt[event.action.replica] = event.index;
    if (typeof event.node !== 'number') return null;
    const replica = world.replicas[event.node];
    if (replica === null || replica === undefined) return null;
    const notes = event.notes;
    const codes = world.noteCodesOf(event);
    // An index loop: for-of allocated an array iterator per event here.
    if (notes !== null)
      for (let i = 0; i < notes.length; i++) {
        const code = codes[i];
        const found =
          code === noteExecuted
            ? this.checkExecuted(world, event, replica, notes[i] as NoteOf<'executed'>)
            : code === noteStateInstalled || code === noteViewStarted || code === noteRecovered
              ? this.checkNote(world, event, replica, notes[i])
              : null;
        if (found !== null) return found;
      }
    return this.checkCommitBounds(world, event, replica);
  }

  private checkExecuted(
    world: WorldView,
    event: TraceEvent,
    replica: Replica,
    note: NoteOf<'executed'>,
  ): Violation | null {
    const id = replica.id;
    const opNumber = note.opNumber;
    const first = this.committedAt(opNumber);
    if (first === undefined) {
      this.record(opNumber, note.entry, id, viewKey(replica.epoch, replica.view), event.index, note.digest);
      return null;
    }
    if (!sameEntry(first, note.entry)) {
      const firstReplica = this.committedReplicas.at(opNumber - 1);
      return violation(
        'agreement',
        world,
        event,
        `replica ${id} executed ${describeEntry(note.entry)} as op ${opNumber}, but replica ${firstReplica} executed ${describeEntry(first)} there`,
        [id, firstReplica],
        [opNumber],
      );
    }
    if (this.digestAt(opNumber) !== note.digest) {
      const firstReplica = this.committedReplicas.at(opNumber - 1);
      return violation(
        'agreement',
        world,
        event,
        `replica ${id}'s state after op ${opNumber} differs from replica ${firstReplica}'s`,
        [id, firstReplica],
        [opNumber],
      );
    }
    return null;
  }

  /** State installed, view entered, recovery completed: rarer notes, read by kind. */
  private checkNote(world: WorldView, event: TraceEvent, replica: Replica, note: Note): Violation | null {
    const id = replica.id;
    if (note.kind === 'state-installed') {
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
      const restarted = this.restartedAt[id] ?? -1;
      // Entering a view: what was committed in views up to it. Recovering: what was committed before
      // the restart (any f+1 responders then include one that knows the view it was committed in).
      const viewLimit = note.kind === 'view-started' ? viewKey(replica.epoch, replica.view) : Infinity;
      const eventLimit = note.kind === 'view-started' ? Infinity : restarted;
      const lost = this.firstLost(replica, leads, viewLimit, eventLimit);
      if (lost !== null)
        return violation(
          'no-lost-commit',
          world,
          event,
          `replica ${id} entered view ${replica.view} ${lost > replica.opNumber ? 'without' : 'with a different op than'} committed op ${lost} ${describeEntry(this.committedAt(lost)!)}`,
          [id],
          [lost],
        );
    }
    return null;
  }

  private checkCommitBounds(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
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

  /**
   * The first committed op that counts (committed in a view up to `viewLimit`, at an event before
   * `eventLimit`) that the replica lacks or holds differently. A replica can enter an older view
   * late (its StartView or NewState was delayed) holding an uncommitted suffix that a later view
   * replaced: that older view can commit nothing more, the replica gives the suffix up when it
   * learns of the later view, and the agreement rule catches it if it ever executes it. So ops
   * committed in a later view than the one entered do not count.
   */
  private firstLost(
    replica: Replica,
    mustHoldAll: boolean,
    viewLimit: number,
    eventLimit: number,
  ): number | null {
    const known = this.committedEntries.length;
    const last = mustHoldAll ? known : Math.min(known, replica.opNumber);
    for (let opNumber = 1; opNumber <= last; opNumber++) {
      const committed = this.committedEntries.at(opNumber - 1);
      if (
        committed === undefined ||
        this.committedViews.at(opNumber - 1) > viewLimit ||
        this.committedEvents.at(opNumber - 1) >= eventLimit
      )
        continue;
      if (opNumber > replica.opNumber || !sameEntry(replica.log.at(opNumber - 1), committed)) return opNumber;
    }
    return null;
  }

  private committedAt(opNumber: number): LogEntry | undefined {
    return opNumber >= 1 && opNumber <= this.committedEntries.length
      ? this.committedEntries.at(opNumber - 1)
      : undefined;
  }

  private digestAt(opNumber: number): number | undefined {
    const digest = this.digests.at(opNumber - 1);
    return Number.isNaN(digest) ? undefined : digest;
  }

  /** Ops are first executed in order, so this appends; a gap (state installed by delta) is padded. */
  private record(
    opNumber: number,
    entry: LogEntry,
    replica: number,
    view: number,
    event: number,
    digest: number,
  ): void {
    while (this.committedEntries.length < opNumber) {
      const known = this.committedEntries.length === opNumber - 1;
      this.committedEntries.push(known ? entry : undefined);
      this.committedReplicas.push(known ? replica : Number.NaN);
      this.committedViews.push(known ? view : Number.NaN);
      this.committedEvents.push(known ? event : Number.NaN);
      this.digests.push(known ? digest : Number.NaN);
    }
  }

  /** The op first committed at `opNumber`, if any (other checkers read it). */
  committedEntry(opNumber: number): LogEntry | undefined {
    return this.committedAt(opNumber);
  }

  clone(): BasicSafetyChecker {
    return new BasicSafetyChecker(
      this.committedEntries.clone(),
      this.committedReplicas.clone(),
      this.committedViews.clone(),
      this.committedEvents.clone(),
      this.digests.clone(),
      this.lastCommit.slice(),
      this.restartedAt.slice(),
    );
  }
}

export function violation(
  checker: string,
  world: WorldView,
  event: TraceEvent,
  message: string,
  replicas: number[],
  ops: number[],
): Violation {
  return { checker, time: world.now, event: event.index, message, replicas, ops };
}
