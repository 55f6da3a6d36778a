import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const latestViewLogTour: Tour = {
  id: 'latest-view-log',
  title: 'Why the new primary takes the log of the latest normal view',
  summary:
    'Two logs meet in a view change: a longer one from an old view and a shorter one holding a committed op. Watch the committed op vanish when the longest log wins, and survive under the real rule.',
  mutation: 'longest-log-wins',
  scenario: tourScenario('tour: latest normal view wins', {
    replicas: 3,
    clients: 3,
    until: 4000,
    timing: { clientRetryMs: 300 },
    actions: [
      {
        at: 50,
        type: 'partition',
        groups: [
          [0, 'c0', 'c1'],
          [1, 2, 'c2'],
        ],
      },
      { at: 100, type: 'request', client: 0, op: 'put x a' },
      { at: 100, type: 'request', client: 1, op: 'put y a' },
      { at: 600, type: 'request', client: 2, op: 'put x b' },
      {
        at: 1000,
        type: 'partition',
        groups: [[0, 2, 'c0', 'c1', 'c2'], [1]],
      },
    ],
  }),
  steps: [
    {
      at: 115,
      title: 'A cut-off primary prepares two ops',
      text: 'The network has split replica 0 and clients c0 and c1 from the rest. Replica 0, still primary of view 0, appends their requests as ops 1 and 2, but its Prepares cannot cross the partition, so neither op commits.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'log-cell', replica: 0, op: 2 },
        { kind: 'counter', replica: 0, counter: 'commit' },
      ],
      expect: [
        { replica: 0, status: 'normal', view: 0, opNumber: 2, commit: 0, logOp: 1, op: 'put x a' },
        { replica: 1, opNumber: 0 },
        { replica: 2, opNumber: 0 },
      ],
    },
    {
      at: 625,
      title: 'The majority moves on to view 1',
      text: 'Hearing nothing from replica 0, replica 1 asks replica 2 with pre_view_change whether it lost the primary too; it did, so the two form view 1 without replica 0, with replica 1 as primary. Replica 0 does not know: it still believes it leads view 0.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'view' },
        { kind: 'counter', replica: 0, counter: 'view' },
      ],
      expect: [
        { note: 'view-change-started', by: 1, caption: 'no word from primary 0, and 1 other agree' },
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
        { replica: 2, status: 'normal', view: 1 },
        { replica: 0, status: 'normal', view: 0, isPrimary: true, opNumber: 2 },
      ],
    },
    {
      at: 935,
      title: 'put x b commits in view 1',
      text: "Client c2's put x b becomes op 1 of view 1. Replica 2 holds it too, which makes a majority, so replica 1 commits it and replies: from now on, losing this op would break a promise made to c2.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'message', type: 'reply', from: 1, to: 'c2' },
      ],
      expect: [
        { replica: 1, commit: 1, logOp: 1, op: 'put x b' },
        { replica: 2, logOp: 1, op: 'put x b' },
        { inFlight: 'reply', from: 1, to: 'c2' },
      ],
    },
    {
      at: 1585,
      title: 'Two logs meet in view 2',
      text: "Now replica 1 is cut off. Replica 2 times out and asks; replica 0, still in view 0, cannot vouch for the primary of view 1 and agrees, so replica 2 starts view 2, which it will lead, and replica 0 joins it. Replica 0's DoViewChange brings 2 ops from view 0, while replica 2's own log has 1 op from view 1.",
      section: '§4.2',
      highlight: [
        { kind: 'message', type: 'do_view_change', from: 0, to: 2 },
        { kind: 'counter', replica: 2, counter: 'op' },
        { kind: 'counter', replica: 0, counter: 'op' },
      ],
      expect: [
        { note: 'view-change-started', by: 2, caption: 'no word from primary 1, and 1 other agree' },
        { replica: 2, status: 'view-change', view: 2, lastNormalView: 1, opNumber: 1 },
        { replica: 0, status: 'view-change', view: 2, lastNormalView: 0, opNumber: 2 },
        { inFlight: 'do_view_change', from: 0, to: 2, view: 2, caption: '2 ops, last normal view 0' },
      ],
    },
    {
      at: 1590,
      mutation: 'longest-log-wins',
      title: 'If the longest log won',
      text: "Here the rule is switched off: replica 2 takes the longest log, replica 0's. Op 1 is now put x a, and put x b, committed and acknowledged to c2, is gone: the checker reports no-lost-commit.",
      section: '§4.2',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'replica', replica: 2 },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 2, isPrimary: true, opNumber: 2, logOp: 1, op: 'put x a' },
        { violation: 'no-lost-commit' },
      ],
    },
    {
      at: 1595,
      title: 'The latest normal view wins',
      text: 'With the real rule, replica 2 takes the log whose last normal view is the latest, its own from view 1, and put x b stays op 1. A committed op sits in the logs of a majority of the view that committed it, and any f + 1 DoViewChange messages include one of those logs.',
      section: '§4.2',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'message', type: 'start_view', from: 2, to: 0 },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 2, isPrimary: true, opNumber: 1, logOp: 1, op: 'put x b' },
        { inFlight: 'start_view', from: 2, to: 0, view: 2, opNumber: 1 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Keep playing: the old ops of replica 0 were never committed, so they are dropped, and c0 and c1 simply resend; their requests become ops 2 and 3 of view 2. Heal the network and watch replica 1 learn of view 2 and catch up.',
  tryItCheck: {
    actions: [{ at: 1700, type: 'heal' }],
    at: 3000,
    expect: [
      { replica: 2, view: 2, opNumber: 3, commit: 3, logOp: 2, op: 'put x a' },
      { replica: 1, status: 'normal', view: 2, commit: 3, key: 'x', value: 'a' },
      { clientCompleted: 'c0', exactly: 1 },
      { clientCompleted: 'c1', exactly: 1 },
      { noViolation: true },
    ],
  },
};
