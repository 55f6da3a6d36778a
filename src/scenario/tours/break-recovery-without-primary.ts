import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakRecoveryWithoutPrimaryTour: Tour = {
  id: 'break-recovery-without-primary',
  title: 'Break a rule: recover without the latest primary',
  summary:
    'A recovering replica must take its state from the primary of the latest view it hears of. Switch that rule off and it adopts the stale state of an old primary that never learned of the new view.',
  mutation: 'recovery-without-primary',
  caughtBy: 'recovery',
  scenario: tourScenario('challenge: recover without the latest primary', {
    replicas: 5,
    clients: 2,
    until: 10_000,
    mutation: 'recovery-without-primary',
    timing: { clientRetryMs: 300 },
    actions: [
      {
        at: 10,
        type: 'partition',
        groups: [
          [0, 'c0'],
          [1, 2, 3, 4, 'c1'],
        ],
      },
      { at: 50, type: 'request', client: 0, op: 'put x a' },
      { at: 550, type: 'request', client: 1, op: 'put x b' },
      { at: 900, type: 'crash', replica: 3 },
      {
        at: 950,
        type: 'partition',
        groups: [
          [0, 2, 3, 4, 'c0'],
          [1, 'c1'],
        ],
      },
      { at: 1000, type: 'restart', replica: 3 },
      { at: 2500, type: 'heal' },
    ],
  }),
  steps: [
    {
      at: 895,
      title: 'Two views at once',
      text: "Replica 0 has been cut off from the start and still believes it leads view 0, holding c0's put x a, uncommitted. The other four formed view 1 and committed c1's put x b as op 1.",
      section: '§4.2',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 1 },
        { kind: 'log-cell', replica: 1, op: 1 },
      ],
      expect: [
        { replica: 0, status: 'normal', view: 0, isPrimary: true, commit: 0, logOp: 1, op: 'put x a' },
        { replica: 1, status: 'normal', view: 1, isPrimary: true, commit: 1, logOp: 1, op: 'put x b' },
        { clientCompleted: 'c1', exactly: 1 },
      ],
    },
    {
      at: 1023,
      title: 'Replica 3 restarts',
      text: 'Replica 3 crashed and restarted with nothing, just as the network changed: now replica 1, primary of view 1, is the one cut off. Replica 3 learns its new incarnation from replicas 0, 2 and 4, then sends Recovery to all.',
      section: '§4.3',
      highlight: [
        { kind: 'replica', replica: 3 },
        { kind: 'message', type: 'recovery', from: 3 },
      ],
      expect: [
        { replica: 3, status: 'recovering', recoveryPhase: 'state', incarnation: 1, opNumber: 0 },
        { inFlight: 'recovery', from: 3, to: 0 },
        { inFlight: 'recovery', from: 3, to: 2 },
        { inFlight: 'recovery', from: 3, to: 1, lost: true },
      ],
    },
    {
      at: 1035,
      title: 'Three answers, one with a state',
      text: 'Replica 0 answers as the primary of view 0, with its log and state. Replicas 2 and 4 answer as backups of view 1, without a state, but they tell replica 3 that view 1 exists.',
      section: '§4.3',
      highlight: [{ kind: 'message', type: 'recovery_response', to: 3 }],
      expect: [
        { inFlight: 'recovery_response', from: 0, to: 3, view: 0, caption: 'with state' },
        { inFlight: 'recovery_response', from: 2, to: 3, view: 1 },
        { inFlight: 'recovery_response', from: 4, to: 3, view: 1 },
      ],
    },
    {
      at: 1040,
      title: 'Caught: recovery',
      text: 'With the rule switched off, replica 3 takes the only state it was offered, that of view 0, and now holds put x a where put x b was committed. The checker reports recovery: the latest view among the answers is 1, so only the primary of view 1 may supply the state.',
      section: '§4.3',
      highlight: [
        { kind: 'log-cell', replica: 3, op: 1 },
        { kind: 'counter', replica: 3, counter: 'view' },
      ],
      expect: [{ replica: 3, status: 'normal', view: 0, logOp: 1, op: 'put x a' }, { violation: 'recovery' }],
    },
    {
      at: 1040,
      mutation: 'none',
      title: 'With the rule: wait for the right primary',
      text: 'With the rule, replica 3 has its f + 1 = 3 answers but none from the primary of view 1, the latest view it heard of. So it stays recovering and resends Recovery, with the same nonce, until that primary, or the primary of a later view, answers.',
      section: '§4.3',
      highlight: [{ kind: 'counter', replica: 3, counter: 'quorum' }],
      expect: [
        { replica: 3, status: 'recovering', recoveryResponses: 3, opNumber: 0 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Heal the network now: replica 3's next Recovery also reaches replica 1, the primary of view 1, and replica 3 recovers with put x b as op 1.",
  tryItCheck: {
    actions: [{ at: 1045, type: 'heal' }],
    at: 1500,
    expect: [{ replica: 3, status: 'normal', view: 1, logOp: 1, op: 'put x b' }, { noViolation: true }],
  },
};
