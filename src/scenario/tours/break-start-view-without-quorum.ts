import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakStartViewWithoutQuorumTour: Tour = {
  id: 'break-start-view-without-quorum',
  title: 'Break a rule: start a view without a quorum',
  summary:
    'A new primary must hear DoViewChange from f + 1 replicas before it starts its view. Switch that rule off and a new primary that missed a committed op starts the view from its own log alone.',
  mutation: 'start-view-without-quorum',
  caughtBy: 'no-lost-commit',
  scenario: tourScenario('challenge: start a view without a quorum', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    mutation: 'start-view-without-quorum',
    actions: [
      { at: 10, type: 'cut', from: 0, to: 1 },
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 200, type: 'timeout', replica: 1 },
      { at: 1000, type: 'mend', from: 0, to: 1 },
    ],
  }),
  steps: [
    {
      at: 85,
      title: 'Committed without replica 1',
      text: "The link from replica 0 to replica 1 is cut, so only replica 2 gets the Prepare of put x 1. Its PrepareOk is enough: op 1 commits and c0's reply is on its way.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'counter', replica: 1, counter: 'op' },
        { kind: 'message', type: 'reply', from: 0, to: 'c0' },
      ],
      expect: [
        { replica: 0, commit: 1 },
        { replica: 2, logOp: 1, op: 'put x 1' },
        { replica: 1, opNumber: 0 },
        { inFlight: 'reply', from: 0, to: 'c0' },
      ],
    },
    {
      at: 205,
      title: 'Replica 1 starts a view change',
      text: 'Replica 1 has not heard from the primary, and its timer fires: it starts view 1, which it will lead. Its own log is empty.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'status' },
        { kind: 'message', type: 'start_view_change', from: 1 },
      ],
      expect: [
        { replica: 1, status: 'view-change', view: 1, opNumber: 0 },
        { inFlight: 'start_view_change', from: 1, to: 2, view: 1 },
      ],
    },
    {
      at: 213,
      title: 'The others follow',
      text: "Replicas 0 and 2 join view 1 and send their DoViewChange to replica 1. Replica 2's carries put x 1; replica 0's is lost on the cut link.",
      section: '§4.2',
      highlight: [{ kind: 'message', type: 'do_view_change', to: 1 }],
      expect: [
        { inFlight: 'do_view_change', from: 2, to: 1, view: 1, caption: '1 ops' },
        { inFlight: 'do_view_change', from: 0, to: 1, lost: true },
        { replica: 2, status: 'view-change', view: 1 },
      ],
    },
    {
      at: 220,
      title: 'Caught: no-lost-commit',
      text: "With the rule switched off, replica 1 starts view 1 as soon as it holds one DoViewChange, its own, a moment before replica 2's arrives. Its empty log becomes the log of view 1, and the checker reports no-lost-commit for put x 1.",
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 1 },
        { kind: 'counter', replica: 1, counter: 'quorum' },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
        { violation: 'no-lost-commit' },
      ],
    },
    {
      at: 225,
      mutation: 'none',
      title: 'With the rule: f + 1 logs',
      text: "With the rule, replica 1 waits for f + 1 = 2 DoViewChange messages, and replica 2's brings put x 1 into view 1. Any f + 1 replicas include one that holds each committed op.",
      section: '§4.2',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'message', type: 'start_view', from: 1, to: 2 },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, logOp: 1, op: 'put x 1' },
        { inFlight: 'start_view', from: 1, to: 2, opNumber: 1 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Fire replica 2's view-change timer now: view 2 again needs DoViewChange from two replicas, and whichever two they are, one of them holds put x 1.",
  tryItCheck: {
    actions: [{ at: 240, type: 'timeout', replica: 2 }],
    at: 1500,
    expect: [
      { replica: 2, status: 'normal', view: 2, isPrimary: true, logOp: 1, op: 'put x 1' },
      { noViolation: true },
    ],
  },
};
