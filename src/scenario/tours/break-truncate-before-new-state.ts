import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakTruncateBeforeNewStateTour: Tour = {
  id: 'break-truncate-before-new-state',
  title: 'Break a rule: adopt a view before its state arrives',
  summary:
    'A replica that hears of a later view must keep its log and view until the new state is installed. Switch that rule off and it empties its log and joins the view at once, a trap found by model checking.',
  mutation: 'truncate-before-new-state',
  caughtBy: 'enter-view-log',
  scenario: tourScenario('challenge: adopt a view before its state', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    mutation: 'truncate-before-new-state',
    actions: [
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 75, type: 'cut', from: 0, to: 2 },
      { at: 90, type: 'drop', from: 1, to: 2, message: 'start_view_change', count: 5 },
      { at: 90, type: 'drop', from: 1, message: 'start_view', count: 5 },
      { at: 100, type: 'timeout', replica: 1 },
      { at: 240, type: 'mend', from: 0, to: 2 },
    ],
  }),
  steps: [
    {
      at: 85,
      title: 'put x 1 is committed',
      text: 'Replicas 1 and 2 both hold put x 1 and acknowledged it, so the primary has committed it. The link from replica 0 to replica 2 has just been cut.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'counter', replica: 0, counter: 'commit' },
      ],
      expect: [
        { replica: 0, commit: 1 },
        { replica: 1, logOp: 1, op: 'put x 1' },
        { replica: 2, logOp: 1, op: 'put x 1', commit: 0 },
      ],
    },
    {
      at: 123,
      title: 'View 1, without replica 2',
      text: "A timeout sends replica 1 into view 1, which it forms with replica 0's DoViewChange. Both its StartView messages are lost, so replica 0 stays in view change and replica 2 knows nothing of view 1.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'view' },
        { kind: 'message', type: 'start_view', from: 1 },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, logOp: 1, op: 'put x 1' },
        { replica: 0, status: 'view-change', view: 1 },
        { replica: 2, status: 'normal', view: 0, opNumber: 1, commit: 0 },
        { inFlight: 'start_view', from: 1, to: 2, lost: true },
      ],
    },
    {
      at: 225,
      title: 'News of view 1',
      text: "Replica 1's Commit heartbeat of view 1 is on its way to replica 2. Replica 2 holds op 1, but its commit-number is still 0.",
      section: '§5.2',
      highlight: [
        { kind: 'message', type: 'commit', from: 1, to: 2 },
        { kind: 'counter', replica: 2, counter: 'commit' },
      ],
      expect: [
        { inFlight: 'commit', from: 1, to: 2, view: 1 },
        { replica: 2, status: 'normal', view: 0, opNumber: 1, commit: 0 },
      ],
    },
    {
      at: 230,
      title: 'Caught: enter-view-log',
      text: "With the rule switched off, replica 2 cuts its log back to its commit-number, 0, and enters view 1 before any state arrives. The checker reports enter-view-log: a normal member of view 1 lacks the op the view started with. Should replica 1 crash now, replica 2's empty log, last normal in view 1, would beat replica 0's in the next view change, and put x 1 would be lost.",
      section: '§5.2',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'op' },
        { kind: 'counter', replica: 2, counter: 'view' },
      ],
      expect: [{ replica: 2, status: 'normal', view: 1, opNumber: 0 }, { violation: 'enter-view-log' }],
    },
    {
      at: 230,
      mutation: 'none',
      title: 'With the rule: keep the log until NewState',
      text: 'With the rule, replica 2 keeps its log and view 0 and only asks replica 1 for the state of view 1. It will install the new log and view together, when NewState arrives.',
      section: '§5.2',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'message', type: 'get_state', from: 2, to: 1 },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 0, opNumber: 1, logOp: 1, op: 'put x 1' },
        { inFlight: 'get_state', from: 2, to: 1, view: 1 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Crash replica 1 now, before its NewState can arrive. Replica 2 kept op 1, so when replicas 0 and 2 form the next view, put x 1 is still there.',
  tryItCheck: {
    actions: [{ at: 235, type: 'crash', replica: 1 }],
    at: 1500,
    expect: [
      { replica: 2, status: 'normal', view: 2, isPrimary: true, logOp: 1, op: 'put x 1' },
      { replica: 0, status: 'normal', view: 2, logOp: 1, op: 'put x 1' },
      { noViolation: true },
    ],
  },
};
