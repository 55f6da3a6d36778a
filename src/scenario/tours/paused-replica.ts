import { tourScenario } from './build.ts';
import type { Tour } from './types.ts';

export const pausedReplicaTour: Tour = {
  id: 'paused-replica',
  title: 'A replica wakes from a pause',
  summary:
    'A backup freezes for three seconds, as in a long garbage-collection pause, and wakes up convinced its primary is gone. See why asking the others first keeps it from deposing a primary that was fine all along.',
  scenario: tourScenario('tour: a replica wakes from a pause', {
    replicas: 3,
    clients: 1,
    until: 5000,
    actions: [
      { at: 100, type: 'request', client: 0, op: 'put x 1' },
      { at: 400, type: 'pause', replica: 1 },
      { at: 600, type: 'request', client: 0, op: 'put x 2' },
      { at: 3400, type: 'resume', replica: 1 },
    ],
  }),
  steps: [
    {
      at: 405,
      title: 'Replica 1 freezes',
      text: 'Put x 1 has committed on all three replicas. Then replica 1 is paused, as by a long garbage-collection pause (the runtime halting the program to free memory) or a stopped virtual machine: it keeps all its state but runs nothing, so messages to it wait unread and its timers fall due unseen.',
      section: '§4.2',
      highlight: [{ kind: 'replica', replica: 1 }],
      expect: [
        { replica: 1, paused: true, status: 'normal', view: 0, opNumber: 1, commit: 1 },
        { replica: 0, status: 'normal', view: 0, isPrimary: true, commit: 1 },
        { replica: 2, paused: false, commit: 1 },
      ],
    },
    {
      at: 645,
      title: 'Life goes on without it',
      text: "Client c0 sends put x 2. With three replicas f = 1, so replica 2's PrepareOk is enough: op 2 commits and c0 has its reply while replica 1 sleeps. The Prepare meant for replica 1 waits for it, and so will every Commit heartbeat that follows.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 0, op: 2 },
        { kind: 'counter', replica: 1, counter: 'op' },
        { kind: 'message', type: 'prepare', from: 0, to: 1 },
      ],
      expect: [
        { replica: 0, opNumber: 2, commit: 2 },
        { replica: 2, logOp: 2, op: 'put x 2' },
        { clientCompleted: 'c0', exactly: 2 },
        { replica: 1, paused: true, opNumber: 1, queuedAtLeast: 1 },
        { inFlight: 'prepare', from: 0, to: 1, opNumber: 2 },
      ],
    },
    {
      at: 3395,
      title: 'Three seconds of silence',
      text: 'Replica 1 has been paused for three seconds. Its view-change timer fell due long ago, and dozens of Prepares and Commits from replica 0 wait for it: the primary is fine, but replica 1 cannot know that until it reads them.',
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 1 },
        { kind: 'message', type: 'commit', from: 0, to: 1 },
      ],
      expect: [
        { replica: 1, paused: true, overdue: 'viewChange', queuedAtLeast: 24, opNumber: 1 },
        { inFlight: 'commit', from: 0, to: 1, atLeast: 10 },
        { inFlight: 'prepare', from: 0, to: 1, atLeast: 10 },
        { replica: 0, status: 'normal', view: 0, isPrimary: true },
      ],
    },
    {
      at: 3400,
      title: 'It wakes, and asks',
      text: 'Replica 1 resumes, and its overdue timer fires first, before it reads anything: it has heard nothing from replica 0 for 3090 ms, so it sends pre_view_change to ask whether the others lost the primary too. Only then, in the same millisecond, does it read what waited for it: the Prepares and Commits of a primary alive and well, so it takes op 2 and stops asking.',
      section: '§4.2',
      highlight: [
        { kind: 'message', type: 'pre_view_change', from: 1 },
        { kind: 'log-cell', replica: 1, op: 2 },
      ],
      expect: [
        { note: 'view-change-probed', by: 1, caption: 'no word from primary 0 for 3090 ms', since: 3400 },
        { inFlight: 'pre_view_change', from: 1, to: 0, view: 0 },
        { inFlight: 'pre_view_change', from: 1, to: 2, view: 0 },
        { replica: 1, paused: false, status: 'normal', view: 0, opNumber: 2, commit: 2 },
        { replica: 1, asking: false },
      ],
    },
    {
      at: 3410,
      title: 'Both decline',
      text: 'Replica 0 declines because it is the primary of view 0, and alive; replica 2 declines because it heard replica 0 a moment ago. Nobody answers pre_view_change_ok, so replica 1 never starts a view change.',
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 0 },
        { kind: 'replica', replica: 2 },
      ],
      expect: [
        { note: 'ignored', by: 0, caption: 'we are the primary of view 0, and alive', on: 'pre_view_change' },
        { note: 'ignored', by: 2, caption: 'primary 0 was heard 0 ms ago', on: 'pre_view_change' },
        { inFlight: 'pre_view_change_ok', count: 0 },
        { inFlight: 'start_view_change', count: 0 },
      ],
    },
    {
      at: 3600,
      title: 'The primary was never deposed',
      text: "Under the paper's rule (§4.2) replica 1 would have moved to view 1 the moment its timer fired, and its StartViewChange would have pulled the others along, deposing a healthy primary over a pause that was replica 1's alone. Asking first, what Raft calls PreVote, costs one round trip when the primary really is gone, and here it keeps replica 0 in charge: all three are in view 0 and hold both ops.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 0, counter: 'view' },
        { kind: 'counter', replica: 1, counter: 'commit' },
      ],
      expect: [
        { replica: 0, status: 'normal', view: 0, isPrimary: true, commit: 2 },
        { replica: 1, status: 'normal', view: 0, opNumber: 2, commit: 2, key: 'x', value: '2' },
        { replica: 2, status: 'normal', view: 0, opNumber: 2 },
        { note: 'view-change-started', by: 1, count: 0 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    "Now fire replica 1's view-change timer by hand: that action skips the asking, just as §4.2's rule does. Replicas 0 and 2 follow its StartViewChange into view 1, and the healthy replica 0 is deposed for nothing.",
  tryItCheck: {
    actions: [{ at: 3600, type: 'timeout', replica: 1 }],
    at: 4200,
    expect: [
      { replica: 1, status: 'normal', view: 1, isPrimary: true, commit: 2 },
      { replica: 0, status: 'normal', view: 1, isPrimary: false },
      { replica: 2, status: 'normal', view: 1 },
      { noViolation: true },
    ],
  },
};
