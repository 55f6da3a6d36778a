import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakPrepareDuringViewChangeTour: Tour = {
  id: 'break-prepare-during-view-change',
  title: 'Break a rule: accept old Prepares during a view change',
  summary:
    'A replica that has moved to a new view must refuse Prepares of the old one. Switch that rule off and an old primary that missed the view change can still get its ops acknowledged.',
  mutation: 'prepare-during-view-change',
  caughtBy: 'normal-status',
  scenario: tourScenario('challenge: accept old prepares during a view change', {
    replicas: 3,
    clients: 2,
    until: 10_000,
    mutation: 'prepare-during-view-change',
    actions: [
      { at: 10, type: 'drop', from: 2, to: 0, message: 'start_view_change', count: 10 },
      { at: 10, type: 'drop', from: 1, to: 0, message: 'start_view_change', count: 10 },
      { at: 10, type: 'drop', from: 1, to: 0, message: 'start_view', count: 10 },
      { at: 10, type: 'drop', from: 1, to: 2, message: 'start_view', count: 1 },
      { at: 100, type: 'timeout', replica: 2 },
      { at: 150, type: 'request', client: 0, op: 'put x 1' },
      { at: 150, type: 'request', client: 0, op: 'put x 2' },
      { at: 400, type: 'request', client: 1, op: 'get x' },
    ],
  }),
  steps: [
    {
      at: 125,
      title: 'A view change replica 0 never hears of',
      text: "Replica 2's timer fires and it starts view 1; replica 1 joins. Every StartViewChange to replica 0 is lost, so replica 0 still believes it is the primary of view 0.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'status' },
        { kind: 'counter', replica: 0, counter: 'view' },
      ],
      expect: [
        { replica: 2, status: 'view-change', view: 1 },
        { replica: 1, status: 'view-change', view: 1 },
        { replica: 0, status: 'normal', view: 0, isPrimary: true },
      ],
    },
    {
      at: 133,
      title: 'View 1 starts, replica 2 misses it',
      text: 'Replica 1 starts view 1 with an empty log, but its StartView to replica 2 will be lost, so replica 2 stays in view change, waiting.',
      section: '§4.2',
      highlight: [
        { kind: 'message', type: 'start_view', from: 1, to: 2 },
        { kind: 'counter', replica: 1, counter: 'view' },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
        { inFlight: 'start_view', from: 1, to: 2, lost: true },
      ],
    },
    {
      at: 165,
      title: 'A Prepare from the old view',
      text: 'Client c0 knows only view 0 and sends put x 1 to replica 0, which prepares it as op 1 of view 0. Replica 2 has promised view 1 to ignore such Prepares.',
      section: '§4.2',
      highlight: [{ kind: 'message', type: 'prepare', from: 0 }],
      expect: [
        { inFlight: 'prepare', from: 0, to: 2, view: 0, opNumber: 1 },
        { replica: 0, opNumber: 1, commit: 0 },
        { replica: 2, status: 'view-change', view: 1 },
      ],
    },
    {
      at: 170,
      title: 'Caught: normal-status',
      text: 'With the rule switched off, replica 2 appends the old Prepare and acknowledges it from view-change status, breaking its promise. The checker reports normal-status: that PrepareOk lets replica 0 commit put x 1 in view 0, while view 1 has started without it.',
      section: '§4.2',
      highlight: [
        { kind: 'message', type: 'prepare_ok', from: 2, to: 0 },
        { kind: 'log-cell', replica: 2, op: 1 },
      ],
      expect: [
        { inFlight: 'prepare_ok', from: 2, to: 0, view: 0, opNumber: 1 },
        { replica: 2, status: 'view-change', logOp: 1, op: 'put x 1' },
        { violation: 'normal-status' },
      ],
    },
    {
      at: 170,
      mutation: 'none',
      title: 'With the rule: the old view is over',
      text: 'With the rule, replicas 1 and 2 both refuse the Prepare, so replica 0 can commit nothing more in view 0. Every op committed in view 0 was acknowledged by replicas before they moved to view 1, so their DoViewChange messages carry it into view 1.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'op' },
        { kind: 'counter', replica: 0, counter: 'commit' },
      ],
      expect: [
        { replica: 2, status: 'view-change', opNumber: 0 },
        { replica: 0, commit: 0 },
        { inFlight: 'prepare_ok', count: 0 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Crash replica 0 now: view 1 carries on without it, and c0's resent put x 1 is committed there by replica 1.",
  tryItCheck: {
    actions: [{ at: 175, type: 'crash', replica: 0 }],
    at: 2000,
    expect: [
      { replica: 1, status: 'normal', view: 1, isPrimary: true, logOp: 1, op: 'put x 1', commitAtLeast: 1 },
      { clientCompleted: 'c0', atLeast: 1 },
      { noViolation: true },
    ],
  },
};
