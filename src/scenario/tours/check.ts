/**
 * Checks a tour step against the simulated world: each expectation is a fact that must be on screen,
 * each highlight must point at something that exists. The answer is null when it holds, else one
 * sentence saying what is on screen instead (for the tests, and for a tour that went stale).
 */
import type { NodeId, Replica } from '../../protocol/index.ts';
import { messageSummary, noteCaption } from '../../sim/caption.ts';
import type { MessageRecord } from '../../sim/trace.ts';
import type { World } from '../../sim/world.ts';
import type {
  ClientCompletedExpectation,
  ClientPendingExpectation,
  Expectation,
  Highlight,
  InFlightExpectation,
  NoteExpectation,
  ReplicaExpectation,
} from './types.ts';

function nodeName(node: NodeId): string {
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}

function link(from: NodeId | undefined, to: NodeId | undefined): string {
  return `${from === undefined ? '' : ` from ${nodeName(from)}`}${to === undefined ? '' : ` to ${nodeName(to)}`}`;
}

/** The view or op-number a message carries, if it carries one. */
function messageField(record: MessageRecord, field: 'view' | 'opNumber'): number | undefined {
  const value = (record.message as unknown as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : undefined;
}

function matchesInFlight(record: MessageRecord, e: InFlightExpectation): boolean {
  return (
    record.message.type === e.inFlight &&
    (e.from === undefined || record.from === e.from) &&
    (e.to === undefined || record.to === e.to) &&
    (e.view === undefined || messageField(record, 'view') === e.view) &&
    (e.opNumber === undefined || messageField(record, 'opNumber') === e.opNumber) &&
    (e.caption === undefined || messageSummary(record.message).includes(e.caption)) &&
    (record.lostAt !== null) === (e.lost ?? false)
  );
}

function checkInFlight(world: World, e: InFlightExpectation): string | null {
  const atLeast = e.atLeast ?? 1;
  const flying = world.inFlight();
  const count = flying.filter((record) => matchesInFlight(record, e)).length;
  if (e.count !== undefined ? count === e.count : count >= atLeast) return null;
  const sameType = flying.filter((record) => record.message.type === e.inFlight).length;
  const what = `${e.lost === true ? 'doomed ' : ''}${e.inFlight}${link(e.from, e.to)}${e.view === undefined ? '' : ` of view ${e.view}`}${e.opNumber === undefined ? '' : ` for op ${e.opNumber}`}${e.caption === undefined ? '' : ` saying '${e.caption}'`}`;
  const expected = e.count !== undefined ? `${e.count}` : atLeast === 1 ? 'one' : `at least ${atLeast}`;
  return `${count === 0 ? 'no' : `${count}`} ${what} in flight at ${world.now} ms (expected ${expected}; ${sameType} ${e.inFlight} in flight in all)`;
}

function checkClientCompleted(world: World, e: ClientCompletedExpectation): string | null {
  const client = world.clients.find((c) => c.id === e.clientCompleted);
  if (client === undefined) return `there is no client ${e.clientCompleted}`;
  if (e.exactly !== undefined && client.completed !== e.exactly)
    return `client ${client.id} has ${client.completed} replies, not ${e.exactly}`;
  const atLeast = e.atLeast ?? (e.exactly === undefined ? 1 : 0);
  if (client.completed < atLeast)
    return `client ${client.id} has ${client.completed} replies, not ${atLeast}`;
  return null;
}

function checkClientPending(world: World, e: ClientPendingExpectation): string | null {
  const client = world.clients.find((c) => c.id === e.clientPending);
  if (client === undefined) return `there is no client ${e.clientPending}`;
  if (client.pending === null) return `client ${client.id} waits for nothing`;
  if (e.request !== undefined && client.pending.request !== e.request)
    return `client ${client.id} waits for request #${client.pending.request}, not #${e.request}`;
  return null;
}

function kvValue(replica: Replica, key: string): string | undefined {
  const contents = replica.stateMachine.contents();
  if (Array.isArray(contents)) return undefined;
  return contents[key] ?? '';
}

function hex(nonce: number): string {
  return nonce.toString(16);
}

/** The replica fields about pauses, the question before a view change, and crash-vector recovery. */
function checkReplicaExtras(world: World, replica: Replica, e: ReplicaExpectation): string | null {
  const name = `replica ${replica.id}`;
  const paused = world.paused[replica.id] === 1;
  if (e.paused !== undefined && paused !== e.paused) return `${name} is ${paused ? '' : 'not '}paused`;
  if (e.queuedAtLeast !== undefined) {
    const queued = world.pausedInbox[replica.id].length;
    if (queued < e.queuedAtLeast)
      return `${queued} messages wait for ${name}, not at least ${e.queuedAtLeast}`;
  }
  if (e.overdue !== undefined && !(replica.deadlines[e.overdue] <= world.now))
    return `${name}'s ${e.overdue} timer is not overdue at ${world.now} ms (due at ${replica.deadlines[e.overdue]})`;
  const asking = replica.probe !== null;
  if (e.asking !== undefined && asking !== e.asking)
    return `${name} is ${asking ? '' : 'not '}asking the others with pre_view_change`;
  if (e.preViewChangeOks !== undefined) {
    const held = replica.probe?.count ?? 0;
    if (held !== e.preViewChangeOks)
      return `${name} holds ${held} pre_view_change_ok, not ${e.preViewChangeOks}`;
  }
  if (e.incarnation !== undefined && replica.incarnation !== e.incarnation)
    return `${name} is incarnation ${replica.incarnation}, not ${e.incarnation}`;
  if (e.crashVector !== undefined && replica.crashVector.join('·') !== e.crashVector.join('·'))
    return `${name}'s crash vector is ${replica.crashVector.join('·')}, not ${e.crashVector.join('·')}`;
  if (e.nonce !== undefined && hex(replica.nonce) !== e.nonce)
    return `${name}'s nonce is ${hex(replica.nonce)}, not ${e.nonce}`;
  if (e.recoveryPhase !== undefined) {
    if (replica.status !== 'recovering') return `${name} is ${replica.status}, not recovering`;
    if (replica.recoveryPhase !== e.recoveryPhase)
      return `${name} is in recovery phase ${replica.recoveryPhase}, not ${e.recoveryPhase}`;
  }
  if (e.crashVectorResponses !== undefined) {
    const held = replica.crashVectorResponses.filter((m) => m !== null).length;
    if (held !== e.crashVectorResponses)
      return `${name} holds ${held} crash_vector_response, not ${e.crashVectorResponses}`;
  }
  return null;
}

/** The lines of the event log by `e.by` between `e.since` and now that match. */
function countNotes(world: World, e: NoteExpectation): number | null {
  const trace = world.journal;
  if (trace === null) return null;
  const since = e.since ?? 0;
  let count = 0;
  for (let index = Math.min(world.eventCount, trace.eventCount) - 1; index >= 0; index--) {
    if (trace.eventTime(index) < since) break;
    if (trace.eventNode(index) !== e.by) continue;
    if (e.on !== undefined) {
      const id = trace.eventMessageId(index);
      if (trace.eventKind(index) !== 'deliver' || trace.messageBody(id).type !== e.on) continue;
    }
    for (let nth = 0; nth < trace.eventNoteCount(index); nth++) {
      const note = trace.eventNote(index, nth);
      if (note.kind === e.note && (e.caption === undefined || noteCaption(note).includes(e.caption))) count++;
    }
  }
  return count;
}

function checkNote(world: World, e: NoteExpectation): string | null {
  const count = countNotes(world, e);
  if (count === null) return 'this run keeps no event log to read';
  if (e.count !== undefined ? count === e.count : count > 0) return null;
  const what = `${e.note} line${e.caption === undefined ? '' : ` saying '${e.caption}'`} by ${nodeName(e.by)}${e.on === undefined ? '' : ` on a ${e.on}`}${e.since === undefined ? '' : ` since ${e.since} ms`}`;
  return `${count === 0 ? 'no' : `${count}`} ${what} by ${world.now} ms (expected ${e.count ?? 'one or more'})`;
}

function checkReplica(world: World, e: ReplicaExpectation): string | null {
  const id = e.replica;
  if (!Number.isInteger(id) || id < 0 || id >= world.replicas.length)
    return `there is no replica ${id} in a ${world.replicas.length}-replica cluster`;
  const replica = world.replicas[id];
  const name = `replica ${id}`;
  if (replica === null) return e.crashed === true ? null : `${name} is crashed`;
  if (e.crashed === true) return `${name} is running (${replica.status} in view ${replica.view})`;
  if (e.status !== undefined && replica.status !== e.status)
    return `${name} is ${replica.status}, not ${e.status} (view ${replica.view})`;
  if (e.view !== undefined && replica.view !== e.view)
    return `${name} is in view ${replica.view}, not ${e.view}`;
  if (e.lastNormalView !== undefined && replica.lastNormalView !== e.lastNormalView)
    return `${name}'s last normal view is ${replica.lastNormalView}, not ${e.lastNormalView}`;
  if (e.isPrimary !== undefined && replica.isPrimary() !== e.isPrimary)
    return `${name} is ${replica.isPrimary() ? 'the primary' : 'a backup'} of view ${replica.view}`;
  if (e.opNumber !== undefined && replica.opNumber !== e.opNumber)
    return `${name}'s op-number is ${replica.opNumber}, not ${e.opNumber}`;
  if (e.commit !== undefined && replica.commitNumber !== e.commit)
    return `${name}'s commit-number is ${replica.commitNumber}, not ${e.commit}`;
  if (e.commitAtLeast !== undefined && replica.commitNumber < e.commitAtLeast)
    return `${name}'s commit-number is ${replica.commitNumber}, below ${e.commitAtLeast}`;
  if (e.op !== undefined && e.logOp === undefined) return `'op' needs 'logOp' (which log cell?)`;
  if (e.logOp !== undefined) {
    if (e.logOp < 1 || e.logOp > replica.opNumber)
      return `${name} holds ops 1..${replica.opNumber}, not op ${e.logOp}`;
    const entry = replica.log.at(e.logOp - 1);
    if (e.op !== undefined && entry.op !== e.op)
      return `${name}'s op ${e.logOp} is '${entry.op}', not '${e.op}'`;
  }
  if (e.startViewChanges !== undefined && replica.startViewChanges.count !== e.startViewChanges)
    return `${name} counts ${replica.startViewChanges.count} start_view_change, not ${e.startViewChanges}`;
  if (e.doViewChanges !== undefined) {
    const held = replica.doViewChanges.filter((m) => m !== null).length;
    if (held !== e.doViewChanges) return `${name} holds ${held} do_view_change, not ${e.doViewChanges}`;
  }
  if (e.recoveryResponses !== undefined) {
    const held = replica.recoveryResponses.filter((m) => m !== null).length;
    if (held !== e.recoveryResponses)
      return `${name} holds ${held} recovery_response, not ${e.recoveryResponses}`;
  }
  if (e.clientTable !== undefined) {
    const row = replica.clientTable.get(e.clientTable.client);
    if (row === undefined) return `${name}'s client table has no row for ${e.clientTable.client}`;
    if (row.request !== e.clientTable.request)
      return `${name}'s client table has request #${row.request} for ${row.client}, not #${e.clientTable.request}`;
    if (e.clientTable.result !== undefined && row.result !== e.clientTable.result)
      return `${name}'s client table caches '${row.result}' for ${row.client}, not '${e.clientTable.result}'`;
  }
  if ((e.key === undefined) !== (e.value === undefined)) return `'key' and 'value' go together`;
  if (e.key !== undefined) {
    const value = kvValue(replica, e.key);
    if (value === undefined) return `${name} does not run a key-value store`;
    if (value !== e.value) return `${name} has ${e.key} = '${value}', not '${e.value}'`;
  }
  return checkReplicaExtras(world, replica, e);
}

/** null when the expectation holds in `world`, else what is on screen instead. */
export function checkExpectation(world: World, expectation: Expectation): string | null {
  if ('replica' in expectation) return checkReplica(world, expectation);
  if ('inFlight' in expectation) return checkInFlight(world, expectation);
  if ('violation' in expectation) {
    if (world.violations.some((v) => v.checker === expectation.violation)) return null;
    return world.violations.length === 0
      ? `no checker has objected yet (expected ${expectation.violation})`
      : `the checkers reported ${world.violations.map((v) => v.checker).join(', ')}, not ${expectation.violation}`;
  }
  if ('noViolation' in expectation)
    return world.violations.length === 0
      ? null
      : `${world.violations[0].checker} objected at ${world.violations[0].time} ms: ${world.violations[0].message}`;
  if ('note' in expectation) return checkNote(world, expectation);
  if ('clientCompleted' in expectation) return checkClientCompleted(world, expectation);
  return checkClientPending(world, expectation);
}

/** One line naming the fact, for a checklist beside the narration. */
export function describeExpectation(expectation: Expectation): string {
  if ('replica' in expectation) {
    const e = expectation;
    const parts: string[] = [];
    if (e.crashed !== undefined) parts.push(e.crashed ? 'is crashed' : 'is running');
    if (e.status !== undefined) parts.push(`is ${e.status}`);
    if (e.view !== undefined) parts.push(`is in view ${e.view}`);
    if (e.lastNormalView !== undefined) parts.push(`was last normal in view ${e.lastNormalView}`);
    if (e.isPrimary !== undefined) parts.push(e.isPrimary ? 'is the primary' : 'is a backup');
    if (e.opNumber !== undefined) parts.push(`has op-number ${e.opNumber}`);
    if (e.commit !== undefined) parts.push(`has commit-number ${e.commit}`);
    if (e.commitAtLeast !== undefined) parts.push(`has commit-number at least ${e.commitAtLeast}`);
    if (e.logOp !== undefined) parts.push(`holds op ${e.logOp}${e.op === undefined ? '' : ` '${e.op}'`}`);
    if (e.startViewChanges !== undefined) parts.push(`counts ${e.startViewChanges} start_view_change`);
    if (e.doViewChanges !== undefined) parts.push(`holds ${e.doViewChanges} do_view_change`);
    if (e.recoveryResponses !== undefined) parts.push(`holds ${e.recoveryResponses} recovery_response`);
    if (e.clientTable !== undefined)
      parts.push(
        `remembers request #${e.clientTable.request} of ${e.clientTable.client}${e.clientTable.result === undefined ? '' : ` = '${e.clientTable.result}'`}`,
      );
    if (e.key !== undefined) parts.push(`has ${e.key} = '${e.value ?? ''}'`);
    if (e.paused !== undefined) parts.push(e.paused ? 'is paused' : 'is not paused');
    if (e.queuedAtLeast !== undefined) parts.push(`has ${e.queuedAtLeast} or more messages waiting`);
    if (e.overdue !== undefined) parts.push(`has its ${e.overdue} timer overdue`);
    if (e.asking !== undefined) parts.push(e.asking ? 'asks with pre_view_change' : 'asks nobody');
    if (e.preViewChangeOks !== undefined) parts.push(`holds ${e.preViewChangeOks} pre_view_change_ok`);
    if (e.incarnation !== undefined) parts.push(`is incarnation ${e.incarnation}`);
    if (e.crashVector !== undefined) parts.push(`has crash vector ${e.crashVector.join('·')}`);
    if (e.nonce !== undefined) parts.push(`has nonce ${e.nonce}`);
    if (e.recoveryPhase !== undefined)
      parts.push(e.recoveryPhase === 'crash-vector' ? 'is learning the crash vector' : 'asks for the state');
    if (e.crashVectorResponses !== undefined)
      parts.push(`holds ${e.crashVectorResponses} crash_vector_response`);
    return `replica ${e.replica} ${parts.join(', ')}`;
  }
  if ('inFlight' in expectation) {
    const e = expectation;
    const howMany =
      e.count !== undefined
        ? e.count === 0
          ? 'no '
          : `exactly ${e.count} `
        : e.atLeast !== undefined && e.atLeast > 1
          ? `${e.atLeast} `
          : 'a ';
    return `${howMany}${e.inFlight}${link(e.from, e.to)} ${e.lost === true ? 'about to be lost' : 'in flight'}`;
  }
  if ('violation' in expectation) return `the checker reports ${expectation.violation}`;
  if ('noViolation' in expectation) return 'no checker objects';
  if ('note' in expectation) {
    const e = expectation;
    const line = e.caption === undefined ? `${e.note} line` : `line saying '${e.caption}'`;
    const howMany = e.count === undefined ? 'a' : e.count === 0 ? 'no' : `exactly ${e.count}`;
    return `${howMany} ${line} by ${nodeName(e.by)}${e.on === undefined ? '' : ` on a ${e.on}`} in the event log${e.since === undefined ? '' : ` since ${e.since} ms`}`;
  }
  if ('clientCompleted' in expectation)
    return expectation.exactly !== undefined
      ? `client ${expectation.clientCompleted} has exactly ${expectation.exactly} replies`
      : `client ${expectation.clientCompleted} has ${expectation.atLeast ?? 1} replies or more`;
  return `client ${expectation.clientPending} waits for ${expectation.request === undefined ? 'a reply' : `request #${expectation.request}`}`;
}

/**
 * null when the highlight points at something on screen: an existing replica; a message of that type
 * (on that link) in flight; a log cell the replica holds; a counter of a running replica.
 */
export function checkHighlight(world: World, highlight: Highlight): string | null {
  const isNode = (node: NodeId | undefined): boolean =>
    node === undefined ||
    (typeof node === 'number'
      ? Number.isInteger(node) && node >= 0 && node < world.replicas.length
      : world.clients.some((client) => client.id === node));
  if (highlight.kind === 'message') {
    if (!isNode(highlight.from)) return `there is no node ${String(highlight.from)}`;
    if (!isNode(highlight.to)) return `there is no node ${String(highlight.to)}`;
    const shown = world
      .inFlight()
      .some(
        (record) =>
          record.message.type === highlight.type &&
          (highlight.from === undefined || record.from === highlight.from) &&
          (highlight.to === undefined || record.to === highlight.to),
      );
    return shown
      ? null
      : `no ${highlight.type}${link(highlight.from, highlight.to)} in flight at ${world.now} ms`;
  }
  if (!isNode(highlight.replica)) return `there is no replica ${highlight.replica}`;
  if (highlight.kind === 'replica') return null;
  const replica = world.replicas[highlight.replica];
  if (replica === null) return `replica ${highlight.replica} is crashed: it shows no ${highlight.kind}`;
  if (highlight.kind === 'log-cell' && (highlight.op < 1 || highlight.op > replica.opNumber))
    return `replica ${highlight.replica} holds ops 1..${replica.opNumber}, not op ${highlight.op}`;
  return null;
}
