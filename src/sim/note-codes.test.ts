import { describe, expect, it } from 'vitest';
import type { Checker } from './checkers/checker.ts';
import { noteCode, noteExecuted, noteOther } from './note-codes.ts';
import { swarmScenario } from './swarm.ts';
import { World } from './world.ts';

describe('note codes', () => {
  it('the codes the world records for a step are those of its notes, across faulty runs', () => {
    let notes = 0;
    let mismatches = 0;
    const spy: Checker = {
      name: 'spy',
      afterEvent(world, event) {
        const expected = (event.notes ?? []).map(noteCode);
        const recorded = world.noteCodesOf(event).slice(0, expected.length);
        if (recorded.join() !== expected.join()) mismatches++;
        notes += expected.length;
        return null;
      },
      clone() {
        return this;
      },
    };
    for (let seed = 1; seed <= 20; seed++)
      new World(swarmScenario(seed).scenario, { checkers: [spy] }).runToEnd();
    expect(notes).toBeGreaterThan(1000);
    expect(mismatches).toBe(0);
  });

  it('kinds no checker switches on share one code', () => {
    expect(noteCode({ kind: 'info', text: 'x' })).toBe(noteOther);
    expect(
      noteCode({
        kind: 'executed',
        opNumber: 1,
        entry: { op: 'get x', client: 'c0', request: 1, view: 0 },
        result: '',
        digest: 0,
      }),
    ).toBe(noteExecuted);
  });
});
