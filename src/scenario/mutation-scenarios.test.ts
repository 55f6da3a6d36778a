import { describe, expect, it } from 'vitest';
import { mutations } from '../protocol/index.ts';
import { BasicSafetyChecker } from '../sim/checkers/basic.ts';
import { checkScenario } from '../sim/verdict.ts';
import { Run } from '../sim/run.ts';
import { mutationScenarios, type BrokenMutation } from './mutation-scenarios.ts';
import { parseScenario, scenarioToJson } from './schema.ts';

const broken = mutations.filter((m): m is BrokenMutation => m !== 'none');

describe('mutation scenarios', () => {
  it('there is one for every mutation, and each is a valid scenario file', () => {
    expect(Object.keys(mutationScenarios).sort()).toEqual([...broken].sort());
    for (const m of broken) {
      const { scenario } = mutationScenarios[m];
      expect(scenario.mutation).toBe(m);
      expect(parseScenario(JSON.parse(scenarioToJson(scenario)))).toEqual(scenario);
    }
  });

  describe.each(broken)('%s', (mutation) => {
    const def = mutationScenarios[mutation];

    it(`breaks ${def.checker}, every time`, () => {
      const first = checkScenario(def.scenario).violations[0];
      expect(first?.checker).toBe(def.checker);
      expect(checkScenario(def.scenario).violations[0]).toEqual(first);
      // `sim run` and the app (a Run with a full journal) see the same first violation.
      const run = new Run(def.scenario);
      run.extendTo(def.scenario.until);
      const seen = run.head.violations[0] ?? null;
      if (def.checker !== 'linearizability') expect(seen).toEqual(first);
    });

    it(`shows its damage to the basic checkers as ${def.consequence}`, () => {
      const verdict = checkScenario(def.scenario, { checkers: [new BasicSafetyChecker()] });
      expect(verdict.violations[0]?.checker).toBe(def.consequence);
    });

    it('the correct protocol passes the same scenario, converges and stays linearizable', () => {
      const verdict = checkScenario({ ...def.scenario, mutation: 'none' });
      expect(verdict.violations).toEqual([]);
      expect(verdict.liveness.applicable).toBe(true);
      expect('convergedAfterMs' in verdict.liveness && verdict.liveness.convergedAfterMs).not.toBeNull();
      expect(verdict.linearizable).toBe(true);
    });
  });
});
