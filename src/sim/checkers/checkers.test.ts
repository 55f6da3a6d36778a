/**
 * Each checker catches what it exists for, on fabricated events (a correct world, then one bad
 * event or one bad send fed to the checker), and accepts correct runs.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/schema.ts';
import { AppendOnly } from '../../protocol/append-only.ts';
import { defaultTiming, type LogEntry, type Message, type NodeId, type Note } from '../../protocol/index.ts';
import type { Action, Scenario } from '../scenario-types.ts';
import { swarmScenario } from '../swarm.ts';
import type { MessageRecord, TraceEvent, Violation } from '../trace.ts';
import { Journal } from '../journal.ts';
import { World } from '../world.ts';
import { BasicSafetyChecker } from './basic.ts';
import type { Checker } from './checker.ts';
import { defaultCheckers } from './index.ts';
import { RecoveryChecker } from './recovery.ts';
import { RequestChecker } from './requests.ts';
import { ReplicaRolesChecker } from './roles.ts';
import { sentRecord } from './sends.ts';
import { checkScenario } from '../verdict.ts';

function scenario(fields: Partial<Scenario> = {}): Scenario {
  return {
    version: 1,
    name: 'test',
    seed: 7,
    replicas: 3,
    clients: 1,
    stateMachine: 'kv',
    network: { latencyMs: [10, 10], dropRate: 0, duplicateRate: 0 },
    timing: defaultTiming,
    workload: null,
    mutation: 'none',
    recovery: 'crash-vectors',
    until: 3000,
    actions: [],
    ...fields,
  };
}

const twoRequests: Action[] = [
  { at: 10, type: 'request', client: 0, op: 'put x 1' },
  { at: 10, type: 'request', client: 0, op: 'append x 2' },
];

/** A world with a full journal, run to `time`, and a checker that has seen every event so far. */
function worldAt<C extends Checker>(checker: C, fields: Partial<Scenario>, time: number) {
  const journal = new Journal();
  const world = new World(scenario(fields), { journal, checkers: [checker] });
  world.runUntil(time);
  expect(world.violations).toEqual([]);
  return { world, journal, checker: world.checkers[0] as C };
}

/** An event of `node` as the world would record next, with these notes and sends. */
function fabricate(
  world: World,
  journal: Journal,
  node: NodeId,
  notes: Note[] = [],
  sends: { to: NodeId; message: Message }[] = [],
  head: Partial<TraceEvent> = {},
): TraceEvent {
  const firstSent = journal.messageCount;
  for (const { to, message } of sends) {
    const record: MessageRecord = {
      id: journal.messageCount,
      from: node,
      to,
      message,
      sentAt: world.now,
      deliverAt: world.now + 10,
      lostAt: null,
      lossReason: null,
      duplicateOf: null,
      sentBy: world.eventCount,
    };
    journal.appendMessage(record);
  }
  return {
    kind: 'timer',
    node,
    timer: 'heartbeat',
    index: world.eventCount,
    time: world.now,
    firstSent,
    sentCount: sends.length,
    notes,
    ...head,
  } as TraceEvent;
}

function rule(violation: Violation | null): string | null {
  return violation?.checker ?? null;
}

const entry = (op: string, request: number, client = 'c0'): LogEntry => ({ op, client, request, view: 0 });

describe('sends', () => {
  it('a world without a journal shows each step its own sends, and keeps nothing else', () => {
    const world = new World(scenario({ actions: twoRequests }));
    let seen = 0;
    while (world.step()) {
      const last = world.eventCount - 1;
      // The latest event's messages are visible; ids follow on.
      if (world.nextMessageId > 0) {
        const record = sentRecord(world, world.nextMessageId - 1);
        if (record !== undefined && record.sentBy === last) seen++;
      }
    }
    expect(seen).toBeGreaterThan(5);
    expect(sentRecord(world, 0)).toBeUndefined();
  });

  it('with a journal, the sends of earlier steps are read back from it', () => {
    const journal = new Journal();
    const world = new World(scenario({ actions: twoRequests }), { journal });
    world.runUntil(500);
    expect(world.nextMessageId).toBeGreaterThan(5);
    expect(sentRecord(world, 0)).toEqual(journal.message(0));
    expect(sentRecord(world, 0)?.id).toBe(0);
    expect(sentRecord(world, world.nextMessageId)).toBeUndefined();
  });
});

describe('basic safety', () => {
  it('agreement: a different op executed at a committed op-number', () => {
    const { world, journal, checker } = worldAt(new BasicSafetyChecker(), { actions: twoRequests }, 500);
    const bad = fabricate(world, journal, 1, [
      { kind: 'executed', opNumber: 1, entry: entry('put x 9', 1), result: 'ok', digest: 1 },
    ]);
    expect(rule(checker.afterEvent(world, bad))).toBe('agreement');
  });

  it('commit-bounds: a commit-number beyond the op-number', () => {
    const { world, journal, checker } = worldAt(new BasicSafetyChecker(), { actions: twoRequests }, 500);
    world.replicas[1]!.commitNumber = 5;
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 1)))).toBe('commit-bounds');
  });

  it('no-lost-commit: a new primary without a committed op', () => {
    const { world, journal, checker } = worldAt(new BasicSafetyChecker(), { actions: twoRequests }, 500);
    world.replicas[1]!.log = new AppendOnly<LogEntry>();
    world.replicas[1]!.commitNumber = 0;
    const bad = fabricate(world, journal, 1, [{ kind: 'view-started', view: 1, primary: 1, via: 'test' }]);
    expect(rule(checker.afterEvent(world, bad))).toBe('no-lost-commit');
  });

  it('no-lost-commit and acknowledged-kept: accept a replica that starts an older view late, after a later view committed', () => {
    // Replica 0 is paused while the others move on to view 4 (view 3, its own, stalled with it
    // away) and commit put x 1 there. On resume it reads the DoViewChange messages that waited for
    // it and starts view 3 late, without the op: view 3 can commit nothing, every other replica
    // being in view 4, and replica 0 moves on to view 4 at once.
    const s = parseScenario({
      version: 1,
      replicas: 3,
      clients: 1,
      network: { latencyMs: [10, 10] },
      until: 20_000,
      actions: [
        { at: 100, type: 'pause', replica: 0 },
        { at: 1500, type: 'timeout', replica: 1 },
        { at: 2500, type: 'timeout', replica: 1 },
        { at: 5000, type: 'request', client: 0, op: 'put x 1' },
        { at: 8000, type: 'resume', replica: 0 },
      ],
    });
    const journal = new Journal();
    const world = new World(s, { checkers: defaultCheckers(), journal });
    world.runToEnd();
    expect(world.violations).toEqual([]);
    const started = (event: TraceEvent, view: number) =>
      event.notes?.some((note) => note.kind === 'view-started' && note.view === view) ?? false;
    const events = [...journal.events()];
    const view4 = events.findIndex((event) => started(event, 4));
    const lateView3 = events.findIndex((event) => event.node === 0 && started(event, 3));
    expect(view4).toBeGreaterThan(0);
    expect(lateView3).toBeGreaterThan(view4);
    expect(world.replicas.every((replica) => replica!.view === 4 && replica!.opNumber === 1)).toBe(true);
  });
});

describe('replica roles', () => {
  it('one-primary-per-view: a restarted replica normal primary of a view it already led', () => {
    const { world, journal, checker } = worldAt(new ReplicaRolesChecker(), { actions: twoRequests }, 500);
    const primary = world.replicas[0]!;
    primary.status = 'recovering';
    const restart = fabricate(world, journal, 0, [{ kind: 'recovery-started', nonce: 1 }], [], {
      kind: 'action',
      action: { at: 500, type: 'restart', replica: 0 },
    });
    expect(checker.afterEvent(world, restart)).toBeNull();
    // The new incarnation comes back as normal primary of view 0, which the old one led.
    primary.status = 'normal';
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 0)))).toBe('one-primary-per-view');
  });

  it('only-primary-prepares: a backup assigning an op-number, or sending a prepare', () => {
    const { world, journal, checker } = worldAt(new ReplicaRolesChecker(), { actions: twoRequests }, 500);
    const note: Note = { kind: 'prepared', opNumber: 3, entry: entry('get x', 3) };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 1, [note])))).toBe(
      'only-primary-prepares',
    );
    const prepare: Message = {
      type: 'prepare',
      view: 0,
      opNumber: 3,
      commitNumber: 2,
      entry: entry('get x', 3),
    };
    const send = fabricate(world, journal, 2, [], [{ to: 0, message: prepare }]);
    expect(rule(checker.afterEvent(world, send))).toBe('only-primary-prepares');
  });

  it('normal-status: executing, acknowledging or replying outside normal status', () => {
    const { world, journal, checker } = worldAt(new ReplicaRolesChecker(), { actions: twoRequests }, 500);
    world.replicas[1]!.status = 'view-change';
    const executed: Note = {
      kind: 'executed',
      opNumber: 1,
      entry: entry('put x 1', 1),
      result: 'ok',
      digest: 0,
    };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 1, [executed])))).toBe('normal-status');
    const ok: Message = { type: 'prepare_ok', view: 0, opNumber: 2, replica: 1 };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 1, [], [{ to: 0, message: ok }])))).toBe(
      'normal-status',
    );
    // A backup in normal status never replies to a client.
    const reply: Message = { type: 'reply', view: 0, request: 1, result: 'ok', replica: 2 };
    expect(
      rule(checker.afterEvent(world, fabricate(world, journal, 2, [], [{ to: 'c0', message: reply }]))),
    ).toBe('normal-status');
  });

  it('prepare-ok-holds: acknowledging an op not held, or a different op than the primary', () => {
    const { world, journal, checker } = worldAt(new ReplicaRolesChecker(), { actions: twoRequests }, 500);
    const beyond: Message = { type: 'prepare_ok', view: 0, opNumber: 3, replica: 1 };
    expect(
      rule(checker.afterEvent(world, fabricate(world, journal, 1, [], [{ to: 0, message: beyond }]))),
    ).toBe('prepare-ok-holds');
    const backup = world.replicas[1]!;
    backup.log = new AppendOnly([backup.log.at(0), entry('put y 5', 9)]);
    const other: Message = { type: 'prepare_ok', view: 0, opNumber: 2, replica: 1 };
    const event = fabricate(world, journal, 1, [], [{ to: 0, message: other }]);
    const violation = checker.afterEvent(world, event);
    expect(rule(violation)).toBe('prepare-ok-holds');
    expect(violation?.message).toContain('different op');
  });

  it('prepare-ok-holds: the whole prefix counts, not only op n', () => {
    const { world, journal, checker } = worldAt(new ReplicaRolesChecker(), { actions: twoRequests }, 500);
    const backup = world.replicas[1]!;
    const primary = world.replicas[0]!;
    expect(primary.opNumber).toBe(2);
    // Same op 2 as the primary, another op 1: a PrepareOk(2) claims ops the backup does not hold.
    backup.log = new AppendOnly([entry('put y 5', 9), primary.log.at(1)]);
    const ack: Message = { type: 'prepare_ok', view: 0, opNumber: 2, replica: 1 };
    const violation = checker.afterEvent(world, fabricate(world, journal, 1, [], [{ to: 0, message: ack }]));
    expect(rule(violation)).toBe('prepare-ok-holds');
    expect(violation?.message).toContain('at op 1');
    expect(violation?.ops).toEqual([1]);
  });

  it('enter-view-log: a replica normal in a view without the log the view started with', () => {
    const { world, journal, checker } = worldAt(new ReplicaRolesChecker(), { actions: twoRequests }, 500);
    const primary = world.replicas[1]!;
    primary.view = 1;
    const started = fabricate(world, journal, 1, [
      { kind: 'view-started', view: 1, primary: 1, via: 'test' },
    ]);
    expect(checker.afterEvent(world, started)).toBeNull();
    const backup = world.replicas[2]!;
    backup.view = 1;
    backup.log = new AppendOnly([backup.log.at(0)]);
    backup.commitNumber = 1;
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 2)))).toBe('enter-view-log');
  });
});

describe('requests', () => {
  it('only-issued: executing a request no client issued, or another op under its number', () => {
    const { world, journal, checker } = worldAt(new RequestChecker(), { actions: twoRequests }, 500);
    const never: Note = { kind: 'executed', opNumber: 3, entry: entry('get x', 3), result: '', digest: 0 };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 0, [never])))).toBe('only-issued');
    const forged: Note = {
      kind: 'executed',
      opNumber: 3,
      entry: entry('put x 7', 2),
      result: 'ok',
      digest: 0,
    };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 0, [forged])))).toBe('only-issued');
  });

  it('at-most-once: one request executed at two op-numbers', () => {
    const { world, journal, checker } = worldAt(new RequestChecker(), { actions: twoRequests }, 500);
    const again: Note = {
      kind: 'executed',
      opNumber: 3,
      entry: entry('put x 1', 1),
      result: 'ok',
      digest: 0,
    };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 0, [again])))).toBe('at-most-once');
  });

  it('reply-matches: a reply to an unexecuted request, or with another result', () => {
    const { world, journal, checker } = worldAt(
      new RequestChecker(),
      { actions: [...twoRequests, { at: 10, type: 'request', client: 0, op: 'get x' }] },
      75,
    );
    // By 75 ms request 1 is done and request 2 is issued, not executed.
    const early: Note = {
      kind: 'completed',
      client: 'c0',
      request: 2,
      op: 'append x 2',
      result: 'ok',
      replica: 0,
      view: 0,
    };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 'c0', [early])))).toBe('reply-matches');
    const wrong: Note = {
      kind: 'completed',
      client: 'c0',
      request: 1,
      op: 'put x 1',
      result: 'nope',
      replica: 0,
      view: 0,
    };
    expect(rule(checker.afterEvent(world, fabricate(world, journal, 'c0', [wrong])))).toBe('reply-matches');
  });

  it('acknowledged-kept: a new primary without an op whose reply a client accepted', () => {
    const { world, journal, checker } = worldAt(new RequestChecker(), { actions: twoRequests }, 500);
    const primary = world.replicas[1]!;
    primary.log = new AppendOnly([primary.log.at(0)]);
    primary.view = 1;
    const bad = fabricate(world, journal, 1, [{ kind: 'view-started', view: 1, primary: 1, via: 'test' }]);
    expect(rule(checker.afterEvent(world, bad))).toBe('acknowledged-kept');
  });

  it('acknowledged-kept: a view older than the reply may start late without the op', () => {
    // Both ops were acknowledged in view 0; a primary that starts view 0 late owes them nothing.
    const { world, journal, checker } = worldAt(new RequestChecker(), { actions: twoRequests }, 500);
    const primary = world.replicas[0]!;
    primary.log = new AppendOnly([primary.log.at(0)]);
    const late = fabricate(world, journal, 0, [{ kind: 'view-started', view: 0, primary: 0, via: 'test' }]);
    expect(checker.afterEvent(world, late)).toBeNull();
  });
});

describe('recovery', () => {
  const crash: Action[] = [
    ...twoRequests,
    { at: 200, type: 'crash', replica: 2 },
    { at: 300, type: 'restart', replica: 2 },
  ];

  it('a recovering replica that sends anything but Recovery, or leaves recovery without completing it', () => {
    const { world, journal, checker } = worldAt(new RecoveryChecker(), { actions: crash }, 305);
    const recovering = world.replicas[2]!;
    expect(recovering.status).toBe('recovering');
    const ok: Message = { type: 'prepare_ok', view: 0, opNumber: 2, replica: 2 };
    const send = fabricate(world, journal, 2, [], [{ to: 0, message: ok }]);
    expect(rule(checker.afterEvent(world, send))).toBe('recovery');
    recovering.status = 'normal';
    expect(checker.clone().afterEvent(world, fabricate(world, journal, 2))?.message).toContain(
      'without completing it',
    );
  });

  it('a replica that recovers without f+1 responses', () => {
    const { world, journal, checker } = worldAt(new RecoveryChecker(), { actions: crash }, 305);
    world.replicas[2]!.status = 'normal';
    const recovered: Note = { kind: 'recovered', view: 0, primary: 0, responders: [0] };
    const violation = checker.afterEvent(world, fabricate(world, journal, 2, [recovered]));
    expect(rule(violation)).toBe('recovery');
    expect(violation?.message).toContain('needs 2');
  });

  it('accepts a correct recovery', () => {
    const { world } = worldAt(new RecoveryChecker(), { actions: crash }, 305);
    world.runUntil(2000);
    expect(world.violations).toEqual([]);
    expect(world.replicas[2]!.status).toBe('normal');
  });
});

describe('correct runs', () => {
  it('every checker accepts 150 swarm seeds, with a full journal and with none', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { scenario: s } = swarmScenario(seed);
      const full = new World(s, { journal: new Journal(), checkers: defaultCheckers() });
      full.runToEnd();
      expect(full.violations, `seed ${seed}`).toEqual([]);
      const verdict = checkScenario(s);
      expect(verdict.violations, `seed ${seed}`).toEqual([]);
      expect(verdict.events).toBe(full.eventCount);
    }
  });

  it('clones check on exactly as the original would', () => {
    // The first swarm seed on which the mutation is caught by a safety checker.
    let s = swarmScenario(1, { mutation: 'commit-without-quorum' }).scenario;
    let a = new World(s, { checkers: defaultCheckers() });
    for (let seed = 1; a.runToEnd(), a.violations.length === 0 && seed < 200; seed++) {
      s = swarmScenario(seed + 1, { mutation: 'commit-without-quorum' }).scenario;
      a = new World(s, { checkers: defaultCheckers() });
    }
    expect(a.violations.length).toBeGreaterThan(0);
    const b = new World(s, { checkers: defaultCheckers() });
    b.runUntil(a.violations[0].time - 200);
    const c = b.clone();
    c.runToEnd();
    expect(c.violations[0]).toEqual(a.violations[0]);
  });
});
