import { describe, expect, it } from 'vitest';
import { checkScenario } from '../sim/verdict.ts';
import { World } from '../sim/world.ts';
import { recoveryFlawCommitAt, recoveryFlawLostOp, recoveryFlawScenario } from './recovery-flaw.ts';

describe("the paper's recovery has a hole (DISC 2017)", () => {
  it('with the paper recovery, view 1 starts without an op whose reply the client accepted', () => {
    const scenario = recoveryFlawScenario('paper');
    const world = new World(scenario);
    world.runUntil(recoveryFlawCommitAt);
    expect(world.clients[0].completed).toBe(1);
    expect(world.statelessMax).toBe(1);
    const verdict = checkScenario(scenario);
    expect(verdict.violations[0]?.checker).toBe('no-lost-commit');
    expect(verdict.violations[0]?.message).toContain(recoveryFlawLostOp);
  });

  it('with crash vectors the same scenario keeps the op, converges and stays linearizable', () => {
    const verdict = checkScenario(recoveryFlawScenario('crash-vectors'));
    expect(verdict.violations).toEqual([]);
    expect(verdict.liveness.applicable).toBe(true);
    expect('convergedAfterMs' in verdict.liveness && verdict.liveness.convergedAfterMs).not.toBeNull();
    expect(verdict.linearizable).toBe(true);
  });

  it("crash vectors refuse the old incarnation's StartViewChange that started the trouble", () => {
    const world = new World(recoveryFlawScenario('crash-vectors'));
    world.runToEnd();
    expect(world.replicas.map((replica) => replica!.crashVector)).toEqual(
      Array.from({ length: 5 }, () => [0, 0, 1, 1, 0]),
    );
    expect(world.replicas.every((replica) => replica!.log.at(0)?.op === recoveryFlawLostOp)).toBe(true);
  });
});
