import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const recoveryTour: Tour = {
  id: 'recovery',
  title: 'Crash and recovery with a nonce',
  summary:
    'A backup crashes right after its acknowledgement committed an op, and restarts with an empty log. See why it may not simply rejoin, how it learns which life it is in, and how it recovers its state from the primary.',
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
      title: 'First, which life is this?',
      text: 'Replica 2 enters status recovering and picks a nonce, a random number naming this recovery. Before it asks for any state, vsr-scope has it ask the others for their crash vector: one counter per replica of how many times that replica has restarted. Until it has recovered it takes no part in the protocol: no PrepareOk, no view change.',
      section: '§4.3',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'nonce' },
        { kind: 'counter', replica: 2, counter: 'status' },
        { kind: 'message', type: 'crash_vector_request', from: 2 },
      ],
      expect: [
        {
          replica: 2,
          status: 'recovering',
          recoveryPhase: 'crash-vector',
          incarnation: 0,
          nonce: '857d3ab9',
        },
        { inFlight: 'crash_vector_request', from: 2, to: 0, caption: 'nonce 857d3ab9' },
        { inFlight: 'crash_vector_request', from: 2, to: 1, caption: 'nonce 857d3ab9' },
      ],
    },
    {
      at: 225,
      title: 'A new incarnation',
      text: 'With answers from f + 1 = 2 replicas, replica 2 knows the latest count any majority knows, including its own, and takes the next one: it is now incarnation 1, crash vector 0·0·1. It sends Recovery to all, with the same nonce and its new crash vector.',
      section: '§4.3',
      highlight: [{ kind: 'message', type: 'recovery', from: 2 }],
      expect: [
        {
          replica: 2,
          status: 'recovering',
          recoveryPhase: 'state',
          crashVectorResponses: 2,
          incarnation: 1,
          crashVector: [0, 0, 1],
        },
        { inFlight: 'recovery', from: 2, to: 0, caption: 'nonce 857d3ab9, incarnations 0·0·1' },
        { inFlight: 'recovery', from: 2, to: 1, caption: 'nonce 857d3ab9, incarnations 0·0·1' },
      ],
    },
    {
      at: 232,
      title: 'Normal replicas answer',
      text: 'From the Recovery, replicas 0 and 1 learn that replica 2 restarted, and replica 0 stops counting the PrepareOk its earlier life gave: that promise is gone with the crash. Both answer with their view and the same nonce; only the primary, replica 0, adds its log and state, and this time its answer will be lost on the way.',
      section: '§4.3',
      highlight: [{ kind: 'message', type: 'recovery_response', to: 2 }],
      expect: [
        {
          note: 'incarnation-seen',
          by: 0,
          caption: 'replica 2 restarted (incarnation 1): its old prepare_ok no longer counts',
        },
        { replica: 0, crashVector: [0, 0, 1] },
        { inFlight: 'recovery_response', from: 0, to: 2, lost: true, caption: 'with state: 2 ops, commit 2' },
        { inFlight: 'recovery_response', from: 1, to: 2, caption: 'nonce 857d3ab9' },
      ],
    },
    {
      at: 245,
      title: 'One answer is not enough',
      text: "Replica 2 holds one answer, from replica 1, but it needs f + 1 = 2, one of them from the primary of the latest view: only the primary's state is sure to hold every committed op. So it keeps waiting.",
      section: '§4.3',
      highlight: [{ kind: 'counter', replica: 2, counter: 'quorum' }],
      expect: [{ replica: 2, status: 'recovering', recoveryResponses: 1, opNumber: 0 }],
    },
    {
      at: 525,
      title: 'A resend keeps the nonce',
      text: 'After 300 ms replica 2 sends Recovery again, with the same nonce 857d3ab9, and keeps the answer it already holds. The nonce names one recovery, not one attempt: answers to it are fresh, while an answer to a nonce of an earlier life is refused. A new nonce per resend would throw good answers away, and on links slower than the resend interval a recovery would never end.',
      section: '§4.3',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'nonce' },
        { kind: 'message', type: 'recovery', from: 2 },
      ],
      expect: [
        { replica: 2, status: 'recovering', recoveryResponses: 1, nonce: '857d3ab9' },
        { inFlight: 'recovery', from: 2, to: 0, caption: 'nonce 857d3ab9' },
      ],
    },
    {
      at: 545,
      title: 'Recovered',
      text: "With answers from both others to its nonce, the primary's among them, replica 2 adopts the primary's log and state and goes back to normal, as incarnation 1. Op 2 is held by all three replicas again.",
      section: '§4.3',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 2 },
        { kind: 'counter', replica: 2, counter: 'status' },
      ],
      expect: [
        {
          replica: 2,
          status: 'normal',
          view: 0,
          opNumber: 2,
          commit: 2,
          key: 'y',
          value: '2',
          incarnation: 1,
        },
        { replica: 1, opNumber: 2 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Crash replica 0 now. Replicas 1 and 2 both hold op 2, so the view change to view 1 keeps it, and c0 can go on with replica 1 as its primary.',
  tryItCheck: {
    actions: [
      { at: 550, type: 'crash', replica: 0 },
      { at: 550, type: 'request', client: 0, op: 'get y' },
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
