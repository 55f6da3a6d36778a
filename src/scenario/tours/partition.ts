import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const partitionTour: Tour = {
  id: 'partition',
  title: 'A partition leaves a minority behind',
  summary:
    'Five replicas split two against three, with the primary on the small side. The majority moves on while the minority can decide nothing, and after healing the minority drops what it never committed.',
  scenario: tourScenario('tour: partition', {
    replicas: 5,
    clients: 2,
    until: 4000,
    actions: [
      {
        at: 50,
        type: 'partition',
        groups: [
          [0, 4, 'c1'],
          [1, 2, 3, 'c0'],
        ],
      },
      { at: 100, type: 'request', client: 1, op: 'put x minority' },
      { at: 150, type: 'request', client: 0, op: 'put x majority' },
      { at: 1200, type: 'heal' },
    ],
  }),
  steps: [
    {
      at: 135,
      title: 'The primary is in the minority',
      text: "With five replicas f = 2, so a primary needs PrepareOk from two backups. Replica 0 is cut off with only replica 4: it prepares c1's put x minority, replica 4 acknowledges it, and still nothing commits.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'log-cell', replica: 4, op: 1 },
        { kind: 'counter', replica: 0, counter: 'commit' },
      ],
      expect: [
        { replica: 0, status: 'normal', view: 0, isPrimary: true, opNumber: 1, commit: 0 },
        { replica: 4, logOp: 1, op: 'put x minority', commit: 0 },
        { replica: 1, opNumber: 0 },
      ],
    },
    {
      at: 585,
      title: 'The majority starts view 1',
      text: 'Replica 3 hears nothing from replica 0 and asks the others with pre_view_change; replicas 1 and 2 have not heard from it either and agree, the f = 2 agreements it needs. So replicas 1, 2 and 3 start view 1 among themselves: three of five is a majority. Replicas 0 and 4 keep working in view 0, unaware of it.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'view' },
        { kind: 'counter', replica: 0, counter: 'view' },
      ],
      expect: [
        { note: 'view-change-started', by: 3, caption: 'no word from primary 0, and 2 others agree' },
        { replica: 1, status: 'normal', view: 1, isPrimary: true },
        { replica: 2, status: 'normal', view: 1 },
        { replica: 3, status: 'normal', view: 1 },
        { replica: 0, status: 'normal', view: 0, isPrimary: true },
        { replica: 4, status: 'normal', view: 0 },
      ],
    },
    {
      at: 885,
      title: 'The majority commits',
      text: 'Client c0 resent its request to every replica, and replica 1 commits it as op 1 of view 1 with PrepareOk from replicas 2 and 3. Op 1 now means different things on the two sides, but only the majority has committed it.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'message', type: 'reply', from: 1, to: 'c0' },
      ],
      expect: [
        { replica: 1, commit: 1, logOp: 1, op: 'put x majority' },
        { replica: 0, commit: 0, logOp: 1, op: 'put x minority' },
        { inFlight: 'reply', from: 1, to: 'c0', view: 1 },
      ],
    },
    {
      at: 1150,
      title: 'The minority is stuck',
      text: 'On the minority side c1 is still waiting, and it would wait for as long as the partition lasts: two replicas can never make a majority of five. A minority that decided anything could contradict the majority.',
      section: '§4.1',
      highlight: [
        { kind: 'replica', replica: 0 },
        { kind: 'replica', replica: 4 },
      ],
      expect: [
        { clientPending: 'c1', request: 1 },
        { replica: 0, status: 'normal', view: 0, commit: 0 },
        { clientCompleted: 'c0', exactly: 1 },
      ],
    },
    {
      at: 1275,
      title: 'Healing: news of view 1',
      text: 'The partition heals. The first message of view 1 to reach replicas 0 and 4, a Prepare that replica 1 keeps resending to backups that never acknowledged it, tells them they are behind, and each asks replica 1 for the state of view 1.',
      section: '§5.2',
      highlight: [{ kind: 'message', type: 'get_state', to: 1 }],
      expect: [
        { note: 'state-requested', by: 0, caption: 'heard of later view 1', on: 'prepare', since: 1200 },
        { note: 'state-requested', by: 4, caption: 'heard of later view 1', on: 'prepare', since: 1200 },
        { inFlight: 'get_state', from: 0, to: 1, view: 1 },
        { inFlight: 'get_state', from: 4, to: 1, view: 1 },
        { replica: 0, view: 0, logOp: 1, op: 'put x minority' },
      ],
    },
    {
      at: 1295,
      title: 'The uncommitted op is replaced',
      text: 'Their op 1, put x minority, was never committed, so they replace it with the log of view 1 and become its backups. Nothing a client was promised is lost: c1 never got a reply.',
      section: '§5.2',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'log-cell', replica: 4, op: 1 },
      ],
      expect: [
        {
          replica: 0,
          status: 'normal',
          view: 1,
          isPrimary: false,
          commit: 1,
          logOp: 1,
          op: 'put x majority',
        },
        { replica: 4, status: 'normal', view: 1, commit: 1, logOp: 1, op: 'put x majority' },
        { clientPending: 'c1', request: 1 },
      ],
    },
    {
      at: 1535,
      title: 'c1 is served',
      text: "Client c1's next retry reaches replica 1, the primary of view 1, which commits put x minority as op 2. The two sides agree again, on one history.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 2 },
        { kind: 'message', type: 'reply', from: 1, to: 'c1' },
      ],
      expect: [
        { replica: 1, commit: 2, logOp: 2, op: 'put x minority' },
        { inFlight: 'reply', from: 1, to: 'c1' },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Now split the cluster three ways, {0, 1}, {2, 3} and {4}, and have c0 send a request: no side holds a majority, so nothing commits. Replicas 2, 3 and 4 lose their primary and ask with pre_view_change, but no side can gather the f = 2 agreements, so none of them even starts a view change until you heal the network.',
  tryItCheck: {
    actions: [
      { at: 1540, type: 'partition', groups: [[0, 1, 'c0'], [2, 3, 'c1'], [4]] },
      { at: 1540, type: 'request', client: 0, op: 'put y 1' },
    ],
    at: 3500,
    expect: [
      { clientPending: 'c0', request: 2 },
      { replica: 1, commit: 2, opNumber: 3 },
      { replica: 2, status: 'normal', view: 1, asking: true },
      { replica: 3, status: 'normal', view: 1, asking: true },
      { replica: 4, status: 'normal', view: 1, asking: true, preViewChangeOks: 0 },
      { note: 'view-change-started', by: 2, since: 1540, count: 0 },
      { note: 'view-change-started', by: 3, since: 1540, count: 0 },
      { note: 'view-change-started', by: 4, since: 1540, count: 0 },
    ],
  },
};
