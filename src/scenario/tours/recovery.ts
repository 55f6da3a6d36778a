import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const recoveryTour: Tour = {
  id: 'recovery',
  title: 'Crash and recovery with a nonce',
  summary:
    'A backup crashes right after its acknowledgement committed an op, and restarts with an empty log. See why it may not simply rejoin, and how it recovers its state from the primary.',
  scenario: tourScenario('tour: recovery', {
    replicas: 3,
    clients: 1,
    until: 3000,
    actions: [
      { at: 100, type: 'request', client: 0, op: 'put x 1' },
      { at: 100, type: 'request', client: 0, op: 'put y 2' },
      { at: 145, type: 'drop', from: 0, to: 1, message: 'prepare', count: 1 },
      { at: 175, type: 'crash', replica: 2 },
      { at: 200, type: 'drop', from: 0, to: 2, message: 'recovery_response', count: 1 },
      { at: 200, type: 'restart', replica: 2 },
    ],
  }),
  steps: [
    {
      at: 172,
      title: "Replica 2's acknowledgement commits op 2",
      text: "The Prepare of op 2 to replica 1 was lost, so it was replica 2's PrepareOk that made op 2 committed. Right now only replicas 0 and 2 hold op 2.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 2 },
        { kind: 'counter', replica: 1, counter: 'op' },
        { kind: 'message', type: 'reply', from: 0, to: 'c0' },
      ],
      expect: [
        { replica: 0, opNumber: 2, commit: 2 },
        { replica: 1, opNumber: 1 },
        { replica: 2, opNumber: 2, logOp: 2, op: 'put y 2' },
        { inFlight: 'reply', from: 0, to: 'c0' },
      ],
    },
    {
      at: 200,
      title: 'Restarted with nothing',
      text: 'Replica 2 crashed at 175 ms and has just restarted with an empty log: it lost op 2, which it had acknowledged. If it simply rejoined and replica 0 then failed, replicas 1 and 2 could form a view without the committed op 2.',
      section: '§4.3',
      highlight: [
        { kind: 'replica', replica: 2 },
        { kind: 'counter', replica: 2, counter: 'op' },
        { kind: 'counter', replica: 1, counter: 'op' },
      ],
      expect: [
        { replica: 2, status: 'recovering', opNumber: 0, commit: 0 },
        { replica: 1, opNumber: 1 },
        { replica: 0, opNumber: 2, commit: 2 },
      ],
    },
    {
      at: 205,
      title: 'Recovery, with a nonce',
      text: 'So replica 2 enters status recovering and sends Recovery to all, with a nonce it never used before. Until it has recovered it takes no part in the protocol: no PrepareOk, no view change.',
      section: '§4.3',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'nonce' },
        { kind: 'counter', replica: 2, counter: 'status' },
        { kind: 'message', type: 'recovery', from: 2 },
      ],
      expect: [
        { inFlight: 'recovery', from: 2, to: 0 },
        { inFlight: 'recovery', from: 2, to: 1 },
        { replica: 2, status: 'recovering', recoveryResponses: 0 },
      ],
    },
    {
      at: 212,
      title: 'Normal replicas answer',
      text: "Replicas 0 and 1 answer with their view and the same nonce; only the primary, replica 0, adds its log and state. This time the primary's answer will be lost on the way.",
      section: '§4.3',
      highlight: [{ kind: 'message', type: 'recovery_response', to: 2 }],
      expect: [
        { inFlight: 'recovery_response', from: 0, to: 2, lost: true, caption: 'with state: 2 ops, commit 2' },
        { inFlight: 'recovery_response', from: 1, to: 2 },
      ],
    },
    {
      at: 225,
      title: 'One answer is not enough',
      text: "Replica 2 holds one answer, from replica 1, but it needs f + 1 = 2, one of them from the primary of the latest view: only the primary's state is sure to hold every committed op. So it keeps waiting.",
      section: '§4.3',
      highlight: [{ kind: 'counter', replica: 2, counter: 'quorum' }],
      expect: [{ replica: 2, status: 'recovering', recoveryResponses: 1, opNumber: 0 }],
    },
    {
      at: 505,
      title: 'A fresh nonce',
      text: 'After 300 ms replica 2 sends Recovery again with a new nonce and forgets the answers it held. Only answers to the current nonce count: an answer to an older Recovery, say from before an earlier crash, could describe a state older than what replica 2 once acknowledged.',
      section: '§4.3',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'nonce' },
        { kind: 'message', type: 'recovery', from: 2 },
      ],
      expect: [
        { replica: 2, status: 'recovering', recoveryResponses: 0 },
        { inFlight: 'recovery', from: 2, to: 0 },
      ],
    },
    {
      at: 525,
      title: 'Recovered',
      text: "With answers from both others to its current nonce, the primary's among them, replica 2 adopts the primary's log and state and goes back to normal. Op 2 is held by all three replicas again.",
      section: '§4.3',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 2 },
        { kind: 'counter', replica: 2, counter: 'status' },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 0, opNumber: 2, commit: 2, key: 'y', value: '2' },
        { replica: 1, opNumber: 2 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Crash replica 0 now. Replicas 1 and 2 both hold op 2, so the view change to view 1 keeps it, and c0 can go on with replica 1 as its primary.',
  tryItCheck: {
    actions: [
      { at: 530, type: 'crash', replica: 0 },
      { at: 530, type: 'request', client: 0, op: 'get y' },
    ],
    at: 2000,
    expect: [
      { replica: 1, status: 'normal', view: 1, isPrimary: true, commitAtLeast: 2, logOp: 2, op: 'put y 2' },
      { replica: 2, status: 'normal', view: 1, logOp: 2, op: 'put y 2' },
      { clientCompleted: 'c0', exactly: 3 },
      { noViolation: true },
    ],
  },
};
