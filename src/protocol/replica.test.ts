import { describe, expect, it } from 'vitest';
import { Client } from './client.ts';
import type { DoViewChangeMessage, LogEntry, Message, PrepareMessage } from './message.ts';
import type { Mutation } from './mutation.ts';
import { Outbox } from './output.ts';
import { Replica, type ReplicaConfig } from './replica.ts';
import { defaultTiming } from './timing.ts';
import type { NodeId } from './types.ts';

/** The paper's recovery: these tests build messages by hand, without crash vectors (see crash-vectors.test.ts). */
function config(id: number, replicaCount = 3, mutation: Mutation = 'none'): ReplicaConfig {
  return { id, replicaCount, stateMachine: 'kv', timing: defaultTiming, mutation, recovery: 'paper' };
}

function deliver(replica: Replica, from: NodeId, message: Message, now = 1000): Outbox {
  const out = new Outbox();
  replica.onMessage(from, message, now, out);
  return out;
}

function sentTypes(out: Outbox): string[] {
  return out.sends.map((s) => `${s.message.type}->${s.to}`);
}

function entry(op: string, request: number, view = 0, client = 'c0'): LogEntry {
  return { op, client, request, view };
}

function prepare(view: number, opNumber: number, commitNumber: number, e: LogEntry): PrepareMessage {
  return { type: 'prepare', view, opNumber, commitNumber, entry: e };
}

/** A backup of view 0 holding ops 1..count (none committed). */
function backupWith(count: number, id = 1, replicaCount = 3, mutation: Mutation = 'none'): Replica {
  const replica = Replica.start(config(id, replicaCount, mutation), 0);
  for (let n = 1; n <= count; n++) deliver(replica, 0, prepare(0, n, 0, entry(`put k${n} v`, n)));
  return replica;
}

function dvc(
  from: number,
  view: number,
  log: LogEntry[],
  lastNormalView: number,
  commitNumber: number,
): DoViewChangeMessage {
  return {
    type: 'do_view_change',
    view,
    log,
    lastNormalView,
    opNumber: log.length,
    commitNumber,
    replica: from,
  };
}

describe('normal operation (§4.1)', () => {
  it('the primary assigns the next op-number and sends prepare to every backup', () => {
    const primary = Replica.start(config(0), 0);
    const out = deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'put x 1' });
    expect(primary.opNumber).toBe(1);
    expect(sentTypes(out)).toEqual(['prepare->1', 'prepare->2']);
  });

  it('a backup ignores client requests', () => {
    const backup = Replica.start(config(1), 0);
    const out = deliver(backup, 'c0', { type: 'request', client: 'c0', request: 1, op: 'put x 1' });
    expect(out.sends).toEqual([]);
    expect(out.notes).toContainEqual({
      kind: 'ignored',
      messageType: 'request',
      reason: 'not the primary of view 0',
    });
  });

  it('the primary commits after f prepare_ok, executes in order and replies', () => {
    const primary = Replica.start(config(0, 5), 0);
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'put x 1' });
    expect(sentTypes(deliver(primary, 1, { type: 'prepare_ok', view: 0, opNumber: 1, replica: 1 }))).toEqual(
      [],
    );
    expect(primary.commitNumber).toBe(0);
    const out = deliver(primary, 3, { type: 'prepare_ok', view: 0, opNumber: 1, replica: 3 });
    expect(primary.commitNumber).toBe(1);
    expect(out.sends).toContainEqual({
      to: 'c0',
      message: { type: 'reply', view: 0, request: 1, result: 'ok', replica: 0 },
    });
  });

  it('a duplicate prepare_ok from the same backup is not a second vote', () => {
    const primary = Replica.start(config(0, 5), 0);
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'put x 1' });
    deliver(primary, 1, { type: 'prepare_ok', view: 0, opNumber: 1, replica: 1 });
    deliver(primary, 1, { type: 'prepare_ok', view: 0, opNumber: 1, replica: 1 });
    expect(primary.commitNumber).toBe(0);
  });

  it('a prepare_ok whose sender differs from the replica it names is ignored', () => {
    const primary = Replica.start(config(0), 0);
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'put x 1' });
    deliver(primary, 2, { type: 'prepare_ok', view: 0, opNumber: 1, replica: 1 });
    expect(primary.commitNumber).toBe(0);
  });

  it('backups execute what a commit heartbeat says is committed, and never reply', () => {
    const backup = backupWith(2);
    const out = deliver(backup, 0, { type: 'commit', view: 0, commitNumber: 2 });
    expect(backup.commitNumber).toBe(2);
    expect(out.sends).toEqual([]);
    expect(backup.stateMachine.contents()).toEqual({ k1: 'v', k2: 'v' });
  });

  it('an idle primary sends commit on its heartbeat', () => {
    const primary = Replica.start(config(0), 0);
    const out = new Outbox();
    primary.onTimer('heartbeat', defaultTiming.heartbeatMs, out);
    expect(sentTypes(out)).toEqual(['commit->1', 'commit->2']);
  });

  it('a backup never acknowledges op n before it holds every op below n: it fetches the gap', () => {
    const backup = backupWith(1);
    const out = deliver(backup, 0, prepare(0, 3, 0, entry('put z 3', 3)), 1000);
    expect(out.sends).toEqual([]);
    expect(backup.opNumber).toBe(1);
    // The gap persists past the retry interval: the backup asks the primary for what it misses.
    const fetch = new Outbox();
    backup.onTimer('stateTransfer', 1000 + defaultTiming.prepareRetryMs, fetch);
    expect(sentTypes(fetch)).toEqual(['get_state->0']);
    expect(fetch.sends[0].message).toMatchObject({ type: 'get_state', view: 0, opNumber: 1 });
    // Once the gap is filled, the held prepare is appended and everything is acknowledged cumulatively.
    const filled = deliver(backup, 0, prepare(0, 2, 0, entry('put y 2', 2)));
    expect(backup.opNumber).toBe(3);
    expect(filled.sends).toContainEqual({
      to: 0,
      message: { type: 'prepare_ok', view: 0, opNumber: 3, replica: 1 },
    });
  });

  it('mutation ack-with-gap: the backup acknowledges an op it cannot hold', () => {
    const backup = backupWith(1, 1, 3, 'ack-with-gap');
    const out = deliver(backup, 0, prepare(0, 3, 0, entry('put z 3', 3)));
    expect(out.sends).toContainEqual({
      to: 0,
      message: { type: 'prepare_ok', view: 0, opNumber: 3, replica: 1 },
    });
  });
});

describe('client table (§4.1 step 2)', () => {
  function primaryWithExecuted(mutation: Mutation = 'none'): Replica {
    const primary = Replica.start(config(0, 3, mutation), 0);
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'append x a' });
    deliver(primary, 1, { type: 'prepare_ok', view: 0, opNumber: 1, replica: 1 });
    return primary;
  }

  it('a resent request that already executed gets the cached reply and is not executed again', () => {
    const primary = primaryWithExecuted();
    const out = deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'append x a' });
    expect(primary.opNumber).toBe(1);
    expect(out.sends).toEqual([
      { to: 'c0', message: { type: 'reply', view: 0, request: 1, result: 'ok', replica: 0 } },
    ]);
    expect(primary.stateMachine.contents()).toEqual({ x: 'a' });
  });

  it('an older request is dropped and one in progress is not prepared twice', () => {
    const primary = primaryWithExecuted();
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 2, op: 'append x b' });
    expect(
      deliver(primary, 'c0', { type: 'request', client: 'c0', request: 2, op: 'append x b' }).sends,
    ).toEqual([]);
    expect(
      deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'append x a' }).sends,
    ).toEqual([]);
    expect(primary.opNumber).toBe(2);
  });

  it('mutation ignore-client-table: the resent request is prepared again', () => {
    const primary = primaryWithExecuted('ignore-client-table');
    deliver(primary, 'c0', { type: 'request', client: 'c0', request: 1, op: 'append x a' });
    expect(primary.opNumber).toBe(2);
  });
});

describe('view change (§4.2)', () => {
  it('a backup that hears nothing from the primary asks the others, and starts a view change once f agree', () => {
    const backup = Replica.start(config(1), 0);
    const out = new Outbox();
    backup.onTimer('viewChange', backup.deadlines.viewChange, out);
    expect(backup.status).toBe('normal');
    expect(sentTypes(out)).toEqual(['pre_view_change->0', 'pre_view_change->2']);
    const agreed = deliver(backup, 2, { type: 'pre_view_change_ok', view: 0, replica: 2 });
    expect(backup.status).toBe('view-change');
    expect(backup.view).toBe(1);
    expect(sentTypes(agreed)).toEqual(['start_view_change->0', 'start_view_change->2']);
  });

  it('a replica that still hears its primary, and the primary itself, decline to join', () => {
    const backup = Replica.start(config(2), 0);
    for (let at = 100; at <= 1000; at += 100)
      deliver(backup, 0, { type: 'commit', view: 0, commitNumber: 0 }, at);
    const primary = Replica.start(config(0), 0);
    const ask = { type: 'pre_view_change', view: 0, replica: 1 } as const;
    expect(deliver(backup, 1, ask, 1300).sends).toEqual([]);
    expect(deliver(primary, 1, ask, 1300).sends).toEqual([]);
    // Later, with no word from the primary for a whole timeout, the backup agrees.
    expect(sentTypes(deliver(backup, 1, ask, 1000 + defaultTiming.viewChangeTimeoutMs))).toEqual([
      'pre_view_change_ok->1',
    ]);
  });

  it('a paused backup whose overdue timer fires first cannot depose the primary: nobody agrees, and the heartbeat waiting for it resets its timer', () => {
    const backup = Replica.start(config(1), 0);
    const other = Replica.start(config(2), 0);
    deliver(other, 0, { type: 'commit', view: 0, commitNumber: 0 }, 4950);
    const out = new Outbox();
    backup.onTimer('viewChange', 5000, out);
    const ask = out.sends[0].message;
    expect(deliver(other, 1, ask, 5000).sends).toEqual([]);
    deliver(backup, 0, { type: 'commit', view: 0, commitNumber: 0 }, 5001);
    expect(backup.status).toBe('normal');
    expect(backup.probe).toBeNull();
    expect(backup.deadlines.viewChange).toBeGreaterThanOrEqual(5001 + defaultTiming.viewChangeTimeoutMs);
  });

  it('a backup that suspected a primary still alive waits longer next time, and less again after a calm spell', () => {
    const backup = Replica.start(config(1), 0);
    const base = defaultTiming.viewChangeTimeoutMs;
    expect(backup.primaryTimeoutMs()).toBe(base);
    const commit = { type: 'commit', view: 0, commitNumber: 0 } as const;
    let at = 0;
    for (let mistake = 1; mistake <= 2; mistake++) {
      backup.onTimer('viewChange', (at = backup.deadlines.viewChange), new Outbox());
      expect(backup.probe).not.toBeNull();
      deliver(backup, 0, commit, (at += 50));
      expect(backup.primaryTimeoutMs()).toBe(base * 2 ** mistake);
    }
    for (let i = 0; i < 128; i++) deliver(backup, 0, commit, (at += 100));
    expect(backup.primaryTimeoutMs()).toBe(base * 2);
  });

  it('a replica changing to a view whose primary is recovering moves on after the base timeout, not a backed-off one', () => {
    const backup = Replica.start(config(2, 5), 0);
    for (let view = 1; view <= 6; view++) backup.forceViewChangeTimeout(0, new Outbox()); // view 6: primary 1
    expect(backup.deadlines.viewChange).toBeGreaterThan(8 * defaultTiming.viewChangeTimeoutMs);
    deliver(backup, 1, { type: 'recovery', replica: 1, nonce: 5 }, 100);
    expect(backup.deadlines.viewChange).toBe(100 + defaultTiming.viewChangeTimeoutMs);
  });

  it('view-change timeouts grow with each view that failed to start, with a per-replica jitter', () => {
    const a = Replica.start(config(1), 0, 1);
    const b = Replica.start(config(2), 0, 1);
    const base = defaultTiming.viewChangeTimeoutMs;
    expect(a.viewChangeTimeout()).toBeGreaterThanOrEqual(base);
    expect(a.viewChangeTimeout()).toBeLessThan(base * 1.5);
    const waits: number[] = [];
    for (let stalls = 0; stalls < 4; stalls++) {
      a.forceViewChangeTimeout(0, new Outbox());
      waits.push(a.viewChangeTimeout() - (a.viewChangeTimeout() % base));
    }
    expect(waits).toEqual([base, 2 * base, 4 * base, 8 * base]);
    b.forceViewChangeTimeout(0, new Outbox());
    a.view = b.view;
    a.lastNormalView = 0;
    expect(a.viewChangeTimeout()).not.toBe(b.viewChangeTimeout());
  });

  it('a replica in view-change status does not accept prepares of an older view', () => {
    const backup = backupWith(1, 2);
    backup.forceViewChangeTimeout(1000, new Outbox());
    const out = deliver(backup, 0, prepare(0, 2, 0, entry('put y 2', 2)));
    expect(backup.opNumber).toBe(1);
    expect(out.sends).toEqual([]);
  });

  it('mutation prepare-during-view-change: the old prepare is accepted and acknowledged', () => {
    const backup = backupWith(1, 2, 3, 'prepare-during-view-change');
    backup.forceViewChangeTimeout(1000, new Outbox());
    const out = deliver(backup, 0, prepare(0, 2, 0, entry('put y 2', 2)));
    expect(backup.opNumber).toBe(2);
    expect(sentTypes(out)).toEqual(['prepare_ok->0']);
  });

  it('after f start_view_change from others, a replica sends do_view_change to the new primary', () => {
    const replica = backupWith(2, 2);
    replica.forceViewChangeTimeout(1000, new Outbox());
    const out = deliver(replica, 0, { type: 'start_view_change', view: 1, replica: 0 });
    expect(out.sends).toHaveLength(1);
    expect(out.sends[0].to).toBe(1);
    expect(out.sends[0].message).toMatchObject({
      type: 'do_view_change',
      view: 1,
      opNumber: 2,
      lastNormalView: 0,
    });
  });

  it('the new primary waits for f+1 do_view_change, its own included', () => {
    const newPrimary = Replica.start(config(1, 5), 0);
    newPrimary.forceViewChangeTimeout(1000, new Outbox());
    deliver(newPrimary, 2, dvc(2, 1, [], 0, 0));
    deliver(newPrimary, 3, dvc(3, 1, [], 0, 0));
    deliver(newPrimary, 4, dvc(4, 1, [], 0, 0));
    // Three DoViewChange from others make f+1 = 3, but its own is not among them yet.
    expect(newPrimary.status).toBe('view-change');
    deliver(newPrimary, 2, { type: 'start_view_change', view: 1, replica: 2 });
    deliver(newPrimary, 3, { type: 'start_view_change', view: 1, replica: 3 });
    expect(newPrimary.status).toBe('normal');
    expect(newPrimary.view).toBe(1);
  });

  it('the new primary takes the log with the greatest last-normal view, then the greatest op-number, and the greatest commit', () => {
    const newPrimary = Replica.start(config(1, 5), 0);
    // View 6 is replica 1's again (6 mod 5); the logs come from views 0 and 2.
    for (let view = 1; view <= 6; view++) newPrimary.forceViewChangeTimeout(1000, new Outbox());
    const longOld = [entry('put a 1', 1), entry('put b 2', 2), entry('put c 3', 3)];
    const shortNew = [entry('put a 1', 1), entry('put z 9', 9, 2)];
    const longerNew = [...shortNew, entry('put w 8', 8, 2)];
    deliver(newPrimary, 2, dvc(2, 6, longOld, 0, 1));
    deliver(newPrimary, 3, dvc(3, 6, shortNew, 2, 2));
    deliver(newPrimary, 4, dvc(4, 6, longerNew, 2, 1));
    deliver(newPrimary, 2, { type: 'start_view_change', view: 6, replica: 2 });
    deliver(newPrimary, 3, { type: 'start_view_change', view: 6, replica: 3 });
    expect(newPrimary.status).toBe('normal');
    expect(newPrimary.log.slice()).toEqual(longerNew);
    expect(newPrimary.commitNumber).toBe(2);
  });

  it('mutation longest-log-wins: the longer log of an older view is taken', () => {
    const replica = Replica.start(config(1, 5, 'longest-log-wins'), 0);
    const longOld = [entry('a', 1), entry('b', 2), entry('c', 3)];
    const shortNew = [entry('a', 1), entry('z', 9, 2)];
    expect(replica.chooseLog([dvc(2, 3, longOld, 0, 0), dvc(3, 3, shortNew, 2, 0)]).replica).toBe(2);
    const correct = Replica.start(config(1, 5), 0);
    expect(correct.chooseLog([dvc(2, 3, longOld, 0, 0), dvc(3, 3, shortNew, 2, 0)]).replica).toBe(3);
  });

  it('a replica receiving start_view adopts the log, goes normal and acknowledges what is uncommitted', () => {
    const backup = Replica.start(config(2), 0);
    backup.forceViewChangeTimeout(1000, new Outbox());
    const log = [entry('put a 1', 1), entry('put b 2', 2)];
    const out = deliver(backup, 1, { type: 'start_view', view: 1, log, opNumber: 2, commitNumber: 1 });
    expect(backup.status).toBe('normal');
    expect(backup.commitNumber).toBe(1);
    expect(sentTypes(out)).toEqual(['prepare_ok->1']);
  });

  it('lost view-change messages are resent: start_view_change and do_view_change go out again', () => {
    const replica = Replica.start(config(2), 0);
    replica.forceViewChangeTimeout(1000, new Outbox());
    deliver(replica, 0, { type: 'start_view_change', view: 1, replica: 0 });
    const out = new Outbox();
    replica.onTimer('viewChangeResend', 1200, out);
    expect(sentTypes(out)).toEqual(['start_view_change->0', 'start_view_change->1', 'do_view_change->1']);
  });

  it('a lost start_view is resent by the new primary to a replica still asking for the view', () => {
    const primary = Replica.start(config(1), 0);
    primary.forceViewChangeTimeout(1000, new Outbox());
    deliver(primary, 2, { type: 'start_view_change', view: 1, replica: 2 });
    deliver(primary, 2, dvc(2, 1, [], 0, 0));
    expect(primary.status).toBe('normal');
    const out = deliver(primary, 2, { type: 'start_view_change', view: 1, replica: 2 });
    expect(sentTypes(out)).toEqual(['start_view->2']);
  });

  it('a view change that stalls moves on to the next view', () => {
    const replica = Replica.start(config(2), 0);
    replica.forceViewChangeTimeout(1000, new Outbox());
    replica.onTimer('viewChange', 1500, new Outbox());
    expect(replica.view).toBe(2);
  });

  it('mutation start-view-without-quorum: the new primary starts with its own do_view_change alone', () => {
    const primary = Replica.start(config(1, 5, 'start-view-without-quorum'), 0);
    primary.forceViewChangeTimeout(1000, new Outbox());
    deliver(primary, 2, { type: 'start_view_change', view: 1, replica: 2 });
    deliver(primary, 3, { type: 'start_view_change', view: 1, replica: 3 });
    expect(primary.status).toBe('normal');
  });
});

describe('state transfer (§5.2)', () => {
  it('a replica that learns of a later view keeps its log and view until the state arrives, then installs it at once', () => {
    const backup = backupWith(3, 2);
    deliver(backup, 0, { type: 'commit', view: 0, commitNumber: 1 });
    const out = deliver(backup, 1, prepare(1, 3, 1, entry('put q 7', 7, 1)));
    expect(sentTypes(out)).toEqual(['get_state->1']);
    expect(out.sends[0].message).toMatchObject({ type: 'get_state', view: 1, opNumber: 1, commitNumber: 1 });
    expect(backup.view).toBe(0);
    expect(backup.opNumber).toBe(3);
    expect(backup.log.at(2).op).toBe('put k3 v');
    const installed = deliver(backup, 1, {
      type: 'new_state',
      view: 1,
      fromOp: 1,
      entries: [entry('put k2 v', 2), entry('put q 7', 7, 1)],
      opNumber: 3,
      commitNumber: 2,
      state: { delta: { kind: 'kv', sinceCommit: 1, entries: [['k2', 'v']] }, clientTable: [] },
    });
    expect(backup.view).toBe(1);
    expect(backup.status).toBe('normal');
    expect(backup.log.at(2).op).toBe('put q 7');
    expect(backup.commitNumber).toBe(2);
    expect(backup.stateMachine.contents()).toEqual({ k1: 'v', k2: 'v' });
    expect(sentTypes(installed)).toEqual(['prepare_ok->1']);
  });

  it('mutation truncate-before-new-state: the log is cut and the view adopted before any state arrives', () => {
    const backup = backupWith(3, 2, 3, 'truncate-before-new-state');
    deliver(backup, 1, prepare(1, 3, 0, entry('put q 7', 7, 1)));
    expect(backup.view).toBe(1);
    expect(backup.opNumber).toBe(0);
  });

  it('a replica answers get_state only when normal in that view, with the suffix and the delta since the commit-number', () => {
    const primary = Replica.start(config(0), 0);
    for (let r = 1; r <= 3; r++) {
      deliver(primary, 'c0', { type: 'request', client: 'c0', request: r, op: `put k${r} v${r}` });
      deliver(primary, 1, { type: 'prepare_ok', view: 0, opNumber: r, replica: 1 });
    }
    const out = deliver(primary, 2, { type: 'get_state', view: 0, opNumber: 1, commitNumber: 1, replica: 2 });
    expect(out.sends[0].message).toMatchObject({
      type: 'new_state',
      fromOp: 1,
      opNumber: 3,
      commitNumber: 3,
      state: {
        delta: {
          kind: 'kv',
          sinceCommit: 1,
          entries: [
            ['k2', 'v2'],
            ['k3', 'v3'],
          ],
        },
      },
    });
    expect(
      deliver(primary, 2, { type: 'get_state', view: 1, opNumber: 1, commitNumber: 1, replica: 2 }).sends,
    ).toEqual([]);
  });
});

describe('recovery (§4.3)', () => {
  function restarted(
    id = 2,
    replicaCount = 3,
    mutation: Mutation = 'none',
  ): { replica: Replica; out: Outbox } {
    const out = new Outbox();
    const replica = Replica.restart(config(id, replicaCount, mutation), 1000, 42, out);
    return { replica, out };
  }

  const primaryState = {
    log: [entry('put a 1', 1)],
    opNumber: 1,
    commitNumber: 1,
    state: {
      delta: { kind: 'kv' as const, sinceCommit: 0, entries: [['a', '1'] as [string, string]] },
      clientTable: [],
    },
  };

  it('a restarted replica sends recovery to everyone and nothing else while recovering', () => {
    const { replica, out } = restarted();
    expect(replica.status).toBe('recovering');
    expect(sentTypes(out)).toEqual(['recovery->0', 'recovery->1']);
    expect(deliver(replica, 0, prepare(0, 1, 0, entry('x', 1))).sends).toEqual([]);
    expect(deliver(replica, 0, { type: 'start_view_change', view: 1, replica: 0 }).sends).toEqual([]);
    expect(deliver(replica, 0, { type: 'recovery', replica: 0, nonce: 1 }).sends).toEqual([]);
  });

  it('rejoins only with f+1 responses with its nonce, one from the primary of the latest view', () => {
    const { replica } = restarted(2, 5);
    const nonce = replica.nonce;
    deliver(replica, 0, { type: 'recovery_response', view: 0, nonce, replica: 0, primaryState });
    deliver(replica, 3, { type: 'recovery_response', view: 1, nonce, replica: 3, primaryState: null });
    deliver(replica, 4, { type: 'recovery_response', view: 1, nonce, replica: 4, primaryState: null });
    // f+1 = 3 responses, but the latest view is 1 and its primary (replica 1) has not answered.
    expect(replica.status).toBe('recovering');
    deliver(replica, 1, { type: 'recovery_response', view: 1, nonce, replica: 1, primaryState });
    expect(replica.status).toBe('normal');
    expect(replica.view).toBe(1);
    expect(replica.stateMachine.contents()).toEqual({ a: '1' });
  });

  it('responses carrying an old nonce are ignored', () => {
    const { replica } = restarted();
    const stale = replica.nonce + 1;
    deliver(replica, 0, { type: 'recovery_response', view: 0, nonce: stale, replica: 0, primaryState });
    deliver(replica, 1, { type: 'recovery_response', view: 0, nonce: stale, replica: 1, primaryState: null });
    expect(replica.status).toBe('recovering');
  });

  it('a lost recovery is resent with the same nonce, so the answers already gathered still count', () => {
    const { replica } = restarted(2, 5);
    const nonce = replica.nonce;
    deliver(replica, 3, { type: 'recovery_response', view: 0, nonce, replica: 3, primaryState: null });
    const out = new Outbox();
    replica.onTimer('recovery', 2000, out);
    expect(replica.nonce).toBe(nonce);
    expect(sentTypes(out)).toEqual(['recovery->0', 'recovery->1', 'recovery->3', 'recovery->4']);
    deliver(replica, 4, { type: 'recovery_response', view: 0, nonce, replica: 4, primaryState: null });
    deliver(replica, 0, { type: 'recovery_response', view: 0, nonce, replica: 0, primaryState });
    expect(replica.status).toBe('normal');
  });

  it('mutation recovery-without-primary: an older primary state is enough to rejoin', () => {
    const { replica } = restarted(2, 5, 'recovery-without-primary');
    const nonce = replica.nonce;
    deliver(replica, 0, { type: 'recovery_response', view: 0, nonce, replica: 0, primaryState });
    deliver(replica, 3, { type: 'recovery_response', view: 1, nonce, replica: 3, primaryState: null });
    deliver(replica, 4, { type: 'recovery_response', view: 1, nonce, replica: 4, primaryState: null });
    expect(replica.status).toBe('normal');
  });

  it('only normal replicas answer recovery, and only the primary sends its state', () => {
    const primary = Replica.start(config(0), 0);
    const backup = Replica.start(config(1), 0);
    const fromPrimary = deliver(primary, 2, { type: 'recovery', replica: 2, nonce: 7 });
    const fromBackup = deliver(backup, 2, { type: 'recovery', replica: 2, nonce: 7 });
    expect(fromPrimary.sends[0].message).toMatchObject({ type: 'recovery_response', nonce: 7, replica: 0 });
    expect((fromPrimary.sends[0].message as { primaryState: unknown }).primaryState).not.toBeNull();
    expect(fromBackup.sends[0].message).toMatchObject({ primaryState: null });
  });
});

describe('client (§4.1)', () => {
  it('sends to the primary it believes in, and with no reply resends to every replica', () => {
    const client = new Client({ id: 'c0', replicaCount: 3, timing: defaultTiming });
    const first = new Outbox();
    client.submit('put x 1', 0, first);
    expect(sentTypes(first)).toEqual(['request->0']);
    const retry = new Outbox();
    client.onRetryTimeout(defaultTiming.clientRetryMs, retry);
    expect(sentTypes(retry)).toEqual(['request->0', 'request->1', 'request->2']);
  });

  it('learns the view from a reply, ignores duplicates and sends the next queued op', () => {
    const client = new Client({ id: 'c0', replicaCount: 3, timing: defaultTiming });
    const out = new Outbox();
    client.submit('put x 1', 0, out);
    client.submit('get x', 0, out);
    const reply = { type: 'reply' as const, view: 4, request: 1, result: 'ok', replica: 1 };
    const next = new Outbox();
    client.onReply(1, reply, 10, next);
    expect(client.view).toBe(4);
    expect(sentTypes(next)).toEqual(['request->1']);
    const duplicate = new Outbox();
    client.onReply(1, reply, 11, duplicate);
    expect(duplicate.notes).toContainEqual({
      kind: 'ignored',
      messageType: 'reply',
      reason: 'duplicate reply',
    });
  });
});

describe('senders', () => {
  it('a prepare from a replica that is not the primary of its view is ignored', () => {
    const backup = Replica.start(config(1), 0);
    const out = deliver(backup, 2, prepare(0, 1, 0, entry('put x 1', 1)));
    expect(backup.opNumber).toBe(0);
    expect(out.notes).toContainEqual({
      kind: 'ignored',
      messageType: 'prepare',
      reason: 'sent by 2, but only 0 may send it',
    });
  });

  it('a start_view_change counts only for the replica that sent it', () => {
    const replica = Replica.start(config(2), 0);
    replica.forceViewChangeTimeout(1000, new Outbox());
    const out = deliver(replica, 1, { type: 'start_view_change', view: 1, replica: 0 });
    expect(out.sends).toEqual([]);
    expect(replica.startViewChanges.count).toBe(0);
  });
});
