import { describe, expect, it } from 'vitest';
import { mutations } from '../../protocol/index.ts';
import { checkScenario } from '../../sim/verdict.ts';
import { Run } from '../../sim/run.ts';
import type { World } from '../../sim/world.ts';
import { parseScenario } from '../schema.ts';
import { checkExpectation, checkHighlight, describeExpectation } from './check.ts';
import {
  isChallenge,
  stepScenario,
  tourById,
  tours,
  type Expectation,
  type Tour,
  type TourStep,
} from './index.ts';
import { fullRun, proseProblems, sentenceCount, stepProblems, tryItProblems } from './verify.ts';

const challenges = tours.filter(isChallenge);
const protocolTours = tours.filter((tour) => !isChallenge(tour));

describe('the tour catalogue', () => {
  it('has unique, URL-safe ids, each found by tourById', () => {
    const ids = tours.map((tour) => tour.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const tour of tours) {
      expect(tour.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(tourById(tour.id)).toBe(tour);
    }
    expect(tourById('no-such-tour')).toBeUndefined();
  });

  it('has at least eight protocol tours and one challenge per mutation the protocol tours do not show', () => {
    expect(protocolTours.length).toBeGreaterThanOrEqual(8);
    const shown = new Set(tours.map((tour) => tour.mutation).filter((m) => m !== undefined));
    for (const mutation of mutations.filter((m) => m !== 'none')) expect(shown).toContain(mutation);
    const challenged = challenges.map((tour) => tour.mutation);
    expect(new Set(challenged).size).toBe(challenged.length);
    for (const mutation of mutations.filter((m) => m !== 'none' && m !== 'longest-log-wins'))
      expect(challenged).toContain(mutation);
  });
});

describe.each(tours.map((tour) => [tour.id, tour] as const))('tour %s', (_id, tour: Tour) => {
  it('has a scenario that round-trips through parseScenario', () => {
    expect(parseScenario(JSON.parse(JSON.stringify(tour.scenario)))).toEqual(tour.scenario);
    for (const step of tour.steps) {
      const scenario = stepScenario(tour, step);
      expect(parseScenario(JSON.parse(JSON.stringify(scenario)))).toEqual(scenario);
    }
  });

  it('shows steps of the same variant on the very same scenario (one run, not one per step)', () => {
    const variant = (step: TourStep) =>
      `${step.mutation ?? tour.scenario.mutation} ${step.recovery ?? tour.scenario.recovery}`;
    for (const a of tour.steps)
      for (const b of tour.steps)
        if (variant(a) === variant(b)) expect(stepScenario(tour, a)).toBe(stepScenario(tour, b));
        else expect(stepScenario(tour, a)).not.toBe(stepScenario(tour, b));
    for (const step of tour.steps) {
      const scenario = stepScenario(tour, step);
      expect({ ...scenario, mutation: tour.scenario.mutation, recovery: tour.scenario.recovery }).toEqual(
        tour.scenario,
      );
    }
  });

  // 12 s: the recovery hole's stalled view change, with crash vectors, completes at 11.3 s.
  it('keeps its run short', () => {
    expect(tour.scenario.until).toBeLessThanOrEqual(12_000);
  });

  it('is told in short, well-formed prose', () => {
    expect(proseProblems(tour)).toEqual([]);
  });

  it('pauses inside its run, in time order, where every expectation holds and every highlight is on screen', () => {
    expect(stepProblems(tour)).toEqual([]);
  });

  it('makes a "try it" suggestion that does what it says', () => {
    expect(tour.tryItCheck).toBeDefined();
    expect(tryItProblems(tour)).toEqual([]);
  });

  it('shows each mutation it names on a step that watches a checker object', () => {
    for (const step of tour.steps) {
      const scenario = stepScenario(tour, step);
      if (scenario.mutation === 'none') continue;
      expect(scenario.mutation).toBe(tour.mutation);
    }
    if (tour.mutation === undefined) return;
    const caught = tour.steps.filter(
      (step) =>
        stepScenario(tour, step).mutation === tour.mutation && step.expect.some((e) => 'violation' in e),
    );
    expect(caught.length).toBeGreaterThan(0);
  });

  it("shows the paper's recovery, when a step switches to it, on a step that watches a checker object", () => {
    const paperSteps = tour.steps.filter(
      (step) => step.recovery !== undefined && step.recovery !== tour.scenario.recovery,
    );
    if (paperSteps.length === 0) return;
    expect(paperSteps.some((step) => step.expect.some((e) => 'violation' in e))).toBe(true);
  });
});

describe.each(protocolTours.map((tour) => [tour.id, tour] as const))(
  'protocol tour %s',
  (_id, tour: Tour) => {
    it('runs the correct protocol, and no checker objects to its whole run', () => {
      expect(tour.scenario.mutation).toBe('none');
      const verdict = checkScenario(tour.scenario);
      expect(verdict.violations).toEqual([]);
      expect(verdict.ok).toBe(true);
    });
  },
);

describe.each(challenges.map((tour) => [tour.id, tour] as const))('challenge %s', (_id, tour: Tour) => {
  it('runs with its mutation, and the checker it names is the first to object', () => {
    expect(tour.mutation).toBeDefined();
    expect(tour.scenario.mutation).toBe(tour.mutation);
    const run = fullRun(tour.scenario);
    expect(run.head.violations[0]?.checker).toBe(tour.caughtBy);
    const last = tour.steps.filter((step) => stepScenario(tour, step).mutation === tour.mutation).at(-1)!;
    expect(last.expect).toContainEqual({ violation: tour.caughtBy });
  });

  it('survives with the correct protocol: no violation, convergence and a linearizable history', () => {
    const verdict = checkScenario({ ...tour.scenario, mutation: 'none' });
    expect(verdict.violations).toEqual([]);
    expect(verdict.liveness.applicable).toBe(true);
    expect(verdict.linearizable).toBe(true);
    expect(verdict.ok).toBe(true);
  });

  it('ends on the correct protocol, where the tour says the rule keeps things safe', () => {
    const last = tour.steps[tour.steps.length - 1];
    expect(stepScenario(tour, last).mutation).toBe('none');
    expect(last.expect).toContainEqual({ noViolation: true });
  });
});

/** The world at `time` of a tour's scenario with no checker at all: what would happen if nobody stopped it. */
function unchecked(tour: Tour, time: number): World {
  const run = new Run(tour.scenario, { checkers: [] });
  run.extendTo(time);
  return run.worldAtTime(time);
}

function holds(world: World, facts: readonly Expectation[]): string[] {
  return facts.map((fact) => checkExpectation(world, fact)).filter((problem) => problem !== null);
}

describe('what the challenges say would follow', () => {
  it('ack-with-gap: counting the bogus PrepareOk, the primary commits op 2 with one real copy', () => {
    const world = unchecked(tourById('break-ack-with-gap')!, 125);
    expect(
      holds(world, [
        { replica: 0, commit: 2 },
        { replica: 1, opNumber: 0 },
        { replica: 2, opNumber: 1 },
      ]),
    ).toEqual([]);
  });

  it('prepare-during-view-change: replica 0 commits put x 1 in view 0 while view 1 lacks it', () => {
    const world = unchecked(tourById('break-prepare-during-view-change')!, 200);
    expect(
      holds(world, [
        { replica: 0, view: 0, commitAtLeast: 1, logOp: 1, op: 'put x 1' },
        { replica: 1, status: 'normal', view: 1, isPrimary: true, opNumber: 0 },
      ]),
    ).toEqual([]);
  });

  it('truncate-before-new-state: if the primary then crashes, the next view loses put x 1', () => {
    const tour = tourById('break-truncate-before-new-state')!;
    const run = new Run(
      { ...tour.scenario, actions: [...tour.scenario.actions, { at: 235, type: 'crash', replica: 1 }] },
      { checkers: [] },
    );
    run.extendTo(800);
    expect(
      holds(run.worldAtTime(800), [
        { replica: 2, status: 'normal', view: 2, isPrimary: true, opNumber: 0 },
        { replica: 0, commit: 1, logOp: 1, op: 'put x 1' },
      ]),
    ).toEqual([]);
  });
});

describe('the recovery hole (DISC 2017)', () => {
  const tour = tourById('recovery-hole')!;
  const paper = tour.steps.filter((step) => stepScenario(tour, step).recovery === 'paper');
  const replay = tour.steps.filter((step) => stepScenario(tour, step).recovery === 'crash-vectors');

  it("tells the story on the paper's recovery first, then replays the same actions with crash vectors", () => {
    expect(paper.length).toBeGreaterThan(0);
    expect(replay.length).toBeGreaterThan(0);
    expect(tour.steps.slice(0, paper.length)).toEqual(paper);
    expect(tour.scenario.recovery).toBe('crash-vectors');
    expect(stepScenario(tour, paper[0]).actions).toBe(tour.scenario.actions);
  });

  it('loses the write on the paper run with never more than one replica down, and keeps it with crash vectors', () => {
    const lossy = fullRun(stepScenario(tour, paper[0]));
    expect(lossy.head.violations[0]?.checker).toBe('no-lost-commit');
    expect(lossy.head.statelessMax).toBe(1);
    const kept = fullRun(tour.scenario);
    expect(kept.head.violations).toEqual([]);
    expect(kept.head.statelessMax).toBe(1);
  });

  it('keeps each variant in time order on its own run, and objects when one goes back', () => {
    expect(stepProblems(tour)).toEqual([]);
    const [first, second] = paper;
    const broken: Tour = { ...tour, steps: [second, first, ...replay] };
    expect(stepProblems(broken).join('\n')).toMatch(/step 2 .*paper.*goes back in time from 175 ms/);
  });
});

describe('the verifier', () => {
  const tour = tourById('view-change')!;

  it('objects to a false fact, a step back in time, a pause past the end and a missing highlight', () => {
    const [first, second] = tour.steps;
    const broken: Tour = {
      ...tour,
      steps: [
        { ...second, expect: [...second.expect, { replica: 1, status: 'view-change' }] },
        { ...first, highlight: [{ kind: 'message', type: 'do_view_change' }] },
        { ...first, at: tour.scenario.until + 1 },
      ],
    };
    const problems = stepProblems(broken).join('\n');
    expect(problems).toMatch(/step 1 .*replica 1 is normal, not view-change/);
    expect(problems).toMatch(/step 2 .*goes back in time/);
    expect(problems).toMatch(/step 2 .*highlight message: no do_view_change in flight/);
    expect(problems).toMatch(/step 3 .*pauses after the run ends/);
  });

  it('objects to long or unfinished prose and unknown replicas', () => {
    const broken: Tour = {
      ...tour,
      id: 'Not a slug',
      steps: [
        { ...tour.steps[0], text: 'One. Two. Three. Four.', section: '4.2' },
        { ...tour.steps[1], text: 'Replica 5 fails' },
      ],
    };
    const problems = proseProblems(broken).join('\n');
    expect(problems).toMatch(/not a URL-safe slug/);
    expect(problems).toMatch(/step 1 .*4 sentences/);
    expect(problems).toMatch(/step 1 .*section '4.2'/);
    expect(problems).toMatch(/step 2 .*does not end a sentence/);
    expect(problems).toMatch(/step 2 .*names replica 5 of a 3-replica cluster/);
  });

  it('objects to a "try it" check that does not come true', () => {
    const broken: Tour = { ...tour, tryItCheck: { ...tour.tryItCheck!, actions: [] } };
    expect(tryItProblems(broken).join('\n')).toMatch(/tryIt at 2000 ms: replica 0 is crashed/);
  });
});

describe('checkExpectation', () => {
  const tour = tourById('normal-operation')!;
  const run = fullRun(tour.scenario);
  const world = run.worldAtTime(135);

  it('says what is on screen instead when a fact does not hold', () => {
    const wrong: [Expectation, RegExp][] = [
      [{ replica: 0, commit: 2 }, /commit-number is 1, not 2/],
      [{ replica: 1, status: 'view-change' }, /is normal, not view-change/],
      [{ replica: 0, isPrimary: false }, /is the primary of view 0/],
      [{ replica: 0, crashed: true }, /is running/],
      [{ replica: 7, view: 0 }, /no replica 7/],
      [{ replica: 0, logOp: 2 }, /holds ops 1..1, not op 2/],
      [{ replica: 0, logOp: 1, op: 'put x 2' }, /is 'put x 1', not 'put x 2'/],
      [{ replica: 0, key: 'x', value: '2' }, /x = '1', not '2'/],
      [{ replica: 0, clientTable: { client: 'c0', request: 2 } }, /request #1 for c0, not #2/],
      [{ replica: 1, startViewChanges: 1 }, /counts 0 start_view_change/],
      [{ inFlight: 'start_view', to: 1 }, /no start_view to replica 1 in flight/],
      [{ inFlight: 'reply', count: 0 }, /1 reply to client c0|1 reply in flight/],
      [{ violation: 'agreement' }, /no checker has objected/],
      [{ clientCompleted: 'c0' }, /has 0 replies, not 1/],
      [{ clientPending: 'c0', request: 2 }, /waits for request #1, not #2/],
    ];
    for (const [expectation, message] of wrong) {
      const problem = checkExpectation(world, expectation);
      expect(problem, describeExpectation(expectation)).toMatch(message);
    }
  });

  it('accepts facts that hold', () => {
    const right: Expectation[] = [
      { replica: 0, commit: 1, isPrimary: true, view: 0, status: 'normal', lastNormalView: 0 },
      { replica: 0, logOp: 1, op: 'put x 1', key: 'x', value: '1', commitAtLeast: 1 },
      { replica: 0, clientTable: { client: 'c0', request: 1, result: 'ok' } },
      { inFlight: 'reply', from: 0, to: 'c0', view: 0, caption: "reply #1 = 'ok'" },
      { inFlight: 'prepare', count: 0 },
      { noViolation: true },
      { clientPending: 'c0', request: 1 },
      { clientCompleted: 'c0', exactly: 0 },
    ];
    for (const expectation of right) expect(checkExpectation(world, expectation)).toBeNull();
    for (const expectation of right) expect(describeExpectation(expectation)).not.toBe('');
  });

  it('checks highlights against the screen', () => {
    expect(checkHighlight(world, { kind: 'message', type: 'reply', from: 0, to: 'c0' })).toBeNull();
    expect(checkHighlight(world, { kind: 'message', type: 'prepare' })).toMatch(/no prepare in flight/);
    expect(checkHighlight(world, { kind: 'log-cell', replica: 1, op: 2 })).toMatch(/holds ops 1..1/);
    expect(checkHighlight(world, { kind: 'replica', replica: 3 })).toMatch(/no replica 3/);
    expect(checkHighlight(world, { kind: 'counter', replica: 2, counter: 'quorum' })).toBeNull();
  });
});

describe('checkExpectation on pauses, questions before a view change and crash vectors', () => {
  const at = (id: string, time: number, index = 0): World => {
    const tour = tourById(id)!;
    return fullRun(stepScenario(tour, tour.steps[index])).worldAtTime(time);
  };
  const asking = at('view-change', 885);
  const learning = at('recovery', 205);
  const learned = at('recovery', 225);
  const paused = at('paused-replica', 3395);
  const declined = at('paused-replica', 3410);

  it('says what is on screen instead when a fact does not hold', () => {
    const wrong: [World, Expectation, RegExp][] = [
      [asking, { replica: 1, asking: false }, /replica 1 is asking the others with pre_view_change/],
      [asking, { replica: 2, asking: true }, /replica 2 is not asking/],
      [asking, { replica: 1, preViewChangeOks: 1 }, /holds 0 pre_view_change_ok, not 1/],
      [asking, { note: 'view-change-started', by: 1 }, /no view-change-started line by replica 1/],
      [asking, { note: 'view-change-probed', by: 1, count: 0 }, /1 view-change-probed line .*expected 0/],
      [
        asking,
        { note: 'view-change-probed', by: 1, since: 900 },
        /no view-change-probed line .*since 900 ms/,
      ],
      [learning, { replica: 2, incarnation: 1 }, /replica 2 is incarnation 0, not 1/],
      [learning, { replica: 2, recoveryPhase: 'state' }, /recovery phase crash-vector, not state/],
      [learning, { replica: 0, recoveryPhase: 'state' }, /replica 0 is normal, not recovering/],
      [learning, { replica: 2, nonce: 'ffff' }, /nonce is 857d3ab9, not ffff/],
      [learning, { replica: 2, crashVectorResponses: 2 }, /holds 0 crash_vector_response, not 2/],
      [learned, { replica: 2, crashVector: [0, 0, 0] }, /crash vector is 0·0·1, not 0·0·0/],
      [paused, { replica: 1, paused: false }, /replica 1 is paused/],
      [paused, { replica: 2, paused: true }, /replica 2 is not paused/],
      [paused, { replica: 1, queuedAtLeast: 1000 }, /messages wait for replica 1, not at least 1000/],
      [paused, { replica: 0, overdue: 'heartbeat' }, /heartbeat timer is not overdue/],
      [declined, { note: 'ignored', by: 2, caption: 'we are the primary' }, /no ignored line saying/],
      [declined, { note: 'ignored', by: 0, on: 'prepare', caption: 'alive' }, /on a prepare/],
    ];
    for (const [world, expectation, message] of wrong) {
      const problem = checkExpectation(world, expectation);
      expect(problem, describeExpectation(expectation)).toMatch(message);
    }
  });

  it('accepts facts that hold', () => {
    const right: [World, Expectation][] = [
      [asking, { replica: 1, asking: true, preViewChangeOks: 0, paused: false, incarnation: 0 }],
      [asking, { note: 'view-change-probed', by: 1, caption: 'no word from primary 0', since: 880 }],
      [learning, { replica: 2, recoveryPhase: 'crash-vector', nonce: '857d3ab9', crashVectorResponses: 0 }],
      [learned, { replica: 2, recoveryPhase: 'state', incarnation: 1, crashVector: [0, 0, 1] }],
      [paused, { replica: 1, paused: true, queuedAtLeast: 24, overdue: 'viewChange' }],
      [declined, { note: 'ignored', by: 0, on: 'pre_view_change', caption: 'and alive', count: 1 }],
      [declined, { note: 'view-change-started', by: 1, count: 0 }],
    ];
    for (const [world, expectation] of right) {
      expect(checkExpectation(world, expectation), describeExpectation(expectation)).toBeNull();
      expect(describeExpectation(expectation)).not.toBe('');
    }
  });

  it('catches a false new fact in a tour step', () => {
    const tour = tourById('paused-replica')!;
    const step = tour.steps[3];
    const broken: Tour = {
      ...tour,
      steps: [{ ...step, expect: [...step.expect, { note: 'view-change-started', by: 1 }] }],
    };
    expect(stepProblems(broken).join('\n')).toMatch(/step 1 .*no view-change-started line by replica 1/);
  });
});

describe('sentenceCount', () => {
  it('counts sentences, with quotes and numbers inside them', () => {
    expect(sentenceCount('One.')).toBe(1);
    expect(sentenceCount('It says "I hold 1..n". Then f + 1 = 2 replies! Really?')).toBe(3);
    expect(sentenceCount("x is now 'a;a;'. The checker objects.")).toBe(2);
    expect(sentenceCount('no full stop')).toBe(0);
  });
});
