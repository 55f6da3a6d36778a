import { describe, expect, it } from 'vitest';
import type { CrashVector } from './crash-vector.ts';
import type { DoViewChangeMessage, Message } from './message.ts';
import { Outbox } from './output.ts';
import { Replica, type ReplicaConfig } from './replica.ts';
import { defaultTiming } from './timing.ts';
import type { NodeId } from './types.ts';

function config(id: number, replicaCount = 5): ReplicaConfig {
  return {
    id,
    replicaCount,
    stateMachine: 'kv',
    timing: defaultTiming,
    mutation: 'none',
    recovery: 'crash-vectors',
  };
}

function deliver(replica: Replica, from: NodeId, message: Message, now = 1000): Outbox {
  const out = new Outbox();
  replica.onMessage(from, message, now, out);
  return out;
}

const zero: CrashVector = [0, 0, 0, 0, 0];

function dvc(from: number, view: number, crashVector: CrashVector): DoViewChangeMessage {
  return {
    type: 'do_view_change',
    crashVector,
    view,
    log: [],
    lastNormalView: 0,
    opNumber: 0,
    commitNumber: 0,
    replica: from,
  };
}

describe('recovery with crash vectors (DISC 2017)', () => {
  it('a restarted replica first learns the crash vector from f+1 replicas, takes the next incarnation, then asks for the state with it', () => {
    const out = new Outbox();
    const replica = Replica.restart(config(2), 0, 7, out);
    expect(out.sends.map((s) => s.message.type)).toEqual(Array(4).fill('crash_vector_request'));
    const nonce = replica.nonce;
    const resend = new Outbox();
    replica.onTimer('recovery', defaultTiming.recoveryRetryMs, resend);
    expect(
      resend.sends.every((s) => s.message.type === 'crash_vector_request' && s.message.nonce === nonce),
    ).toBe(true);
    deliver(replica, 0, { type: 'crash_vector_response', crashVector: [0, 0, 3, 1, 0], nonce, replica: 0 });
    deliver(replica, 1, { type: 'crash_vector_response', crashVector: [0, 0, 2, 0, 0], nonce, replica: 1 });
    expect(replica.recoveryPhase).toBe('crash-vector');
    const asked = deliver(replica, 3, {
      type: 'crash_vector_response',
      crashVector: [0, 0, 3, 1, 0],
      nonce,
      replica: 3,
    });
    expect(replica.crashVector).toEqual([0, 0, 4, 1, 0]);
    expect(replica.incarnation).toBe(4);
    expect(asked.notes).toContainEqual({
      kind: 'incarnation-started',
      incarnation: 4,
      crashVector: [0, 0, 4, 1, 0],
    });
    expect(asked.sends.map((s) => s.message)).toContainEqual({
      type: 'recovery',
      crashVector: [0, 0, 4, 1, 0],
      replica: 2,
      nonce,
    });
  });

  it('a message from an incarnation known to be dead is refused', () => {
    const backup = Replica.start(config(1), 0);
    deliver(backup, 0, { type: 'commit', crashVector: [1, 0, 0, 0, 0], view: 0, commitNumber: 0 });
    const out = deliver(backup, 0, { type: 'commit', crashVector: zero, view: 0, commitNumber: 0 });
    expect(out.notes).toContainEqual({
      kind: 'ignored',
      messageType: 'commit',
      reason: 'from incarnation 0 of replica 0, which restarted since (now 1)',
    });
  });

  it('the new primary forgets a DoViewChange once it hears its sender restarted: the old vote never completes a quorum', () => {
    const primary = Replica.start(config(1), 0);
    primary.forceViewChangeTimeout(0, new Outbox());
    deliver(primary, 2, dvc(2, 1, zero));
    expect(primary.doViewChanges[2]).not.toBeNull();
    const out = deliver(primary, 2, { type: 'recovery', crashVector: [0, 0, 1, 0, 0], replica: 2, nonce: 9 });
    expect(primary.doViewChanges[2]).toBeNull();
    expect(out.notes).toContainEqual({
      kind: 'incarnation-seen',
      replica: 2,
      incarnation: 1,
      dropped: ['do_view_change'],
    });
    // Its StartViewChange and DoViewChange from before the crash, still in flight, count for nothing.
    deliver(primary, 3, dvc(3, 1, [0, 0, 1, 0, 0]));
    deliver(primary, 2, dvc(2, 1, zero));
    deliver(primary, 3, { type: 'start_view_change', crashVector: zero, view: 1, replica: 3 });
    deliver(primary, 4, { type: 'start_view_change', crashVector: zero, view: 1, replica: 4 });
    expect(primary.status).toBe('view-change');
    expect(primary.doViewChanges.filter((m) => m !== null).map((m) => m!.replica)).toEqual([1, 3]);
  });

  it('a primary forgets the PrepareOk of a backup that restarted since', () => {
    const primary = Replica.start(config(0, 3), 0);
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'put x 1' });
    primary.acks[1] = 1;
    deliver(primary, 1, { type: 'recovery', crashVector: [0, 1, 0], replica: 1, nonce: 3 });
    expect(primary.acks[1]).toBe(0);
    expect(primary.commitNumber).toBe(0);
  });

  it('a message without a crash vector is refused where crash vectors are on', () => {
    const backup = Replica.start(config(1), 0);
    const out = deliver(backup, 0, { type: 'commit', view: 0, commitNumber: 0 });
    expect(out.notes[0]).toMatchObject({
      kind: 'ignored',
      reason: 'carries no crash vector of this configuration',
    });
  });
});
