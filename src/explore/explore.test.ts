import { describe, expect, it } from 'vitest';
import type { BrokenMutation } from '../scenario/mutation-scenarios.ts';
import { mutationScenarios } from '../scenario/mutation-scenarios.ts';
import { isChallenge, tours } from '../scenario/tours/index.ts';
import { Run } from '../sim/run.ts';
import { explore, inProcessEndpoint, type ExploreResult } from './coordinator.ts';
import type { ExploreJob } from './state-space.ts';

function run(job: ExploreJob, workers = 1): Promise<ExploreResult> {
  return explore(
    job,
    Array.from({ length: workers }, () => inProcessEndpoint()),
  );
}

/**
 * For every mutation, a start state (the mutation's scenario, src/scenario/mutation-scenarios.ts,
 * explored from `at`) from which the explorer finds the violation, and the length of the shortest
 * counterexample. The same start state with the correct protocol is clean to the same depth.
 */
const mutationStarts: Record<
  BrokenMutation,
  { at: number; why: string; depth: number; length: number; checker: string }
> = {
  'commit-without-quorum': {
    at: 130,
    why: 'primary 0, cut off, has committed put x 1 alone and replied; the backups have not yet timed out',
    depth: 6,
    length: 6,
    checker: 'no-lost-commit',
  },
  'longest-log-wins': {
    at: 2500,
    why: 'view 1 committed put x b; replica 1 is now cut off, and replica 0 holds a longer log of view 0',
    depth: 6,
    length: 6,
    checker: 'no-lost-commit',
  },
  'start-view-without-quorum': {
    at: 150,
    why: 'put x 1 committed with replica 2; replica 1 cannot hear primary 0',
    depth: 4,
    length: 4,
    checker: 'no-lost-commit',
  },
  'recovery-without-primary': {
    at: 2131,
    why: "replica 3's recovery requests have reached replicas 0, 2 and 4, and their answers are in flight",
    depth: 3,
    length: 3,
    checker: 'recovery',
  },
  'truncate-before-new-state': {
    at: 150,
    why: "replica 1 leads view 1 and its StartView is lost; replica 2 still holds view 0's uncommitted op",
    depth: 2,
    length: 2,
    checker: 'enter-view-log',
  },
  'ignore-client-table': {
    at: 755,
    why: "c0's reply was lost, and its resent request is in flight to every replica",
    depth: 3,
    length: 3,
    checker: 'at-most-once',
  },
  'ack-with-gap': {
    at: 90,
    why: "the prepare of op 1 to replica 1 was lost; op 2's prepares are about to go out",
    depth: 3,
    length: 3,
    checker: 'prepare-ok-holds',
  },
  'prepare-during-view-change': {
    at: 150,
    why: "replica 2 is in view change to view 1; primary 0 has not heard of it and c0's requests arrive",
    depth: 2,
    length: 2,
    checker: 'normal-status',
  },
  'start-epoch-before-commit': {
    at: 106,
    why: "c0's reconfiguration to replicas 0 3 4 is in flight to primary 0, which the partition cut off from 1 and 2",
    depth: 1,
    length: 1,
    checker: 'epoch-state',
  },
  'retire-at-once': {
    at: 125,
    why: 'the PrepareOks that commit the reconfiguration to replicas 2 3 4 are in flight to primary 0',
    depth: 1,
    length: 1,
    checker: 'retire-after-handover',
  },
  'serve-before-transfer': {
    at: 135,
    why: 'the reconfiguration to replicas 3 4 0 committed; start_epoch is in flight to the newcomers',
    depth: 1,
    length: 1,
    checker: 'epoch-state',
  },
};

describe('explore: every mutation, from a documented start state', () => {
  for (const [mutation, start] of Object.entries(mutationStarts)) {
    const { scenario } = mutationScenarios[mutation as BrokenMutation];
    it(`${mutation}: from ${start.at} ms (${start.why}) a shortest counterexample of ${start.length} choices breaks ${start.checker}; the correct protocol is clean to that depth`, async () => {
      const job: ExploreJob = { scenario, at: start.at, depth: start.depth, crashes: 0 };
      const result = await run(job);
      expect(result.verdict).toBe('violation');
      const counterexample = result.counterexample!;
      expect(counterexample.length).toBe(start.length);
      expect(counterexample.violation.checker).toBe(start.checker);
      // The counterexample is an ordinary scenario: replayed, it breaks the same rule.
      const replay = new Run(counterexample.scenario);
      replay.extendTo(counterexample.scenario.until);
      expect(replay.head.violations[0]?.checker).toBe(start.checker);
      const correct = await run({ ...job, scenario: { ...scenario, mutation: 'none' } });
      expect(correct.verdict).toBe('ok');
      // The set network (every message stays available) finds it too, never later.
      const asSet = await run({ ...job, network: 'set' });
      expect(asSet.verdict).toBe('violation');
      expect(asSet.counterexample!.length).toBeLessThanOrEqual(start.length);
    }, 60_000);
  }
});

describe('explore: the correct protocol', () => {
  for (const tour of tours.filter((candidate) => !isChallenge(candidate))) {
    const at = tour.steps[0].at;
    it(`tour ${tour.id}: no violation within 3 choices and 1 crash from its first step (${at} ms)`, async () => {
      const result = await run({ scenario: tour.scenario, at, depth: 3, crashes: 1 });
      expect(result.verdict).toBe('ok');
      expect(result.counterexample).toBeNull();
      expect(result.states).toBeGreaterThan(100);
    }, 60_000);
  }

  it('the result does not depend on the number of workers', async () => {
    const { scenario } = mutationScenarios['start-view-without-quorum'];
    const job: ExploreJob = { scenario, at: 150, depth: 4, crashes: 1 };
    const one = await run(job, 1);
    const three = await run(job, 3);
    expect(three.states).toBe(one.states);
    expect(three.generated).toBe(one.generated);
    expect(three.counterexample!.path).toBe(one.counterexample!.path);
    const clean = { ...job, scenario: { ...scenario, mutation: 'none' as const }, depth: 3 };
    const cleanOne = await run(clean, 1);
    const cleanTwo = await run(clean, 2);
    expect([cleanTwo.verdict, cleanTwo.states]).toEqual([cleanOne.verdict, cleanOne.states]);
  }, 60_000);

  it('a violation before T is reported as a counterexample of length 0', async () => {
    const { scenario } = mutationScenarios['ack-with-gap'];
    const result = await run({ scenario, at: 2000, depth: 3, crashes: 0 });
    expect(result.counterexample?.length).toBe(0);
    expect(result.counterexample?.violation.checker).toBe('prepare-ok-holds');
  });
});
