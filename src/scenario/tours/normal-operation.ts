import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const normalOperationTour: Tour = {
  id: 'normal-operation',
  title: 'Normal operation: from request to commit',
  summary:
    'One client request travels through a three-replica cluster: the primary orders it, the backups copy it, and a majority makes it committed.',
  scenario: tourScenario('tour: normal operation', {
    replicas: 3,
    clients: 1,
    until: 3000,
    actions: [{ at: 100, type: 'request', client: 0, op: 'put x 1' }],
  }),
  steps: [
    {
      at: 105,
      title: 'A client sends a request',
      text: 'Client c0 wants to set x to 1, so it sends a Request to replica 0, the primary of view 0. The primary of a view is simply replica view mod n, so every node knows who it is without asking.',
      section: '§4.1',
      highlight: [
        { kind: 'message', type: 'request', from: 'c0', to: 0 },
        { kind: 'replica', replica: 0 },
      ],
      expect: [
        { inFlight: 'request', from: 'c0', to: 0 },
        { replica: 0, status: 'normal', view: 0, isPrimary: true, opNumber: 0 },
      ],
    },
    {
      at: 115,
      title: 'The primary assigns op-number 1',
      text: "The primary appends the request to its log as op 1 and sends a Prepare to both backups. The op is not committed yet: the primary's commit-number is still 0.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'counter', replica: 0, counter: 'op' },
        { kind: 'message', type: 'prepare', from: 0 },
      ],
      expect: [
        { replica: 0, opNumber: 1, commit: 0, logOp: 1, op: 'put x 1' },
        { inFlight: 'prepare', from: 0, to: 1, opNumber: 1 },
        { inFlight: 'prepare', from: 0, to: 2, opNumber: 1 },
      ],
    },
    {
      at: 125,
      title: 'The backups append and acknowledge',
      text: 'Each backup holds op 1 now and answers with PrepareOk, which means "I hold every op up to 1". Backups never execute an op before they learn that it is committed.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'message', type: 'prepare_ok', to: 0 },
      ],
      expect: [
        { replica: 1, opNumber: 1, commit: 0, logOp: 1, op: 'put x 1' },
        { replica: 2, opNumber: 1, commit: 0 },
        { inFlight: 'prepare_ok', from: 1, to: 0, opNumber: 1 },
        { inFlight: 'prepare_ok', from: 2, to: 0, opNumber: 1 },
      ],
    },
    {
      at: 135,
      title: 'A majority holds it: committed',
      text: 'With three replicas the cluster survives f = 1 failure, so the primary needs PrepareOk from f = 1 backup: with its own copy that makes a majority of 2. It executes op 1, sets its commit-number to 1 and replies to the client.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'commit' },
        { kind: 'message', type: 'reply', from: 0, to: 'c0' },
      ],
      expect: [
        { replica: 0, commit: 1, key: 'x', value: '1' },
        { replica: 1, commit: 0 },
        { inFlight: 'reply', from: 0, to: 'c0' },
        { clientPending: 'c0', request: 1 },
      ],
    },
    {
      at: 305,
      title: 'Backups learn the commit',
      text: 'The client has its answer, but the backups still show commit-number 0. An idle primary sends a Commit message as a heartbeat, and it carries the commit-number 1.',
      section: '§4.1',
      highlight: [
        { kind: 'message', type: 'commit', from: 0 },
        { kind: 'counter', replica: 1, counter: 'commit' },
      ],
      expect: [
        { clientCompleted: 'c0', exactly: 1 },
        { replica: 1, commit: 0 },
        { inFlight: 'commit', from: 0, to: 1, caption: 'commit 1' },
      ],
    },
    {
      at: 315,
      title: 'Every replica executed op 1',
      text: 'The backups execute op 1 in order and now hold the same state as the primary, x = 1. Should the primary fail, any majority still includes a replica holding op 1, and that is what keeps it safe.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'commit' },
        { kind: 'counter', replica: 2, counter: 'commit' },
      ],
      expect: [
        { replica: 1, commit: 1, key: 'x', value: '1' },
        { replica: 2, commit: 1, key: 'x', value: '1' },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Crash replica 2, then have c0 send 'put x 2': replica 1's PrepareOk alone still makes a majority, so op 2 commits. Crash replica 1 as well and send 'put x 3': it never commits, because without a majority nothing does.",
  tryItCheck: {
    actions: [
      { at: 400, type: 'crash', replica: 2 },
      { at: 400, type: 'request', client: 0, op: 'put x 2' },
      { at: 600, type: 'crash', replica: 1 },
      { at: 600, type: 'request', client: 0, op: 'put x 3' },
    ],
    at: 2500,
    expect: [
      { replica: 0, opNumber: 3, commit: 2, key: 'x', value: '2' },
      { clientCompleted: 'c0', exactly: 2 },
      { clientPending: 'c0', request: 3 },
    ],
  },
};
