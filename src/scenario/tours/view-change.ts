import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const viewChangeTour: Tour = {
  id: 'view-change',
  title: 'Primary crash and view change',
  summary:
    'The primary crashes after committing an op. The backups notice the silence, check with each other that the primary is really gone, agree on view 1 with replica 1 as its primary, and the committed op survives.',
  scenario: tourScenario('tour: view change', {
    replicas: 3,
    clients: 1,
    until: 4000,
    actions: [
      { at: 100, type: 'request', client: 0, op: 'put x 1' },
      { at: 350, type: 'crash', replica: 0 },
      { at: 400, type: 'request', client: 0, op: 'put x 2' },
    ],
  }),
  steps: [
    {
      at: 405,
      title: 'The primary is gone',
      text: 'Op 1, put x 1, committed on every replica, then the primary, replica 0, crashed at 350 ms. Client c0 does not know that and sends put x 2 to replica 0, where nobody will answer.',
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 0 },
        { kind: 'message', type: 'request', from: 'c0', to: 0 },
      ],
      expect: [
        { replica: 0, crashed: true },
        { replica: 1, status: 'normal', view: 0, commit: 1 },
        { replica: 2, status: 'normal', view: 0, commit: 1 },
        { inFlight: 'request', from: 'c0', to: 0 },
      ],
    },
    {
      at: 885,
      title: 'A backup asks before it acts',
      text: "Replica 1 has heard nothing from its primary for 572 ms, its timeout: 500 ms plus a random part of its own, so that backups do not all time out together. The paper's §4.2 would have it start a view change at once; vsr-scope first asks the others with pre_view_change whether they lost the primary too, the idea Raft, another replication protocol, calls PreVote.",
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 1 },
        { kind: 'message', type: 'pre_view_change', from: 1, to: 2 },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 0, asking: true, preViewChangeOks: 0 },
        { note: 'view-change-probed', by: 1, caption: 'no word from primary 0 for 572 ms' },
        { inFlight: 'pre_view_change', from: 1, to: 2, view: 0 },
        { replica: 2, status: 'normal', view: 0 },
      ],
    },
    {
      at: 895,
      title: 'Replica 2 agrees',
      text: 'Replica 2 has not heard from replica 0 for longer than its own timeout either, so it answers pre_view_change_ok. It does not start anything yet: it only says "I lost the primary too".',
      section: '§4.2',
      highlight: [{ kind: 'message', type: 'pre_view_change_ok', from: 2, to: 1 }],
      expect: [
        { inFlight: 'pre_view_change_ok', from: 2, to: 1, view: 0 },
        { replica: 2, status: 'normal', view: 0 },
        { replica: 1, status: 'normal', view: 0, asking: true },
      ],
    },
    {
      at: 905,
      title: 'StartViewChange',
      text: 'With f = 1 other replica agreeing, replica 1 moves to view 1, sets its status to view-change and sends StartViewChange to all. From now on it refuses Prepares of view 0.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'status' },
        { kind: 'counter', replica: 1, counter: 'view' },
        { kind: 'message', type: 'start_view_change', from: 1, to: 2 },
      ],
      expect: [
        { replica: 1, status: 'view-change', view: 1, asking: false },
        { inFlight: 'start_view_change', from: 1, to: 2, view: 1 },
        { replica: 2, status: 'normal', view: 0 },
      ],
    },
    {
      at: 915,
      title: 'DoViewChange to the new primary',
      text: "A StartViewChange for a later view pulls replica 2 into view 1, and it sends its own StartViewChange. Having StartViewChange from f other replicas (here one, replica 1's), it sends DoViewChange to the primary of view 1, replica 1 (1 mod 3), with its log, its last normal view and its commit-number.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'quorum' },
        { kind: 'message', type: 'do_view_change', from: 2, to: 1 },
        { kind: 'message', type: 'start_view_change', from: 2, to: 1 },
      ],
      expect: [
        { replica: 2, status: 'view-change', view: 1, startViewChanges: 1 },
        { inFlight: 'start_view_change', from: 2, to: 1, view: 1 },
        { inFlight: 'do_view_change', from: 2, to: 1, view: 1, opNumber: 1 },
      ],
    },
    {
      at: 925,
      title: 'View 1 starts',
      text: 'Replica 1 now has StartViewChange from replica 2, so it sends DoViewChange to itself. With f + 1 = 2 DoViewChange messages, its own included, it takes the log with the latest normal view and becomes the primary of view 1. It sends that log in StartView, so the committed put x 1 survives the crash.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'view' },
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'message', type: 'start_view', from: 1, to: 2 },
      ],
      expect: [
        {
          replica: 1,
          status: 'normal',
          view: 1,
          isPrimary: true,
          opNumber: 1,
          commit: 1,
          logOp: 1,
          op: 'put x 1',
        },
        { replica: 2, status: 'view-change' },
        { inFlight: 'start_view', from: 1, to: 2, view: 1 },
      ],
    },
    {
      at: 1135,
      title: 'The client finds the new primary',
      text: 'With no reply, c0 resent its request to every replica; only replica 1, the primary of view 1, took it as op 2. The reply names view 1, so the next request goes straight to replica 1.',
      section: '§4.1',
      highlight: [
        { kind: 'message', type: 'reply', from: 1, to: 'c0' },
        { kind: 'log-cell', replica: 1, op: 2 },
      ],
      expect: [
        { inFlight: 'reply', from: 1, to: 'c0', view: 1 },
        { replica: 1, opNumber: 2, commit: 2, logOp: 2, op: 'put x 2' },
        { replica: 2, status: 'normal', view: 1, isPrimary: false },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Restart replica 0 now. It has lost its state, so it recovers: it learns from the others that view 1 exists and rejoins as a backup of replica 1, holding both ops.',
  tryItCheck: {
    actions: [{ at: 1135, type: 'restart', replica: 0 }],
    at: 2000,
    expect: [
      {
        replica: 0,
        status: 'normal',
        view: 1,
        isPrimary: false,
        opNumber: 2,
        commit: 2,
        key: 'x',
        value: '2',
      },
      { noViolation: true },
    ],
  },
};
