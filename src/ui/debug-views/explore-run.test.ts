import { describe, expect, it } from 'vitest';
import { explore, inProcessEndpoint } from '../../explore/coordinator.ts';
import { exploreHereTour } from '../../scenario/tours/explore-here.ts';
import { stepScenario } from '../../scenario/tours/index.ts';
import { exploreWorkerCount, jobAt } from './explore-run.ts';

describe('explore from here', () => {
  it('starts from the state on screen: actions up to the cursor, control a millisecond later', () => {
    const [first] = exploreHereTour.steps;
    const job = jobAt(exploreHereTour.scenario, 150.7, 4, 0, 'exact');
    expect(job.at).toBe(151);
    expect(job.scenario.actions.map((action) => action.at)).toEqual([10, 50]);
    expect(stepScenario(exploreHereTour, first).mutation).toBe('start-view-without-quorum');
    expect(exploreWorkerCount(1)).toBe(1);
    expect(exploreWorkerCount(2)).toBe(1);
    expect(exploreWorkerCount(16)).toBe(4);
  });

  it('does what the tour "Could anything go wrong here?" says: 4 choices with the mutation, clean without', async () => {
    const [first] = exploreHereTour.steps;
    const broken = stepScenario(exploreHereTour, first);
    const found = await explore(jobAt(broken, first.at, 4, 0, 'exact'), [inProcessEndpoint()]);
    expect(found.counterexample?.length).toBe(4);
    expect(found.counterexample?.violation.checker).toBe('no-lost-commit');
    // Replica 2's view-change timer fires first (timer index 2 is viewChange).
    expect(found.counterexample?.path.split(' ')[0]).toBe('f2.2');
    const clean = await explore(jobAt(exploreHereTour.scenario, first.at, 4, 0, 'exact'), [
      inProcessEndpoint(),
    ]);
    expect(clean.verdict).toBe('ok');
  });
});
