import { describe, expect, it } from 'vitest';
import type { Message, MessageType } from '../../protocol/index.ts';
import { messageTypes } from '../../protocol/index.ts';
import { parseScenario } from '../../scenario/schema.ts';
import { Run } from '../../sim/run.ts';
import { encodeFrame, FrameDecoder, FrameError } from './framing.ts';
import {
  frameBytesMax,
  parseFrame,
  senderViolation,
  validateMessage,
  WireError,
  type WireContext,
} from './wire-schema.ts';

const kv: WireContext = { replicaCount: 3, stateMachine: 'kv' };

/** Every message a simulated run with a crash, a restart and a partition sends. */
function simulatedMessages(stateMachine: 'kv' | 'log'): Message[] {
  const scenario = parseScenario({
    version: 1,
    seed: 7,
    stateMachine,
    until: 8000,
    clients: 2,
    workload: { requestsPerClient: 30, keys: 3 },
    network: { latencyMs: [5, 30], dropRate: 0.05, duplicateRate: 0.02 },
    actions: [
      { at: 100, type: 'partition', groups: [[0, 1, 'c0', 'c1'], [2]] },
      { at: 200, type: 'request', client: 0, op: stateMachine === 'kv' ? 'put a 1' : 'append a' },
      { at: 300, type: 'heal' },
      { at: 800, type: 'crash', replica: 0 },
      { at: 2500, type: 'restart', replica: 0 },
      { at: 4000, type: 'partition', groups: [[0, 1], [2]] },
      { at: 5000, type: 'heal' },
    ],
  });
  const run = new Run(scenario);
  run.extendTo(scenario.until);
  return [...run.journal.messages()].map((record) => record.message);
}

/** Every message a run that hands a 3-replica group over to slots 2, 3 and 4 sends (§7). */
function reconfigurationMessages(stateMachine: 'kv' | 'log'): Message[] {
  const scenario = parseScenario({
    version: 1,
    stateMachine,
    replicas: 3,
    slots: 5,
    until: 6000,
    clients: 2,
    workload: { requestsPerClient: 20, keys: 3 },
    actions: [{ at: 300, type: 'reconfigure', client: 1, replicas: [2, 3, 4] }],
  });
  const run = new Run(scenario);
  run.extendTo(scenario.until);
  return [...run.journal.messages()].map((record) => record.message);
}

function expectRefused(value: unknown, context: WireContext, pattern: RegExp): void {
  expect(() => validateMessage(value, context)).toThrow(WireError);
  expect(() => validateMessage(value, context)).toThrow(pattern);
}

describe('framing', () => {
  it('reassembles frames split at every byte boundary and several frames in one chunk', () => {
    const bodies = ['{"a":1}', '{"b":"ünïcode"}', '{}'];
    const stream = Buffer.concat(bodies.map((body) => encodeFrame(body)));
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(out.map((b) => b.toString('utf8'))).toEqual(bodies);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('refuses an oversized frame from its header alone', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(frameBytesMax + 1, 0);
    expect(() => new FrameDecoder().push(header)).toThrow(/exceeds the 33554432-byte limit/);
    expect(() => encodeFrame('x'.repeat(1025), 1024)).toThrow(FrameError);
  });
});

describe('wire schema', () => {
  it('accepts every message the simulator sends, of every type, for both state machines', () => {
    const seen = new Set<MessageType>();
    for (const stateMachine of ['kv', 'log'] as const)
      for (const message of simulatedMessages(stateMachine)) {
        const copy = JSON.parse(JSON.stringify(message));
        expect(validateMessage(copy, { replicaCount: 3, stateMachine })).toEqual(copy);
        seen.add(message.type);
      }
    for (const stateMachine of ['kv', 'log'] as const)
      for (const message of reconfigurationMessages(stateMachine)) {
        const copy = JSON.parse(JSON.stringify(message));
        expect(validateMessage(copy, { replicaCount: 5, stateMachine })).toEqual(copy);
        seen.add(message.type);
      }
    expect([...seen].sort()).toEqual([...messageTypes].sort());
  });

  it('refuses unknown types, wrong field types, unknown and missing fields, each naming the path', () => {
    expectRefused({ type: 'launch' }, kv, /^message\.type: unknown message type "launch"$/);
    expectRefused([], kv, /must be an object/);
    expectRefused(
      { type: 'commit', view: '1', commitNumber: 0 },
      kv,
      /^message\.view: must be a non-negative integer, got "1"$/,
    );
    expectRefused(
      { type: 'commit', view: -1, commitNumber: 0 },
      kv,
      /message\.view: must be a non-negative integer/,
    );
    expectRefused({ type: 'commit', view: 1.5, commitNumber: 0 }, kv, /message\.view/);
    expectRefused(
      { type: 'commit', view: 1, commitNumber: 0, extra: 1 },
      kv,
      /^message\.extra: is not a known field$/,
    );
    expectRefused({ type: 'commit', view: 1 }, kv, /^message\.commitNumber: is missing$/);
    expectRefused(
      { type: 'prepare_ok', view: 0, opNumber: 1, replica: 3 },
      kv,
      /message\.replica: 3 is not a replica of a 3-replica cluster/,
    );
    expectRefused(
      { type: 'request', client: 'x1', request: 1, op: 'get x' },
      kv,
      /message\.client: must be a client id/,
    );
    expectRefused(
      { type: 'request', client: 'c1', request: 1, op: 'x'.repeat(300) },
      kv,
      /message\.op: must be at most 256 bytes/,
    );
    expectRefused({ type: 'recovery', replica: 1, nonce: 2 ** 32 }, kv, /nonce: must fit in 32 bits/);
  });

  it('refuses messages whose fields contradict each other', () => {
    const entry = { op: 'put x 1', client: 'c1', request: 1, view: 0 };
    expectRefused(
      { type: 'start_view', view: 1, log: [entry], opNumber: 2, commitNumber: 0 },
      kv,
      /opNumber: must equal the log's length 1/,
    );
    expectRefused(
      { type: 'start_view', view: 1, log: [entry], opNumber: 1, commitNumber: 2 },
      kv,
      /commitNumber: must not exceed op-number 1/,
    );
    expectRefused(
      { type: 'prepare', view: 0, opNumber: 1, commitNumber: 0, entry: { ...entry, view: 2 } },
      kv,
      /entry\.view: must not exceed/,
    );
    expectRefused(
      {
        type: 'new_state',
        view: 0,
        fromOp: 0,
        entries: [entry],
        opNumber: 1,
        commitNumber: 1,
        state: { delta: { kind: 'log', sinceCommit: 0, from: 0, entries: [] }, clientTable: [] },
      },
      kv,
      /state\.delta\.kind: must be "kv" \(this cluster's state machine\)/,
    );
    const logDelta = { kind: 'log', sinceCommit: 0, from: 2, entries: [] };
    expectRefused(
      {
        type: 'recovery_response',
        view: 0,
        nonce: 1,
        replica: 0,
        primaryState: { log: [], opNumber: 0, commitNumber: 0, state: { delta: logDelta, clientTable: [] } },
      },
      { replicaCount: 3, stateMachine: 'log' },
      /primaryState\.state\.delta\.from: must be 0/,
    );
  });

  it('parses frames: hello with a replica id outside the configuration, broken JSON and unknown kinds are refused', () => {
    const hello = {
      kind: 'hello',
      version: 2,
      from: 1,
      replicas: 3,
      incarnation: 'ab12',
      stateMachine: 'kv',
      view: 0,
      status: 'normal',
      opNumber: 0,
      cluster: 'c1a2',
      nonce: '0123456789abcdef0123456789abcdef',
      auth: false,
    };
    expect(parseFrame(JSON.stringify(hello), kv)).toEqual(hello);
    expect(
      parseFrame(JSON.stringify({ ...hello, from: 'c42', stateMachine: null, view: null, status: null }), kv)
        .kind,
    ).toBe('hello');
    expect(() => parseFrame(JSON.stringify({ ...hello, from: 7 }), kv)).toThrow(
      /^from: 7 is not a replica of a 3-replica cluster$/,
    );
    expect(() => parseFrame(JSON.stringify({ ...hello, replicas: 5 }), kv)).toThrow(
      /^replicas: the sender's configuration has 5 replicas, this one has 3$/,
    );
    expect(() => parseFrame('{"kind":"hello",', kv)).toThrow(/broken JSON/);
    expect(() => parseFrame('{"kind":"gossip"}', kv)).toThrow(/unknown frame kind "gossip"/);
    expect(() =>
      parseFrame('{"kind":"message","id":"a b","message":{"type":"commit","view":0,"commitNumber":0}}', kv),
    ).toThrow(/^id: /);
  });

  it('refuses inherited names as fields: "__proto__", "toString" and "constructor" are unknown keys', () => {
    const hello = {
      kind: 'hello',
      version: 2,
      from: 'c1',
      replicas: 3,
      incarnation: 'ab12',
      stateMachine: null,
      view: null,
      status: null,
      opNumber: null,
      cluster: null,
      nonce: '0123456789abcdef0123456789abcdef',
      auth: false,
    };
    const text = JSON.stringify(hello);
    expect(parseFrame(text, kv).kind).toBe('hello');
    for (const key of ['__proto__', 'toString', 'constructor', 'hasOwnProperty'])
      expect(() => parseFrame(text.replace('{', `{"${key}":{},`), kv)).toThrow(
        new RegExp(`^${key}: is not a known field$`),
      );
    // A missing field is missing even when Object.prototype has one of that name.
    expect(() => parseFrame('{"kind":"status_request","toString":1}', kv)).toThrow(
      /toString: is not a known field/,
    );
    expect(() =>
      validateMessage(JSON.parse('{"type":"commit","view":0,"commitNumber":0,"__proto__":1}'), kv),
    ).toThrow(/is not a known field/);
  });

  it('lets replicas send replica messages naming themselves, clients only their own requests', () => {
    const prepareOk: Message = { type: 'prepare_ok', view: 0, opNumber: 1, replica: 1 };
    const request: Message = { type: 'request', client: 'c1', request: 1, op: 'get x' };
    const reply: Message = { type: 'reply', view: 0, request: 1, result: '', replica: 2 };
    expect(senderViolation(prepareOk, 1, 'replica')).toBeNull();
    expect(senderViolation(prepareOk, 2, 'replica')).toMatch(/names replica 1 but came from replica 2/);
    expect(senderViolation(prepareOk, 'c1', 'replica')).toMatch(/a client may send only requests/);
    expect(senderViolation(request, 'c1', 'replica')).toBeNull();
    expect(senderViolation(request, 'c2', 'replica')).toMatch(/names c1 but came from c2/);
    expect(senderViolation(request, 0, 'replica')).toMatch(/does not send request/);
    expect(senderViolation(reply, 2, 'client')).toBeNull();
    expect(senderViolation(reply, 1, 'client')).toMatch(/names replica 2/);
    expect(senderViolation(prepareOk, 1, 'client')).toMatch(/takes only replies/);
  });
});
