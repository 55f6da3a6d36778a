import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakRetireAtOnceTour: Tour = {
  id: 'break-retire-at-once',
  title: 'Break a rule: shut down before the new group has the state',
  summary:
    "Replicas leaving the group shut down only after f'+1 members of the new group say they hold the state. Switch that off and the state can vanish with them.",
  mutation: 'retire-at-once',
  caughtBy: 'retire-after-handover',
  scenario: tourScenario('challenge: shut down at once', {
    replicas: 3,
    slots: 5,
    clients: 1,
    until: 10_000,
    mutation: 'retire-at-once',
    actions: [
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 100, type: 'reconfigure', client: 0, replicas: [2, 3, 4] },
      { at: 300, type: 'crash', replica: 2 },
      { at: 1500, type: 'restart', replica: 2 },
    ],
  }),
  steps: [
    {
      at: 125,
      title: 'The group moves from 0 1 2 to 2 3 4',
      text: 'The reconfiguration is op 2. Replica 2 acknowledged it; primary 0 is about to commit it, and replicas 0 and 1 are leaving.',
      section: '§7',
      highlight: [{ kind: 'replica', replica: 0 }],
      expect: [{ replica: 0, opNumber: 2, commit: 1 }, { noViolation: true }],
    },
    {
      at: 130,
      title: 'Caught: retire-after-handover',
      text: 'With the rule switched off, replica 0 shuts down the moment it executes the reconfiguration, while no member of the new group holds the state yet. The checker reports retire-after-handover.',
      section: '§7',
      highlight: [{ kind: 'replica', replica: 0 }],
      expect: [{ replica: 0, status: 'retired' }, { violation: 'retire-after-handover' }],
    },
    {
      at: 130,
      mutation: 'none',
      title: 'With the rule: leaving, still serving the state',
      text: 'With the rule, replica 0 is leaving: it tells replicas 3 and 4 to start epoch 1 and answers their state requests.',
      section: '§7',
      highlight: [{ kind: 'message', type: 'start_epoch', from: 0 }],
      expect: [
        { replica: 0, status: 'leaving' },
        { inFlight: 'start_epoch', from: 0 },
        { noViolation: true },
      ],
    },
    {
      at: 170,
      mutation: 'none',
      title: 'Two members confirmed: now it may go',
      text: "Replicas 3 and 4 fetched the state and sent epoch_started: f'+1 = 2 members hold it, and replica 0 shuts down. Replica 2 may crash now: the state survives.",
      section: '§7',
      highlight: [
        { kind: 'replica', replica: 3 },
        { kind: 'replica', replica: 4 },
      ],
      expect: [
        { replica: 0, status: 'retired' },
        { replica: 3, status: 'normal', commit: 2 },
        { replica: 4, status: 'normal', commit: 2 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Send put y 1 from c0 after replica 2 crashed: replicas 3 and 4 elect a primary in epoch 1 and answer it.',
  tryItCheck: {
    actions: [{ at: 400, type: 'request', client: 0, op: 'put y 1' }],
    at: 5000,
    expect: [{ clientCompleted: 'c0', atLeast: 3 }, { replica: 3, status: 'normal' }, { noViolation: true }],
  },
};
