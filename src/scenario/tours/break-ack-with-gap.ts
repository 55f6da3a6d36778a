import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakAckWithGapTour: Tour = {
  id: 'break-ack-with-gap',
  title: 'Break a rule: acknowledge across a gap',
  summary:
    'PrepareOk for op n means "I hold every op up to n". Switch that rule off and a backup that missed op 1 acknowledges op 2 anyway.',
  mutation: 'ack-with-gap',
  caughtBy: 'prepare-ok-holds',
  scenario: tourScenario('challenge: acknowledge across a gap', {
    replicas: 3,
    clients: 1,
    until: 10_000,
    mutation: 'ack-with-gap',
    actions: [
      { at: 10, type: 'drop', from: 0, to: 1, message: 'prepare', count: 1 },
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 50, type: 'request', client: 0, op: 'put x 2' },
      { at: 95, type: 'drop', from: 0, to: 2, message: 'prepare', count: 1 },
    ],
  }),
  steps: [
    {
      at: 75,
      title: 'Op 1 misses replica 1',
      text: 'The Prepare of op 1 to replica 1 was lost. Replica 2 got its copy, and its PrepareOk is on the way: that alone will commit op 1.',
      section: '§4.1',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'op' },
        { kind: 'message', type: 'prepare_ok', from: 2, to: 0 },
      ],
      expect: [
        { replica: 1, opNumber: 0 },
        { replica: 2, logOp: 1, op: 'put x 1' },
        { inFlight: 'prepare_ok', from: 2, to: 0, opNumber: 1 },
      ],
    },
    {
      at: 103,
      title: 'Op 2 misses replica 2',
      text: 'Now the Prepare of op 2 to replica 2 will be lost as well. The one to replica 1 will arrive, at a replica that never got op 1.',
      section: '§4.1',
      highlight: [{ kind: 'message', type: 'prepare', from: 0 }],
      expect: [
        { inFlight: 'prepare', from: 0, to: 1, opNumber: 2 },
        { inFlight: 'prepare', from: 0, to: 2, opNumber: 2, lost: true },
        { replica: 0, opNumber: 2, commit: 1 },
      ],
    },
    {
      at: 110,
      title: 'Caught: prepare-ok-holds',
      text: 'With the rule switched off, replica 1 answers PrepareOk for op 2 while it holds no op at all, and the checker reports prepare-ok-holds. Counting it, the primary would commit op 2 with a single real copy, its own.',
      section: '§4.1',
      highlight: [
        { kind: 'message', type: 'prepare_ok', from: 1, to: 0 },
        { kind: 'counter', replica: 1, counter: 'op' },
      ],
      expect: [
        { inFlight: 'prepare_ok', from: 1, to: 0, opNumber: 2 },
        { replica: 1, opNumber: 0 },
        { violation: 'prepare-ok-holds' },
      ],
    },
    {
      at: 110,
      mutation: 'none',
      title: 'With the rule: hold it and wait',
      text: 'With the rule, replica 1 sets the Prepare of op 2 aside and acknowledges nothing: it cannot yet say that it holds every op up to 2.',
      section: '§4.1',
      highlight: [{ kind: 'counter', replica: 1, counter: 'op' }],
      expect: [
        { replica: 1, opNumber: 0 },
        { inFlight: 'prepare_ok', from: 1, count: 0 },
        { noViolation: true },
      ],
    },
    {
      at: 275,
      mutation: 'none',
      title: 'The gap is filled',
      text: 'The primary resends op 1 to replica 1, which appends it and then the op 2 it held aside. Now its PrepareOk for op 2 is true, and op 2 commits.',
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'log-cell', replica: 1, op: 2 },
        { kind: 'message', type: 'prepare_ok', from: 1, to: 0 },
      ],
      expect: [
        { replica: 1, opNumber: 2, logOp: 2, op: 'put x 2' },
        { inFlight: 'prepare_ok', from: 1, to: 0, opNumber: 2 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Crash replica 0 now and let replicas 1 and 2 elect a new primary: both hold op 2, so view 1 keeps put x 2.',
  tryItCheck: {
    actions: [{ at: 285, type: 'crash', replica: 0 }],
    at: 2000,
    expect: [
      { replica: 1, status: 'normal', view: 1, isPrimary: true, logOp: 2, op: 'put x 2', commit: 2 },
      { noViolation: true },
    ],
  },
};
