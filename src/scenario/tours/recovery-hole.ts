import { recoveryFlawLostOp, recoveryFlawScenario } from '../recovery-flaw.ts';
import type { Tour } from './types.ts';

/**
 * The recovery-flaw scenario (five replicas, never more than one down at once), run long enough for
 * the stalled view change to complete under crash vectors. The tour tells it twice: its first steps
 * show it with the paper's recovery (`recovery: 'paper'` on each step), the rest replay the same
 * actions on this scenario, with crash vectors.
 */
const scenario = {
  ...recoveryFlawScenario('crash-vectors'),
  name: "tour: the paper's recovery has a hole",
  until: 12_000,
};

export const recoveryHoleTour: Tour = {
  id: 'recovery-hole',
  title: "The paper's recovery has a hole",
  summary:
    'Two crashes, never at the same time, and the recovery of §4.3 loses a write the client was told had succeeded. Watch how, then replay the same run with crash vectors and see the stale vote refused and the write kept.',
  scenario,
  steps: [
    {
      at: 105,
      recovery: 'paper',
      title: 'A slow StartViewChange',
      text: "Five replicas, so f = 2, and first the paper's recovery exactly as §4.3 has it. Replica 3's view-change timer is fired by hand: it moves to view 1, and of its StartViewChange messages only the one to replica 2 survives, crawling through a network that takes 3 s.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 3, counter: 'view' },
        { kind: 'message', type: 'start_view_change', from: 3, to: 2 },
      ],
      expect: [
        { replica: 3, status: 'view-change', view: 1 },
        { inFlight: 'start_view_change', from: 3, to: 2, view: 1 },
        { inFlight: 'start_view_change', from: 3, lost: true, count: 3 },
      ],
    },
    {
      at: 175,
      recovery: 'paper',
      title: 'Replica 3 crashes and forgets',
      text: 'Replica 3 crashes at 110 ms and restarts at 150 ms with nothing. It recovers from the others back into view 0, with no memory that it ever asked for view 1, but its old StartViewChange is still on its way to replica 2.',
      section: '§4.3',
      highlight: [
        { kind: 'replica', replica: 3 },
        { kind: 'message', type: 'start_view_change', from: 3, to: 2 },
      ],
      expect: [
        { note: 'recovered', by: 3, caption: 'recovered into view 0' },
        { replica: 3, status: 'normal', view: 0 },
        { inFlight: 'start_view_change', from: 3, to: 2, view: 1 },
      ],
    },
    {
      at: 3105,
      recovery: 'paper',
      title: 'A vote from a life that is over',
      text: "At 3.1 s the old StartViewChange reaches replica 2, which moves to view 1 and counts it as replica 3's vote. Replica 2's own StartViewChange leaves while the network is slow again, so it will reach replicas 1 and 4 only at 6.1 s.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'quorum' },
        { kind: 'message', type: 'start_view_change', from: 2 },
      ],
      expect: [
        { replica: 2, status: 'view-change', view: 1, startViewChanges: 1 },
        { inFlight: 'start_view_change', from: 2, to: 1, view: 1 },
        { inFlight: 'start_view_change', from: 2, to: 4, view: 1 },
      ],
    },
    {
      at: 3215,
      recovery: 'paper',
      title: 'Replica 2 sends its DoViewChange',
      text: "Replica 1, the primary of view 1 (1 mod 5), has its timer fired too, and its StartViewChange reaches replica 2. With f = 2 votes, replica 1's and the one from replica 3's past life, replica 2 sends replica 1 its DoViewChange: an empty log, last normal view 0.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'quorum' },
        { kind: 'message', type: 'do_view_change', from: 2, to: 1 },
      ],
      expect: [
        { replica: 2, status: 'view-change', view: 1, startViewChanges: 2 },
        { replica: 1, status: 'view-change', view: 1 },
        { inFlight: 'do_view_change', from: 2, to: 1, view: 1, caption: '0 ops, last normal view 0' },
      ],
    },
    {
      at: 3375,
      recovery: 'paper',
      title: 'Replica 2 crashes and recovers into view 0',
      text: 'Replica 2 crashes at 3.3 s, restarts, and recovers at once from replicas 0, 3 and 4, which are all still normal in view 0. Replica 1 keeps its DoViewChange for view 1: a promise made by a life that replica 2 no longer remembers.',
      section: '§4.3',
      highlight: [
        { kind: 'replica', replica: 2 },
        { kind: 'counter', replica: 1, counter: 'quorum' },
      ],
      expect: [
        { note: 'recovered', by: 2, caption: 'responses from 0, 3, 4' },
        { replica: 2, status: 'normal', view: 0, opNumber: 0 },
        { replica: 1, status: 'view-change', view: 1, doViewChanges: 1 },
      ],
    },
    {
      at: 3545,
      recovery: 'paper',
      title: 'put x 1 commits, and c0 is told ok',
      text: "Client c0's put x 1 becomes op 1 of view 0. Replicas 2 and 3 acknowledge it, so replica 0 commits it with a majority of three and replies; replica 4 never hears of it, since the link to it from replica 0 is cut.",
      section: '§4.1',
      highlight: [
        { kind: 'log-cell', replica: 2, op: 1 },
        { kind: 'log-cell', replica: 3, op: 1 },
        { kind: 'counter', replica: 0, counter: 'commit' },
      ],
      expect: [
        { replica: 0, commit: 1, logOp: 1, op: recoveryFlawLostOp },
        { replica: 2, logOp: 1, op: recoveryFlawLostOp },
        { replica: 3, logOp: 1, op: recoveryFlawLostOp },
        { replica: 4, opNumber: 0 },
        { clientCompleted: 'c0', exactly: 1 },
      ],
    },
    {
      at: 6215,
      recovery: 'paper',
      title: 'Old votes add up',
      text: "At 6.1 s replica 2's slow StartViewChange, sent before its crash, arrives: replica 4 joins view 1, and replica 1 counts it as a vote. Replica 1 now holds its own DoViewChange and replica 2's stale one, and replica 4's is on its way.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'quorum' },
        { kind: 'message', type: 'do_view_change', from: 4, to: 1 },
      ],
      expect: [
        { replica: 1, status: 'view-change', view: 1, startViewChanges: 2, doViewChanges: 2 },
        { replica: 4, status: 'view-change', view: 1, opNumber: 0 },
        { inFlight: 'do_view_change', from: 4, to: 1, view: 1, caption: '0 ops' },
      ],
    },
    {
      at: 6220,
      recovery: 'paper',
      title: 'View 1 starts without put x 1',
      text: 'With f + 1 = 3 DoViewChange messages, from replica 1, replica 4 and the old life of replica 2, replica 1 starts view 1. None of them holds put x 1, so view 1 begins with an empty log, and the checker reports no-lost-commit: a write the client was told had succeeded is gone.',
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 1 },
        { kind: 'counter', replica: 1, counter: 'op' },
      ],
      expect: [
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
        { replica: 0, commit: 1, logOp: 1, op: recoveryFlawLostOp },
        { violation: 'no-lost-commit' },
      ],
    },
    {
      at: 6220,
      recovery: 'paper',
      title: 'Two majorities that meet in two lives',
      text: 'The majority that committed put x 1 (replicas 0, 2 and 3) and the one that started view 1 (replicas 1, 2 and 4) share only replica 2, once after its crash and once before it. Michael, Ports, Sharma and Szekeres found this hole in "Recovering Shared Objects Without Stable Storage" (DISC 2017); their fix is the crash vector.',
      section: '§4.3',
      highlight: [
        { kind: 'replica', replica: 2 },
        { kind: 'log-cell', replica: 2, op: 1 },
      ],
      expect: [
        { replica: 2, status: 'normal', view: 0, logOp: 1, op: recoveryFlawLostOp },
        { note: 'recovered', by: 2, caption: 'responses from 0, 3, 4' },
        { violation: 'acknowledged-kept' },
      ],
    },
    {
      at: 185,
      title: 'Replay with crash vectors',
      text: "Now the same run with crash vectors, vsr-scope's default. Restarted replica 3 first asks f + 1 = 3 replicas for the crash vector, one incarnation counter per replica, and becomes incarnation 1; its Recovery carries the vector 0·0·0·1·0, and every replica learns that replica 3's earlier life is over.",
      section: '§4.3',
      highlight: [
        { kind: 'replica', replica: 3 },
        { kind: 'message', type: 'recovery_response', to: 3 },
      ],
      expect: [
        { note: 'incarnation-started', by: 3, caption: 'this is incarnation 1' },
        { replica: 3, status: 'recovering', recoveryPhase: 'state', incarnation: 1 },
        { replica: 0, crashVector: [0, 0, 0, 1, 0] },
        { replica: 1, crashVector: [0, 0, 0, 1, 0] },
        { replica: 2, crashVector: [0, 0, 0, 1, 0] },
        { replica: 4, crashVector: [0, 0, 0, 1, 0] },
      ],
    },
    {
      at: 3100,
      title: 'The stale StartViewChange is refused',
      text: "At 3.1 s the old StartViewChange reaches replica 2 again, but it carries replica 3's old incarnation, 0, while replica 2 knows of incarnation 1. Replica 2 refuses it and stays in view 0: a vote from a life that is over counts for nothing.",
      section: '§4.2',
      highlight: [
        { kind: 'replica', replica: 2 },
        { kind: 'counter', replica: 2, counter: 'view' },
      ],
      expect: [
        {
          note: 'ignored',
          by: 2,
          on: 'start_view_change',
          caption: 'from incarnation 0 of replica 3, which restarted since (now 1)',
        },
        { replica: 2, status: 'normal', view: 0, startViewChanges: 0 },
      ],
    },
    {
      at: 3385,
      title: 'Votes of a dead life are dropped',
      text: "Replica 2 still joins view 1 when replica 1's StartViewChange arrives, and still crashes. But when it restarts as incarnation 1, replicas 1 and 4 drop the StartViewChange its earlier life sent them, so that vote no longer counts toward view 1.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'quorum' },
        { kind: 'counter', replica: 4, counter: 'quorum' },
      ],
      expect: [
        { note: 'view-change-started', by: 2, caption: 'replica 1 moved to view 1', since: 3100 },
        {
          note: 'incarnation-seen',
          by: 1,
          caption: 'replica 2 restarted (incarnation 1): its old start_view_change no longer counts',
        },
        {
          note: 'incarnation-seen',
          by: 4,
          caption: 'replica 2 restarted (incarnation 1): its old start_view_change no longer counts',
        },
        { replica: 1, status: 'view-change', view: 1, startViewChanges: 1 },
        { replica: 4, status: 'view-change', view: 1, startViewChanges: 0 },
        { replica: 2, status: 'recovering', incarnation: 1, crashVector: [0, 0, 1, 1, 0] },
      ],
    },
    {
      at: 3545,
      title: 'No premature ok',
      text: 'This time replicas 1 and 4 are in view change and answer no Recovery, so replica 2 has answers from replicas 0 and 3 only, one short of f + 1 = 3, and stays recovering. When put x 1 arrives, only replica 3 acknowledges it: replica 0 cannot commit it, and c0 is not told ok.',
      section: '§4.3',
      highlight: [
        { kind: 'counter', replica: 2, counter: 'quorum' },
        { kind: 'counter', replica: 0, counter: 'commit' },
      ],
      expect: [
        { note: 'ignored', by: 1, caption: 'only normal replicas answer recovery', on: 'recovery' },
        { note: 'ignored', by: 4, caption: 'only normal replicas answer recovery', on: 'recovery' },
        { replica: 2, status: 'recovering', recoveryResponses: 2 },
        { replica: 0, opNumber: 1, commit: 0 },
        { replica: 3, logOp: 1, op: recoveryFlawLostOp },
        { clientPending: 'c0', request: 1 },
      ],
    },
    {
      at: 6225,
      title: 'View 1 waits for live votes',
      text: "At 6.2 s, where the paper's recovery started view 1 on stale votes, replica 1 holds only its own DoViewChange and keeps waiting. Put x 1 waits too, in the logs of replicas 0 and 3.",
      section: '§4.2',
      highlight: [
        { kind: 'counter', replica: 1, counter: 'quorum' },
        { kind: 'log-cell', replica: 3, op: 1 },
      ],
      expect: [
        { replica: 1, status: 'view-change', view: 1, doViewChanges: 1 },
        { replica: 0, logOp: 1, op: recoveryFlawLostOp },
        { replica: 3, logOp: 1, op: recoveryFlawLostOp },
        { noViolation: true },
      ],
    },
    {
      at: 11_255,
      title: 'The write is kept',
      text: 'At 11.2 s enough StartViewChange messages get through, and replica 1 starts view 1 from f + 1 DoViewChange messages of live incarnations, one of them the log of replica 3, holding put x 1. Replica 1 commits it, and c0 at last gets its ok: nothing acknowledged was lost.',
      section: '§4.2',
      highlight: [
        { kind: 'log-cell', replica: 1, op: 1 },
        { kind: 'message', type: 'reply', from: 1, to: 'c0' },
      ],
      expect: [
        { note: 'view-started', by: 1, caption: 'log of replica 3' },
        {
          replica: 1,
          status: 'normal',
          view: 1,
          isPrimary: true,
          commit: 1,
          logOp: 1,
          op: recoveryFlawLostOp,
        },
        { inFlight: 'reply', from: 1, to: 'c0', view: 1 },
        { noViolation: true },
      ],
    },
  ],
  tryIt:
    'Play on to the end: with a majority normal again, replica 2 can finally recover, into view 1 and as incarnation 1, and all five replicas hold put x 1.',
  tryItCheck: {
    actions: [],
    at: 12_000,
    expect: [
      { replica: 2, status: 'normal', view: 1, incarnation: 1, logOp: 1, op: recoveryFlawLostOp },
      { replica: 0, commit: 1, logOp: 1, op: recoveryFlawLostOp },
      { replica: 4, commit: 1, logOp: 1, op: recoveryFlawLostOp },
      { clientCompleted: 'c0', exactly: 1 },
      { noViolation: true },
    ],
  },
};
