import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { Run } from './run.ts';
import { swarmScenario } from './swarm.ts';
import { traceHash } from './trace-hash.ts';
import { summarizeReplicas } from './snapshot.ts';

function hashOf(run: Run): string {
  return traceHash(run.journal);
}

describe('determinism', () => {
  it('the same scenario gives the same trace, bit for bit', () => {
    for (const seed of [1, 2, 3, 245, 9001]) {
      const { scenario } = swarmScenario(seed);
      const a = new Run(scenario);
      a.extendTo(scenario.until);
      const b = new Run(scenario);
      b.extendTo(scenario.until);
      expect(hashOf(b)).toBe(hashOf(a));
    }
  });

  it('a different seed gives a different trace', () => {
    const base = { ...defaultScenario, until: 3000 };
    const a = new Run(base);
    a.extendTo(3000);
    const b = new Run({ ...base, seed: base.seed + 1 });
    b.extendTo(3000);
    expect(hashOf(b)).not.toBe(hashOf(a));
  });

  it('computing in small steps gives the same trace as computing at once', () => {
    const { scenario } = swarmScenario(77);
    const whole = new Run(scenario);
    whole.extendTo(scenario.until);
    const steps = new Run(scenario);
    for (let t = 0; t <= scenario.until; t += 37) steps.extendTo(t);
    steps.extendTo(scenario.until);
    expect(hashOf(steps)).toBe(hashOf(whole));
  });

  it('time travel: the world after n events is the same whether computed forward or restored from a checkpoint', () => {
    const { scenario } = swarmScenario(12);
    const run = new Run(scenario, { checkpointEvery: 100 });
    run.extendTo(scenario.until);
    for (const n of [0, 1, 99, 100, 101, 555, run.head.eventCount]) {
      const fromCheckpoint = run.worldAfter(n);
      const fresh = new Run(scenario, { checkpointEvery: 1_000_000 });
      fresh.extendBy(n);
      expect(fromCheckpoint.eventCount).toBe(n);
      expect(summarizeReplicas(fromCheckpoint)).toEqual(summarizeReplicas(fresh.head));
      expect(fromCheckpoint.now).toBe(fresh.head.now);
    }
  });

  it('an action taken in the past forks the run exactly as if the scenario had always had it', () => {
    const scenario = { ...defaultScenario, until: 4000 };
    const live = new Run(scenario, { checkpointEvery: 50 });
    live.extendTo(4000);
    const cursor = live.worldAtTime(1500);
    const crash = { at: cursor.now + 1, type: 'crash' as const, replica: 0 };
    live.addAction(crash);
    live.extendTo(4000);
    const replay = new Run({ ...scenario, actions: [crash] });
    replay.extendTo(4000);
    expect(hashOf(live)).toBe(hashOf(replay));
    expect(live.head.replicas[0]).toBeNull();
  });
});
