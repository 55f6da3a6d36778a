import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const lostMessagesTour: Tour = {
  id: 'lost-messages',
  title: 'Lost messages and retries',
  summary:
    'The network loses two Prepares and then a client request. Each loss is repaired by a timer: the primary resends Prepares, the client resends its request.',
  scenario: tourScenario('tour: lost messages', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    actions: [
      { at: 100, type: 'drop', from: 0, message: 'prepare', count: 2 },
      { at: 100, type: 'request', client: 0, op: 'put x 1' },
      { at: 400, type: 'drop', from: 'c0', to: 0, message: 'request', count: 1 },
      { at: 400, type: 'request', client: 0, op: 'put x 2' },
    ],
  }),
  steps: [
    {
      at: 112,
      title: 'Both Prepares will be lost',
      text: 'The primary assigned op 1 and sent its Prepares, but the network will lose both of them. No replica is told: a lost message looks exactly like a slow one.',
      section: '§4.1',
      highlight: [
        { kind: 'message', type: 'prepare', from: 0 },
        { kind: 'log-cell', replica: 0, op: 1 },
      ],
      expect: [
        { inFlight: 'prepare', from: 0, to: 1, lost: true },
        { inFlight: 'prepare', from: 0, to: 2, lost: true },
        { replica: 0, opNumber: 1, commit: 0 },
      ],
    },
    {
      at: 300,
      title: 'Nothing happens',
      text: 'The backups never saw op 1, so no PrepareOk comes back, and the primary keeps the op uncommitted. Waiting alone would never end.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'commit' },
        { kind: 'counter', replica: 1, counter: 'op' },
      ],
      expect: [
        { replica: 0, opNumber: 1, commit: 0 },
        { replica: 1, opNumber: 0 },
        { replica: 2, opNumber: 0 },
        { clientPending: 'c0', request: 1 },
      ],
    },
    {
      at: 315,
      title: 'The primary resends',
      text: 'The retry timer of the primary fires: every backup that has not acknowledged op 1 gets its Prepare again. Resending is harmless, since a backup that already holds an op just acknowledges it again.',
      section: '§4.1',
      highlight: [{ kind: 'message', type: 'prepare', from: 0 }],
      expect: [
        { inFlight: 'prepare', from: 0, to: 1, opNumber: 1 },
        { inFlight: 'prepare', from: 0, to: 2, opNumber: 1 },
      ],
    },
    {
      at: 335,
      title: 'Committed after all',
      text: 'This time the Prepares arrive, the PrepareOk messages come back and op 1 commits. The loss cost one retry interval, 200 ms, and nothing else.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'commit' },
        { kind: 'message', type: 'reply', from: 0, to: 'c0' },
      ],
      expect: [
        { replica: 0, commit: 1 },
        { inFlight: 'reply', from: 0, to: 'c0' },
      ],
    },
    {
      at: 402,
      title: 'A lost request',
      text: "Now c0's next request is lost on its way to the primary. No replica knows that it exists, so only the client can repair this loss.",
      section: '§4.1',
      highlight: [{ kind: 'message', type: 'request', from: 'c0', to: 0 }],
      expect: [
        { inFlight: 'request', from: 'c0', to: 0, lost: true },
        { clientPending: 'c0', request: 2 },
      ],
    },
    {
      at: 1105,
      title: 'The client resends to everyone',
      text: 'After 700 ms without a reply, c0 resends request #2 to every replica, since the primary might have changed. The backups ignore it and the primary takes it.',
      section: '§4.1',
      highlight: [{ kind: 'message', type: 'request', from: 'c0' }],
      expect: [
        { inFlight: 'request', from: 'c0', to: 0 },
        { inFlight: 'request', from: 'c0', to: 1 },
        { inFlight: 'request', from: 'c0', to: 2 },
        { replica: 0, opNumber: 1 },
      ],
    },
    {
      at: 1135,
      title: 'Served',
      text: 'Request #2 becomes op 2 and commits, and the reply is on its way. Every loss was repaired by a timer on the side that was left waiting.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 2 },
        { kind: 'message', type: 'reply', from: 0, to: 'c0' },
      ],
      expect: [
        { replica: 0, opNumber: 2, commit: 2 },
        { inFlight: 'reply', from: 0, to: 'c0' },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Set the network's drop rate to 0.3 and queue a few requests from c0: messages vanish all the time now, yet every request is answered in the end and no checker objects.",
  tryItCheck: {
    actions: [
      { at: 1140, type: 'network', dropRate: 0.3 },
      { at: 1140, type: 'request', client: 0, op: 'put x 3' },
      { at: 1140, type: 'request', client: 0, op: 'append x 4' },
      { at: 1140, type: 'request', client: 0, op: 'get x' },
    ],
    at: 9000,
    expect: [{ clientCompleted: 'c0', exactly: 5 }, { noViolation: true }],
  },
};
