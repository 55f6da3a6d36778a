import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const breakServeBeforeTransferTour: Tour = {
  id: 'break-serve-before-transfer',
  title: 'Break a rule: serve before fetching the state',
  summary:
    'A new member fetches the state up to the reconfiguration before it takes part. Switch that off and a newcomer leads the new epoch with an empty log.',
  mutation: 'serve-before-transfer',
  caughtBy: 'epoch-state',
  scenario: tourScenario('challenge: serve before the state transfer', {
    replicas: 3,
    slots: 5,
    clients: 2,
    until: 10_000,
    mutation: 'serve-before-transfer',
    actions: [
      { at: 50, type: 'request', client: 0, op: 'put x 1' },
      { at: 100, type: 'reconfigure', client: 0, replicas: [3, 4, 0] },
      { at: 400, type: 'request', client: 1, op: 'put x 2' },
    ],
  }),
  steps: [
    {
      at: 135,
      title: 'Start epoch 1',
      text: 'The reconfiguration to replicas 3 4 0 committed as op 2; primary 0 tells the newcomers 3 and 4 to start epoch 1, whose view 0 replica 3 leads.',
      section: '§7',
      highlight: [{ kind: 'message', type: 'start_epoch', from: 0 }],
      expect: [{ inFlight: 'start_epoch', from: 0, to: 3 }, { replica: 0, commit: 2 }, { noViolation: true }],
    },
    {
      at: 140,
      title: 'Caught: epoch-state',
      text: 'With the rule switched off, replica 3 starts serving at once with an empty log, without put x 1 or the reconfiguration itself. The checker reports epoch-state.',
      section: '§7',
      highlight: [{ kind: 'counter', replica: 3, counter: 'commit' }],
      expect: [{ replica: 3, status: 'normal', commit: 0 }, { violation: 'epoch-state' }],
    },
    {
      at: 140,
      mutation: 'none',
      title: 'With the rule: fetch first',
      text: 'With the rule, replica 3 stays a spare and asks replica 0 for the committed state after its commit-number.',
      section: '§7',
      highlight: [{ kind: 'message', type: 'get_state', from: 3 }],
      expect: [{ replica: 3, status: 'spare' }, { inFlight: 'get_state', from: 3 }, { noViolation: true }],
    },
    {
      at: 160,
      mutation: 'none',
      title: 'It holds the state: epoch 1 starts',
      text: 'The state arrives: replica 3 holds ops 1 and 2, enters epoch 1 as its primary, and tells the replicas leaving that it holds the state.',
      section: '§7',
      highlight: [{ kind: 'replica', replica: 3 }],
      expect: [{ replica: 3, status: 'normal', isPrimary: true, commit: 2 }, { noViolation: true }],
    },
  ],
  tryIt:
    'Watch c1: its put x 2 goes to replica 0, which tells it about epoch 1, and replica 3 executes it as op 3.',
  tryItCheck: {
    actions: [],
    at: 1000,
    expect: [
      { clientCompleted: 'c1' },
      { replica: 3, status: 'normal', logOp: 3, op: 'put x 2' },
      { noViolation: true },
    ],
  },
};
