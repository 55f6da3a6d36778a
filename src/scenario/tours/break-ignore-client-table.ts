import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakIgnoreClientTableTour: Tour = {
  id: 'break-ignore-client-table',
  title: 'Break a rule: ignore the client table',
  summary:
    'The primary must answer a resent request from its client table instead of executing it again. Switch that rule off, lose one reply, and an append runs twice.',
  mutation: 'ignore-client-table',
  caughtBy: 'at-most-once',
  scenario: tourScenario('challenge: ignore the client table', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    mutation: 'ignore-client-table',
    actions: [
      { at: 10, type: 'drop', message: 'reply', count: 1 },
      { at: 100, type: 'request', client: 0, op: 'append x a;' },
      { at: 100, type: 'request', client: 0, op: 'get x' },
    ],
  }),
  steps: [
    {
      at: 140,
      title: 'Executed, but the reply is lost',
      text: "Client c0's append x a; committed as op 1 and x is now 'a;', but the reply was lost. The client cannot tell whether its append happened.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'counter', replica: 0, counter: 'client-table' },
      ],
      expect: [
        { replica: 0, commit: 1, key: 'x', value: 'a;', clientTable: { client: 'c0', request: 1 } },
        { clientPending: 'c0', request: 1 },
      ],
    },
    {
      at: 805,
      title: 'The same request again',
      text: 'After its retry timeout, c0 resends request #1, with the same request-number, to every replica.',
      section: '§4.1',
      highlight: [{ kind: 'message', type: 'request', from: 'c0', to: 0 }],
      expect: [{ inFlight: 'request', from: 'c0', to: 0, caption: 'request #1' }],
    },
    {
      at: 815,
      title: 'A second op for one request',
      text: 'With the rule switched off, the primary does not look in its client table: it appends request #1 again, as op 2, and prepares it.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 2 },
        { kind: 'message', type: 'prepare', from: 0 },
      ],
      expect: [
        { replica: 0, opNumber: 2, logOp: 2, op: 'append x a;' },
        { inFlight: 'prepare', from: 0, to: 1, opNumber: 2 },
      ],
    },
    {
      at: 830,
      title: 'Caught: at-most-once',
      text: "Op 2 commits and the primary executes the append a second time: x is now 'a;a;'. The checker reports at-most-once, since request #1 of c0 ran as op 1 and again as op 2.",
      section: '§4.1',
      highlight: [{ kind: 'counter', replica: 0, counter: 'commit' }],
      expect: [{ replica: 0, commit: 2, key: 'x', value: 'a;a;' }, { violation: 'at-most-once' }],
    },
    {
      at: 830,
      mutation: 'none',
      title: 'With the rule: the cached reply',
      text: "With the rule, the primary found request #1 in its client table and resent the cached 'ok' instead. The client's next request, get x, is op 2, and it will read 'a;'.",
      section: '§4.1',
      highlight: [{ kind: 'log-cell', replica: 0, op: 2 }],
      expect: [
        { replica: 0, opNumber: 2, logOp: 2, op: 'get x', key: 'x', value: 'a;' },
        { clientCompleted: 'c0', exactly: 1 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Now crash replica 0: the new primary's client table was filled by executing the same ops, so it would answer a resent request from its cache as well, and c0's read still returns 'a;'.",
  tryItCheck: {
    actions: [{ at: 835, type: 'crash', replica: 0 }],
    at: 3000,
    expect: [
      { replica: 1, status: 'normal', view: 1, isPrimary: true, key: 'x', value: 'a;' },
      { replica: 1, clientTable: { client: 'c0', request: 2, result: 'a;' } },
      { clientCompleted: 'c0', exactly: 2 },
      { noViolation: true },
    ],
  },
};
