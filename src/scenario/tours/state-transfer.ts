import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const stateTransferTour: Tour = {
  id: 'state-transfer',
  title: 'A lagging replica catches up by state transfer',
  summary:
    'Replica 2 is cut off while the others change view and commit two ops. When it hears from view 1, it fetches what it missed with GetState and NewState, keeping its old log until the answer arrives.',
  scenario: tourScenario('tour: state transfer', {
    replicas: 3,
    clients: 1,
    until: 3000,
    // A long view-change timeout: the cut-off replica waits instead of starting view changes of its own.
    timing: { viewChangeTimeoutMs: 2000 },
    actions: [
      { at: 100, type: 'request', client: 0, op: 'put x 1' },
      { at: 350, type: 'partition', groups: [[0, 1, 'c0'], [2]] },
      { at: 360, type: 'timeout', replica: 1 },
      { at: 400, type: 'request', client: 0, op: 'put y 2' },
      { at: 400, type: 'request', client: 0, op: 'put z 3' },
      { at: 1200, type: 'heal' },
    ],
  }),
  steps: [
    {
      at: 355,
      title: 'Replica 2 is cut off',
      text: 'Every replica holds op 1, put x 1, and has executed it. Then the network cuts replica 2 off from everyone.',
      section: '§5.2',
      highlight: [
        { kind: 'replica', replica: 2 },
        { kind: 'log-cell', replica: 2, op: 1 },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 0, opNumber: 1, commit: 1 },
        { replica: 1, status: 'normal', view: 0, opNumber: 1, commit: 1 },
      ],
    },
    {
      at: 1185,
      title: 'The others move on',
      text: 'Meanwhile replicas 0 and 1 changed to view 1, with replica 1 as primary, and committed ops 2 and 3. Replica 2 saw none of it: this scenario uses a long view-change timeout, so it is still a normal backup of view 0 with one op.',
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'commit' },
        { kind: 'counter', replica: 2, counter: 'view' },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 3, commit: 3 },
        { replica: 2, status: 'normal', view: 0, opNumber: 1, commit: 1 },
        { clientCompleted: 'c0', exactly: 3 },
      ],
    },
    {
      at: 1295,
      title: 'News from a later view',
      text: 'The partition healed, and a Commit of view 1 tells replica 2 that it is behind. It asks the primary of view 1 for everything after its commit-number 1, but keeps its log and view 0 until the answer arrives.',
      section: '§5.2',
      highlight: [
        { kind: 'message', type: 'get_state', from: 2, to: 1 },
        { kind: 'counter', replica: 2, counter: 'view' },
      ],
      expect: [
        { inFlight: 'get_state', from: 2, to: 1, view: 1, opNumber: 1 },
        { replica: 2, status: 'normal', view: 0, opNumber: 1, commit: 1 },
      ],
    },
    {
      at: 1305,
      title: 'NewState',
      text: 'Replica 1 answers with NewState: the log entries after op 1, its commit-number 3, and only the part of the state that changed after op 1, keys y and z, rather than the whole store.',
      section: '§5.2',
      highlight: [{ kind: 'message', type: 'new_state', from: 1, to: 2 }],
      expect: [
        {
          inFlight: 'new_state',
          from: 1,
          to: 2,
          view: 1,
          opNumber: 3,
          caption: 'ops 2..3, commit 3, delta of 2 items',
        },
      ],
    },
    {
      at: 1315,
      title: 'Installed at once',
      text: 'Replica 2 installs the new log, the state and view 1 in one step and is a normal backup again. Its PrepareOk for op 3 tells the primary it holds everything up to op 3.',
      section: '§5.2',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 3 },
        { kind: 'counter', replica: 2, counter: 'commit' },
        { kind: 'message', type: 'prepare_ok', from: 2, to: 1 },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 1, opNumber: 3, commit: 3, key: 'z', value: '3' },
        { inFlight: 'prepare_ok', from: 2, to: 1, opNumber: 3 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Now cut replica 0 off and send another request from c0: replicas 1 and 2 commit it on their own, because the replica that just caught up is a full member of the quorum again.',
  tryItCheck: {
    actions: [
      { at: 1320, type: 'partition', groups: [[1, 2, 'c0'], [0]] },
      { at: 1320, type: 'request', client: 0, op: 'put w 4' },
    ],
    at: 1500,
    expect: [
      { clientCompleted: 'c0', exactly: 4 },
      { replica: 1, opNumber: 4, commit: 4 },
      { replica: 2, opNumber: 4, logOp: 4, op: 'put w 4' },
    ],
  },
};
