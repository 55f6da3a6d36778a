/**
 * recovery: a restarted replica takes part only after its recovery completed correctly (§4.3).
 * While recovering it sends nothing but Recovery (and, with crash vectors, the crash-vector request
 * before it) and executes, prepares and changes views not at all;
 * it leaves recovery only by completing it; and it completes only with f+1 responses to its current
 * nonce from distinct replicas, one of them from the primary of the latest view among them, whose
 * state it adopts. The responses are followed from their sending to their delivery, independently of
 * the replica's own bookkeeping. Per event O(notes + sends), and nothing at all while no replica recovers.
 */
import {
  faultsTolerated,
  primaryIn,
  type RecoveryResponseMessage,
  type Replica,
} from '../../protocol/index.ts';
import type { TraceEvent, Violation } from '../trace.ts';
import type { WorldView } from './checker.ts';
import { violation } from './basic.ts';
import type { Checker } from './checker.ts';
import { sendsVisible, sentRecord } from './sends.ts';

interface Recovering {
  /** The nonce of the latest Recovery it sent (null before the first). */
  nonce: number | null;
  /** Per responder, the latest response to that nonce delivered while recovering. */
  responses: (RecoveryResponseMessage | null)[];
}

export class RecoveryChecker implements Checker {
  readonly name = 'recovery';

  constructor(
    private recovering: (Recovering | null)[] = [],
    private count = 0,
    /** Recovery responses sent and not yet delivered or lost, by message id. */
    private inFlight = new Map<number, RecoveryResponseMessage>(),
  ) {}

  afterEvent(world: WorldView, event: TraceEvent): Violation | null {
    if (this.count > 0 || this.inFlight.size > 0) this.followResponses(world, event);
    const node = event.node;
    if (typeof node !== 'number') return null;
    const replica = world.replicas[node];
    if (replica === null || replica === undefined) {
      if (this.recovering[node]) this.stop(node);
      return null;
    }
    if (replica.status === 'recovering' && !this.recovering[node]) this.start(node, world.replicaCount);
    const state = this.recovering[node];
    if (!state) return null;
    return this.checkRecovering(world, event, replica, state);
  }

  private followResponses(world: WorldView, event: TraceEvent): void {
    if ((event.kind === 'deliver' || event.kind === 'lose') && this.inFlight.size > 0) {
      const message = this.inFlight.get(event.msgId);
      if (message !== undefined) {
        this.inFlight.delete(event.msgId);
        const to = event.node;
        const state = typeof to === 'number' ? this.recovering[to] : null;
        if (
          event.kind === 'deliver' &&
          state &&
          state.nonce === message.nonce &&
          message.replica !== to &&
          message.replica < state.responses.length
        )
          state.responses[message.replica] = message;
      }
    }
    if (this.count === 0) return;
    const end = event.firstSent + event.sentCount;
    for (let id = event.firstSent; id < end; id++) {
      const record = sentRecord(world, id);
      if (record !== undefined && record.message.type === 'recovery_response')
        this.inFlight.set(id, record.message);
    }
  }

  private checkRecovering(
    world: WorldView,
    event: TraceEvent,
    replica: Replica,
    state: Recovering,
  ): Violation | null {
    const id = replica.id;
    let recovered = false;
    const notes = event.notes;
    if (notes !== null)
      for (let i = 0; i < notes.length; i++) {
        const note = notes[i];
        if (note.kind === 'recovered') recovered = true;
        else if (
          !recovered &&
          (note.kind === 'executed' ||
            note.kind === 'prepared' ||
            note.kind === 'view-change-started' ||
            note.kind === 'view-started')
        )
          return violation(
            'recovery',
            world,
            event,
            `replica ${id} took part while recovering (${note.kind})`,
            [id],
            [],
          );
      }
    if (!recovered) {
      const end = event.firstSent + event.sentCount;
      for (let messageId = event.firstSent; messageId < end; messageId++) {
        const record = sentRecord(world, messageId);
        if (record === undefined || record.from !== id) continue;
        const message = record.message;
        if (message.type !== 'recovery' && message.type !== 'crash_vector_request')
          return violation(
            'recovery',
            world,
            event,
            `replica ${id} sent ${message.type} while recovering`,
            [id],
            [],
          );
        if (message.nonce !== state.nonce) {
          state.nonce = message.nonce;
          state.responses.fill(null);
        }
      }
      if (replica.status !== 'recovering')
        return violation(
          'recovery',
          world,
          event,
          `replica ${id} left recovery (now ${replica.status} in view ${replica.view}) without completing it`,
          [id],
          [],
        );
      return null;
    }
    const found = sendsVisible(world) ? this.checkCompletion(world, event, replica, state) : null;
    this.stop(id);
    return found;
  }

  /** §4.3 step 3, checked against the responses that actually reached the replica. */
  private checkCompletion(
    world: WorldView,
    event: TraceEvent,
    replica: Replica,
    state: Recovering,
  ): Violation | null {
    const id = replica.id;
    const n = world.replicaCount;
    // With crash vectors, an answer from an incarnation the replica knows to be dead does not count.
    const known = replica.crashVectors ? replica.crashVector : null;
    let got = state.responses.filter(
      (m): m is RecoveryResponseMessage =>
        m !== null &&
        (known === null || m.crashVector === undefined || m.crashVector[m.replica] >= known[m.replica]),
    );
    // §7: the answers of the latest epoch's group count (a restarted replica knows no configuration).
    let epoch = 0;
    let members: readonly number[] = Array.from({ length: world.scenario.replicas }, (_, i) => i);
    for (const m of got)
      if ((m.epoch ?? 0) > epoch && m.members !== undefined) {
        epoch = m.epoch ?? 0;
        members = m.members;
      }
    if (epoch > 0 || n !== members.length)
      got = got.filter((m) => (m.epoch ?? 0) === epoch && members.includes(m.replica));
    const groupSize = members.length;
    const from = got.map((m) => m.replica);
    if (got.length < faultsTolerated(groupSize) + 1)
      return violation(
        'recovery',
        world,
        event,
        `replica ${id} recovered with ${got.length} response${got.length === 1 ? '' : 's'} to its nonce (from ${from.join(', ') || 'nobody'}); it needs ${faultsTolerated(groupSize) + 1}`,
        [id, ...from],
        [],
      );
    let latest = 0;
    for (const m of got) if (m.view > latest) latest = m.view;
    const primary = primaryIn(members, latest);
    const fromPrimary = got.find((m) => m.view === latest && m.replica === primary);
    const adopted = fromPrimary?.primaryState ?? null;
    if (adopted === null)
      return violation(
        'recovery',
        world,
        event,
        `replica ${id} recovered into view ${replica.view} without the state of replica ${primary}, primary of view ${latest}, the latest view among its responses (from ${from.join(', ')})`,
        [id, ...from],
        [],
      );
    if (
      replica.view !== latest ||
      replica.opNumber !== adopted.opNumber ||
      replica.commitNumber !== adopted.commitNumber
    )
      return violation(
        'recovery',
        world,
        event,
        `replica ${id} recovered into view ${replica.view} with op ${replica.opNumber}, commit ${replica.commitNumber}, but primary ${primary} of view ${latest} sent op ${adopted.opNumber}, commit ${adopted.commitNumber}`,
        [id, primary],
        [],
      );
    return null;
  }

  private start(replica: number, replicaCount: number): void {
    this.recovering[replica] = { nonce: null, responses: new Array(replicaCount).fill(null) };
    this.count++;
  }

  private stop(replica: number): void {
    if (!this.recovering[replica]) return;
    this.recovering[replica] = null;
    this.count--;
  }

  clone(): RecoveryChecker {
    return new RecoveryChecker(
      this.recovering.map((state) =>
        state ? { nonce: state.nonce, responses: state.responses.slice() } : null,
      ),
      this.count,
      new Map(this.inFlight),
    );
  }
}
