import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

/**
 * "Could anything go wrong here?": the break-a-rule story of start-view-without-quorum told from the
 * explorer's side. Its claims about exploring are checked in src/explore/explore.test.ts.
 */
export const exploreHereTour: Tour = {
  id: 'explore-here',
  title: 'Could anything go wrong here?',
  summary:
    'A quiet moment: an op committed, one backup cut off from the primary. Explore from here tries every order, loss, copy and early timer from that moment, and finds the run that breaks a rule once a new primary may start its view without a quorum.',
  mutation: 'start-view-without-quorum',
  scenario: tourScenario('tour: could anything go wrong here?', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    actions: [
      { at: 10, type: 'cut', from: 0, to: 1 },
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 200, type: 'timeout', replica: 1 },
      { at: 1000, type: 'mend', from: 0, to: 1 },
    ],
  }),
  steps: [
    {
      at: 150,
      mutation: 'start-view-without-quorum',
      title: 'Could anything go wrong here?',
      text: 'Put x 1 is committed on replicas 0 and 2, and replica 1 hears nothing from the primary; here a new primary may start its view without a quorum. Open the Explore tab of the debugging views, set depth 4 and crashes 0, and press it. It tries every order of the messages in flight, every loss, copy and early timer, and finds a counterexample of 4 choices: the shortest there is.',
      section: '§4.2',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'counter', replica: 1, counter: 'op' },
      ],
      expect: [
        { replica: 0, commit: 1 },
        { replica: 2, logOp: 1, op: 'put x 1' },
        { replica: 1, opNumber: 0 },
        { noViolation: true },
      ],
    },
    {
      at: 220,
      mutation: 'start-view-without-quorum',
      title: 'The counterexample, and this run',
      text: "The counterexample opens as a branch: replica 2's view-change timer fires before the heartbeats in flight reach it, replica 1 agrees the primary is silent, and when replica 2's StartViewChange reaches it, replica 1 starts view 1 from its own empty log. This run, which forces replica 1's timer at 200 ms, breaks the same rule here.",
      section: '§4.2',
      highlight: [{ kind: 'replica', replica: 1 }],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
        { violation: 'no-lost-commit' },
      ],
    },
    {
      at: 225,
      mutation: 'none',
      title: 'With the rule, nothing goes wrong',
      text: 'With the rule, explore again from 150 ms: no violation in any state up to depth 4. A bounded search proves only what it reached, so try a greater depth, or a crash.',
      section: '§4.2',
      highlight: [{ kind: 'log-cell', replica: 1, op: 1 }],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, logOp: 1, op: 'put x 1' },
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
