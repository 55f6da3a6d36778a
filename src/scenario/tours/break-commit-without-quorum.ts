import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakCommitWithoutQuorumTour: Tour = {
  id: 'break-commit-without-quorum',
  title: 'Break a rule: commit without a quorum',
  summary:
    'The primary may commit only once f backups hold the op. Switch that rule off, cut the primary off from its backups, and watch a committed, acknowledged op vanish in the next view.',
  mutation: 'commit-without-quorum',
  caughtBy: 'no-lost-commit',
  scenario: tourScenario('challenge: commit without a quorum', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    mutation: 'commit-without-quorum',
    actions: [
      { at: 50, type: 'partition', groups: [[0], [1, 2]] },
      { at: 100, type: 'request', client: 0, op: 'put x 1' },
      { at: 2000, type: 'heal' },
    ],
  }),
  steps: [
    {
      at: 112,
      title: 'A primary alone commits',
      text: 'Replica 0 is cut off from both backups, and its Prepares for put x 1 will be lost. With the rule switched off, it does not wait for any PrepareOk: it commits op 1 the moment it appends it.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'commit' },
        { kind: 'message', type: 'prepare', from: 0 },
      ],
      expect: [
        { replica: 0, opNumber: 1, commit: 1, key: 'x', value: '1' },
        { inFlight: 'prepare', from: 0, to: 1, lost: true },
        { inFlight: 'prepare', from: 0, to: 2, lost: true },
      ],
    },
    {
      at: 125,
      title: "The client is told 'ok'",
      text: "Client c0 receives 'ok': as far as it knows, x = 1 is now durable. Yet the op exists on one replica only, and a view change only ever consults a majority.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'counter', replica: 1, counter: 'op' },
        { kind: 'counter', replica: 2, counter: 'op' },
      ],
      expect: [
        { clientCompleted: 'c0', exactly: 1 },
        { replica: 1, opNumber: 0 },
        { replica: 2, opNumber: 0 },
      ],
    },
    {
      at: 605,
      title: 'The majority moves on',
      text: 'Hearing nothing from replica 0, replica 1 asks replica 2 with pre_view_change, replica 2 agrees, and the two start view 1. Their DoViewChange messages carry empty logs, since neither ever saw put x 1.',
      section: '§4.2',
      highlight: [{ kind: 'message', type: 'do_view_change', from: 2, to: 1 }],
      expect: [
        { note: 'view-change-started', by: 1, caption: 'no word from primary 0, and 1 other agree' },
        { inFlight: 'do_view_change', from: 2, to: 1, view: 1, caption: '0 ops' },
        { replica: 1, status: 'view-change', view: 1 },
      ],
    },
    {
      at: 612,
      title: 'Caught: no-lost-commit',
      text: 'Replica 1 starts view 1 with an empty log, and the checker reports no-lost-commit: op 1 was committed and acknowledged, but the new view does not have it.',
      section: '§4.1',
      highlight: [
        { kind: 'replica', replica: 1 },
        { kind: 'counter', replica: 1, counter: 'op' },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
        { violation: 'no-lost-commit' },
      ],
    },
    {
      at: 612,
      mutation: 'none',
      title: 'With the rule: the primary waits',
      text: 'With the rule in place, replica 0 is still waiting for a PrepareOk, so put x 1 is not committed and c0 has no answer yet. View 1 may start without it, and c0 will resend it there.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'commit' },
        { kind: 'replica', replica: 1 },
      ],
      expect: [
        { replica: 0, opNumber: 1, commit: 0 },
        { clientPending: 'c0', request: 1 },
        { replica: 1, status: 'normal', view: 1, isPrimary: true },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Heal the network now: replica 0 hears of view 1 and swaps its uncommitted op for the log of view 1, while c0's resent put x 1 is executed once, by replica 1.",
  tryItCheck: {
    actions: [{ at: 615, type: 'heal' }],
    at: 1500,
    expect: [
      { clientCompleted: 'c0', exactly: 1 },
      { replica: 1, view: 1, commit: 1, logOp: 1, op: 'put x 1' },
      { replica: 0, status: 'normal', view: 1, isPrimary: false, opNumber: 1 },
      { noViolation: true },
    ],
  },
};
