/**
 * Who may do what, checked on every event of a replica from what it noted and what it sent:
 * - one-primary-per-view: at most one replica (one incarnation of it) is ever a normal primary of a view;
 * - only-primary-prepares: only the normal primary of a view assigns op-numbers and sends Prepare;
 * - normal-status: no replica acknowledges (PrepareOk), executes or replies outside normal status,
 *   and it does so only for its current view; only the primary replies;
 * - prepare-ok-holds: PrepareOk(n) only from a replica that holds ops 1..n of that view, the same
 *   ops as the view's primary at every one of them;
 * - enter-view-log: a replica enters normal status in a view only holding the log the view started
 *   with (StartView, NewState and recovery all ship it; adopting a view before its state arrived
 *   does not, and that is how a committed op gets lost, §5.2).
 * Each costs O(notes + sends) per event.
 */
import type { AppendOnly } from '../../protocol/append-only.ts';
import { viewKey, type LogEntry, type Message, type NoteOf, type Replica } from '../../protocol/index.ts';
import { noteExecuted, notePrepared, noteViewStarted } from '../note-codes.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import type { WorldView } from './checker.ts';
import { sameEntry, violation } from './basic.ts';
import type { Checker } from './checker.ts';
import { sentRecord } from './sends.ts';

/**
 * How far a replica's log was found to agree with its primary's, so the next PrepareOk compares only
 * what was added since. Valid while both logs are the same objects, uncut, in the same view.
 */
interface CheckedPrefix {
  view: number;
  log: AppendOnly<LogEntry>;
  logTruncations: number;
  primaryLog: AppendOnly<LogEntry>;
  primaryTruncations: number;
  upTo: number;
}

interface ViewStart {
  /** The op-number the view started with, and the op there (null for an empty log). */
  readonly opNumber: number;
  readonly last: LogEntry | null;
}

export class ReplicaRolesChecker implements Checker {
  readonly name = 'replica-roles';

  constructor(
    /** View -> the incarnation of its primary that went normal in it. */
    private primaries = new Map<number, number>(),
    /** Replica -> how many times it restarted. */
    private incarnations: number[] = [],
    /** View -> the log its primary started it with. */
    private starts = new Map<number, ViewStart>(),
    /** Replica -> the view it was normal in after its last event (-1: not normal). */
    private normalIn: number[] = [],
    /** Replica -> the prefix of its log already found to agree with its primary's. */
    private checkedPrefixes: (CheckedPrefix | undefined)[] = [],
    /** Replica -> its epoch after its last event (§7). */
    private epochOf: number[] = [],
  ) {}

  afterEvent(world: WorldView, event: TraceEvent): Violation | null {
    const node = event.node;
    if (typeof node !== 'number') return null;
    const replica = world.replicas[node];
    if (replica === null || replica === undefined) {
      this.normalIn[node] = -1;
      return null;
    }
    if (event.kind === 'action' && event.action.type === 'restart' && restarted(event))
      this.incarnations[node] = (this.incarnations[node] ?? 0) + 1;
    // Status and view change only at transitions: the per-view rules run when a replica enters one.
    const key = viewKey(replica.epoch, replica.view);
    const entered = replica.status === 'normal' && this.normalIn[node] !== key;
    // §7: the step that moved a replica to a new epoch did its last work (execute, reply) in the old one.
    const epochMoved = replica.epoch !== (this.epochOf[node] ?? 0);
    this.epochOf[node] = replica.epoch;
    const found =
      (entered ? this.checkPrimary(world, event, replica) : null) ??
      (epochMoved ? null : this.checkNotes(world, event, replica)) ??
      (entered ? this.checkEnteredView(world, event, replica) : null) ??
      (epochMoved ? null : this.checkSends(world, event, replica));
    this.normalIn[node] = replica.status === 'normal' ? key : -1;
    return found;
  }

  private checkEnteredView(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    const start = this.starts.get(viewKey(replica.epoch, replica.view));
    if (start === undefined || start.opNumber === 0) return null;
    if (replica.opNumber >= start.opNumber && sameEntry(replica.log.at(start.opNumber - 1), start.last!))
      return null;
    return violation(
      'enter-view-log',
      world,
      event,
      `replica ${replica.id} entered view ${replica.view} holding ops 1..${replica.opNumber}, ${replica.opNumber < start.opNumber ? 'short of' : 'differing from'} the ${start.opNumber} ops the view started with`,
      [replica.id, replica.primaryOfView(replica.view)],
      [start.opNumber],
    );
  }

  private checkPrimary(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    if (!replica.isPrimary()) return null;
    const incarnation = this.incarnations[replica.id] ?? 0;
    const first = this.primaries.get(viewKey(replica.epoch, replica.view));
    if (first === undefined) {
      this.primaries.set(viewKey(replica.epoch, replica.view), incarnation);
      return null;
    }
    if (first === incarnation) return null;
    return violation(
      'one-primary-per-view',
      world,
      event,
      `replica ${replica.id} is normal primary of view ${replica.view} again after a restart: view ${replica.view} already had a primary (incarnation ${first}, now ${incarnation})`,
      [replica.id],
      [],
    );
  }

  private checkNotes(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    const notes = event.notes;
    if (notes === null) return null;
    const codes = world.noteCodesOf(event);
    for (let i = 0; i < notes.length; i++) {
      const code = codes[i];
      if (code === notePrepared) {
        if (replica.status !== 'normal' || !replica.isPrimary()) {
          const note = notes[i] as NoteOf<'prepared'>;
          return violation(
            'only-primary-prepares',
            world,
            event,
            `replica ${replica.id} assigned op ${note.opNumber} while ${replica.status === 'normal' ? `a backup of view ${replica.view}` : replica.status}`,
            [replica.id],
            [note.opNumber],
          );
        }
      } else if (code === noteViewStarted) {
        const note = notes[i] as NoteOf<'view-started'>;
        if (note.primary === replica.id && !this.starts.has(viewKey(replica.epoch, note.view))) {
          const opNumber = replica.opNumber;
          this.starts.set(viewKey(replica.epoch, note.view), {
            opNumber,
            last: opNumber > 0 ? replica.log.at(opNumber - 1) : null,
          });
        }
      } else if (code === noteExecuted) {
        if (replica.status !== 'normal') {
          const note = notes[i] as NoteOf<'executed'>;
          return violation(
            'normal-status',
            world,
            event,
            `replica ${replica.id} executed op ${note.opNumber} in status ${replica.status}`,
            [replica.id],
            [note.opNumber],
          );
        }
      }
    }
    return null;
  }

  private checkSends(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    const end = event.firstSent + event.sentCount;
    for (let id = event.firstSent; id < end; id++) {
      const record = sentRecord(world, id);
      if (record === undefined || record.duplicateOf !== null || record.from !== replica.id) continue;
      const found = this.checkSend(world, event, replica, record.message);
      if (found !== null) return found;
    }
    return null;
  }

  private checkSend(
    world: WorldView,
    event: TraceEvent,
    replica: Replica,
    message: Message,
  ): Violation | null {
    const id = replica.id;
    switch (message.type) {
      case 'prepare':
        if (replica.status !== 'normal' || !replica.isPrimary() || message.view !== replica.view)
          return violation(
            'only-primary-prepares',
            world,
            event,
            `replica ${id} sent prepare op ${message.opNumber} of view ${message.view} while ${describeRole(replica)}`,
            [id],
            [message.opNumber],
          );
        return null;
      case 'prepare_ok':
        if (replica.status !== 'normal' || message.view !== replica.view)
          return violation(
            'normal-status',
            world,
            event,
            `replica ${id} acknowledged op ${message.opNumber} of view ${message.view} while ${describeRole(replica)}`,
            [id],
            [message.opNumber],
          );
        return this.checkHolds(world, event, replica, message.view, message.opNumber);
      case 'reply':
        if (replica.status !== 'normal' || !replica.isPrimary() || message.view !== replica.view)
          return violation(
            'normal-status',
            world,
            event,
            `replica ${id} replied to request #${message.request} of view ${message.view} while ${describeRole(replica)}`,
            [id],
            [],
          );
        return null;
      default:
        return null;
    }
  }

  /**
   * PrepareOk(n) means "I hold 1..n of this view": the ops must be there, and each must be the
   * primary's. Compares only what was not compared before (CheckedPrefix), so a long run costs
   * O(1) per PrepareOk but after a view change or a state transfer.
   */
  private checkHolds(
    world: WorldView,
    event: TraceEvent,
    replica: Replica,
    view: number,
    opNumber: number,
  ): Violation | null {
    if (opNumber > replica.opNumber)
      return violation(
        'prepare-ok-holds',
        world,
        event,
        `replica ${replica.id} acknowledged op ${opNumber} holding only ops 1..${replica.opNumber}`,
        [replica.id],
        [opNumber],
      );
    const primary = world.replicas[replica.primaryOfView(view)];
    if (
      opNumber === 0 ||
      primary === null ||
      primary.epoch !== replica.epoch ||
      primary.id === replica.id ||
      primary.status !== 'normal' ||
      primary.view !== view
    )
      return null;
    const upTo = Math.min(opNumber, primary.opNumber);
    const known = this.checkedPrefixes[replica.id];
    const from =
      known !== undefined &&
      known.view === view &&
      known.log === replica.log &&
      known.logTruncations === replica.log.truncations &&
      known.primaryLog === primary.log &&
      known.primaryTruncations === primary.log.truncations
        ? known.upTo + 1
        : 1;
    for (let n = from; n <= upTo; n++)
      if (!sameEntry(primary.log.at(n - 1), replica.log.at(n - 1)))
        return violation(
          'prepare-ok-holds',
          world,
          event,
          `replica ${replica.id} acknowledged op ${opNumber} of view ${view}, but it holds a different op ${n === opNumber ? 'there' : `at op ${n}`} than primary ${primary.id}`,
          [replica.id, primary.id],
          [n],
        );
    // Updated in place: a PrepareOk is a third of all events, and an object each was garbage.
    const checked = known ?? (this.checkedPrefixes[replica.id] = {} as CheckedPrefix);
    checked.view = view;
    checked.log = replica.log;
    checked.logTruncations = replica.log.truncations;
    checked.primaryLog = primary.log;
    checked.primaryTruncations = primary.log.truncations;
    checked.upTo = Math.max(upTo, from - 1);
    return null;
  }

  clone(): ReplicaRolesChecker {
    return new ReplicaRolesChecker(
      new Map(this.primaries),
      this.incarnations.slice(),
      new Map(this.starts),
      this.normalIn.slice(),
      this.checkedPrefixes.map((checked) => (checked === undefined ? undefined : { ...checked })),
      this.epochOf.slice(),
    );
  }
}

/** A restart action that found its replica running does nothing (and notes so). */
function restarted(event: TraceEvent): boolean {
  return event.notes !== null && event.notes.some((note) => note.kind === 'recovery-started');
}

function describeRole(replica: Replica): string {
  if (replica.status !== 'normal') return `in status ${replica.status} (view ${replica.view})`;
  return `${replica.isPrimary() ? 'primary' : 'a backup'} in view ${replica.view}`;
}
