/**
 * Reconfiguration (§7). Rules:
 * - epoch-state: a replica enters epoch E only once the reconfiguration op that starts E has
 *   committed (some replica executed it), and only holding every op up to it: the new group holds
 *   every op committed in the old epoch before it serves;
 * - one-epoch-serves: no op after the reconfiguration op that ended epoch E is executed by a replica
 *   of epoch E: at most one epoch takes client requests at a time;
 * - retire-after-handover: a replica leaving the group shuts down only after f'+1 members of the new
 *   group entered the epoch holding its state;
 * - retired-silent: a replica that shut down never sends again (until a restart makes it another).
 * Views are compared as (epoch, view) pairs by the other checkers (viewKey).
 */
import { groupFaults, isReconfigurationOp, type NoteOf, type Replica } from '../../protocol/index.ts';
import { noteExecuted } from '../note-codes.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import { violation } from './basic.ts';
import type { Checker, WorldView } from './checker.ts';

const epochResult = /^epoch (\d+):/;

export class EpochChecker implements Checker {
  readonly name = 'epochs';

  constructor(
    /** Epoch -> the op-number of the committed reconfiguration op that starts it. */
    private startOps = new Map<number, number>(),
    /** Epoch -> the replicas that entered it holding its state. */
    private holders = new Map<number, Set<number>>(),
    /** Replica -> its epoch after its last event. */
    private epochOf: number[] = [],
    /** Replica -> whether it had retired after its last event. */
    private retired: boolean[] = [],
  ) {}

  afterEvent(world: WorldView, event: TraceEvent): Violation | null {
    const node = event.node;
    if (typeof node !== 'number') return null;
    const replica = world.replicas[node];
    const restart = event.kind === 'action' && event.action.type === 'restart';
    const wasRetired = this.retired[node] === true && !restart;
    if (replica === null || replica === undefined) {
      this.epochOf[node] = 0;
      this.retired[node] = false;
      return null;
    }
    if (wasRetired && world.nextMessageId > world.stepFirstSent)
      return violation(
        'retired-silent',
        world,
        event,
        `replica ${node} sent a message after it retired`,
        [node],
        [],
      );
    const found = this.checkNotes(world, event, replica) ?? this.checkEntered(world, event, replica);
    this.epochOf[node] = replica.epoch;
    if (found !== null) return found;
    const retiredNow = replica.status === 'retired';
    this.retired[node] = retiredNow;
    if (retiredNow && !wasRetired) return this.checkHandover(world, event, replica);
    return null;
  }

  private checkNotes(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    const notes = event.notes;
    if (notes === null) return null;
    const codes = world.noteCodesOf(event);
    for (let i = 0; i < notes.length; i++) {
      if (codes[i] !== noteExecuted) continue;
      const note = notes[i] as NoteOf<'executed'>;
      if (isReconfigurationOp(note.entry.op)) {
        const started = epochResult.exec(note.result);
        if (started !== null && !this.startOps.has(Number(started[1])))
          this.startOps.set(Number(started[1]), note.opNumber);
        continue;
      }
      const ended = this.startOps.get(replica.epoch + 1);
      if (ended !== undefined && note.opNumber > ended && replica.epoch === (this.epochOf[replica.id] ?? 0))
        return violation(
          'one-epoch-serves',
          world,
          event,
          `replica ${replica.id} executed op ${note.opNumber} in epoch ${replica.epoch}, which the reconfiguration at op ${ended} ended`,
          [replica.id],
          [note.opNumber],
        );
    }
    return null;
  }

  private checkEntered(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    const epoch = replica.epoch;
    if (epoch === 0 || epoch === (this.epochOf[replica.id] ?? 0) || !replica.hasState()) return null;
    const startOp = this.startOps.get(epoch);
    if (startOp === undefined)
      return violation(
        'epoch-state',
        world,
        event,
        `replica ${replica.id} entered epoch ${epoch} before the reconfiguration that starts it committed`,
        [replica.id],
        [],
      );
    if (replica.commitNumber < startOp || !isReconfigurationOp(replica.log.at(startOp - 1).op))
      return violation(
        'epoch-state',
        world,
        event,
        `replica ${replica.id} entered epoch ${epoch} holding committed ops up to ${replica.commitNumber}, without op ${startOp}, the reconfiguration that starts it`,
        [replica.id],
        [startOp],
      );
    if (replica.isMember(replica.id)) {
      const holders = this.holders.get(epoch) ?? new Set<number>();
      this.holders.set(epoch, holders.add(replica.id));
    }
    return null;
  }

  private checkHandover(world: WorldView, event: TraceEvent, replica: Replica): Violation | null {
    const holders = this.holders.get(replica.epoch) ?? new Set<number>();
    const needed = groupFaults(replica.members) + 1;
    if (holders.size >= needed) return null;
    return violation(
      'retire-after-handover',
      world,
      event,
      `replica ${replica.id} shut down when ${holders.size} member${holders.size === 1 ? '' : 's'} of epoch ${replica.epoch} held its state (${[...holders].join(', ') || 'none'}); it must wait for ${needed}`,
      [replica.id, ...holders],
      [],
    );
  }

  clone(): EpochChecker {
    return new EpochChecker(
      new Map(this.startOps),
      new Map([...this.holders].map(([epoch, set]) => [epoch, new Set(set)])),
      this.epochOf.slice(),
      this.retired.slice(),
    );
  }
}
