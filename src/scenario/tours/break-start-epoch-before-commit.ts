import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakStartEpochBeforeCommitTour: Tour = {
  id: 'break-start-epoch-before-commit',
  title: 'Break a rule: start the new epoch before the reconfiguration commits',
  summary:
    'A reconfiguration is an op like any other: the new epoch starts only once it commits. Switch that off and the primary leads an epoch no committed log names.',
  mutation: 'start-epoch-before-commit',
  caughtBy: 'epoch-state',
  scenario: tourScenario('challenge: start the epoch before the commit', {
    replicas: 3,
    slots: 5,
    clients: 2,
    until: 10_000,
    mutation: 'start-epoch-before-commit',
    actions: [
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 100, type: 'reconfigure', client: 0, replicas: [0, 3, 4] },
      {
        at: 105,
        type: 'partition',
        groups: [
          [0, 3, 4, 'c0'],
          [1, 2, 'c1'],
        ],
      },
      { at: 300, type: 'request', client: 1, op: 'put x 2' },
      { at: 2000, type: 'heal' },
    ],
  }),
  steps: [
    {
      at: 105,
      title: 'c0 asks for a new group',
      text: 'put x 1 is committed. c0 now asks to move from replicas 0 1 2 to 0 3 4, and a partition is about to cut primary 0 off from replicas 1 and 2.',
      section: '§7',
      highlight: [{ kind: 'replica', replica: 0 }],
      expect: [{ replica: 0, commit: 1 }, { clientCompleted: 'c0' }, { noViolation: true }],
    },
    {
      at: 110,
      title: 'Caught: epoch-state',
      text: 'With the rule switched off, primary 0 moves to epoch 1 the moment it prepares the reconfiguration, which nobody else holds. The checker reports epoch-state: no committed log names epoch 1.',
      section: '§7',
      highlight: [{ kind: 'counter', replica: 0, counter: 'commit' }],
      expect: [{ replica: 0, opNumber: 2, commit: 1 }, { violation: 'epoch-state' }],
    },
    {
      at: 110,
      mutation: 'none',
      title: 'With the rule: the op waits for a quorum',
      text: 'With the rule, the reconfiguration is op 2 of epoch 0 and waits for a PrepareOk like any op. The partition keeps it uncommitted, and epoch 0 goes on.',
      section: '§7',
      highlight: [{ kind: 'counter', replica: 0, counter: 'op' }],
      expect: [{ replica: 0, status: 'normal', opNumber: 2, commit: 1 }, { noViolation: true }],
    },
    {
      at: 4000,
      mutation: 'none',
      title: 'Healed: the new group takes over',
      text: 'Once the partition heals, the reconfiguration commits, replicas 3 and 4 fetch the state up to it, and replicas 1 and 2 shut down after two members of the new group confirm.',
      section: '§7',
      highlight: [
        { kind: 'replica', replica: 3 },
        { kind: 'replica', replica: 4 },
      ],
      expect: [
        { replica: 3, status: 'normal' },
        { replica: 4, status: 'normal' },
        { replica: 1, status: 'retired' },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Crash replica 3 now and send put y 1 from c1: replicas 0 and 4 still form a majority of the new group and answer it.',
  tryItCheck: {
    actions: [
      { at: 4000, type: 'crash', replica: 3 },
      { at: 4000, type: 'request', client: 1, op: 'put y 1' },
    ],
    at: 9000,
    expect: [{ clientCompleted: 'c1', atLeast: 2 }, { replica: 4, status: 'normal' }, { noViolation: true }],
  },
};
