import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const clientTableTour: Tour = {
  id: 'client-table',
  title: 'The client table: exactly-once replies',
  summary:
    'A reply is lost and the client sends its request again. The primary recognises it in its client table and resends the cached reply instead of executing the request twice.',
  scenario: tourScenario('tour: client table', {
    replicas: 3,
    clients: 1,
    until: 4000,
    actions: [
      { at: 10, type: 'drop', message: 'reply', count: 1 },
      { at: 100, type: 'request', client: 0, op: 'append x a;' },
      { at: 100, type: 'request', client: 0, op: 'get x' },
    ],
  }),
  steps: [
    {
      at: 105,
      title: 'Requests are numbered',
      text: "Client c0 asks to append 'a;' to x. Every request carries the client's id and a request-number, here #1, and a client has only one request outstanding at a time.",
      section: '§4',
      highlight: [{ kind: 'message', type: 'request', from: 'c0', to: 0 }],
      expect: [
        { inFlight: 'request', from: 'c0', to: 0 },
        { clientPending: 'c0', request: 1 },
      ],
    },
    {
      at: 140,
      title: 'Executed, but the reply is lost',
      text: "The op committed and the primary executed it: x is now 'a;', and its client table remembers request #1 of c0 with the reply 'ok'. That reply was lost on the way, so the client cannot tell whether its append happened.",
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'client-table' },
        { kind: 'log-cell', replica: 0, op: 1 },
      ],
      expect: [
        {
          replica: 0,
          commit: 1,
          key: 'x',
          value: 'a;',
          clientTable: { client: 'c0', request: 1, result: 'ok' },
        },
        { clientPending: 'c0', request: 1 },
      ],
    },
    {
      at: 805,
      title: 'The client sends it again, to everyone',
      text: 'After its retry timeout the client resends request #1, this time to every replica, in case the primary has changed. It keeps the same request-number: this is the same request, not a new one.',
      section: '§4.1',
      highlight: [{ kind: 'message', type: 'request', from: 'c0' }],
      expect: [
        { inFlight: 'request', from: 'c0', to: 0 },
        { inFlight: 'request', from: 'c0', to: 1 },
        { inFlight: 'request', from: 'c0', to: 2 },
      ],
    },
    {
      at: 815,
      title: 'The cached reply',
      text: 'The primary finds request #1 of c0 in its client table, already executed, so it does not prepare it again: it resends the cached reply. The backups ignore the request, because only the primary answers clients.',
      section: '§4.1',
      highlight: [
        { kind: 'message', type: 'reply', from: 0, to: 'c0' },
        { kind: 'counter', replica: 0, counter: 'op' },
      ],
      expect: [
        { inFlight: 'reply', from: 0, to: 'c0' },
        { replica: 0, opNumber: 1, commit: 1, key: 'x', value: 'a;' },
      ],
    },
    {
      at: 865,
      title: 'Exactly once',
      text: "The client's next request reads x and gets 'a;'. Had the append run twice, it would read 'a;a;': the request was sent twice but executed once.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 2 },
        { kind: 'counter', replica: 0, counter: 'client-table' },
      ],
      expect: [
        { clientCompleted: 'c0', exactly: 2 },
        {
          replica: 0,
          opNumber: 2,
          key: 'x',
          value: 'a;',
          clientTable: { client: 'c0', request: 2, result: 'a;' },
        },
        { replica: 1, key: 'x', value: 'a;', clientTable: { client: 'c0', request: 1, result: 'ok' } },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Crash replica 0 now and have c0 read x again. After the view change the new primary, replica 1, answers 'a;': backups execute committed ops too, so it ran the append exactly once, and its client table already knows c0.",
  tryItCheck: {
    actions: [
      { at: 870, type: 'crash', replica: 0 },
      { at: 870, type: 'request', client: 0, op: 'get x' },
    ],
    at: 3500,
    expect: [
      {
        replica: 1,
        view: 1,
        isPrimary: true,
        key: 'x',
        value: 'a;',
        clientTable: { client: 'c0', request: 3, result: 'a;' },
      },
      { clientCompleted: 'c0', exactly: 3 },
    ],
  },
};
