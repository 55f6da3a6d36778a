import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../../scenario/link.ts';
import { mutationScenarios } from '../../scenario/mutation-scenarios.ts';
import { parseScenario } from '../../scenario/schema.ts';
import { Run } from '../../sim/run.ts';
import type { Action, Scenario } from '../../sim/scenario-types.ts';
import { divergenceOf, stateDiffAt } from './compare.ts';
import {
  ancestry,
  branchesMax,
  currentBranch,
  drawingOrder,
  firstNewAction,
  fork,
  linkedAncestry,
  newTree,
  switchTo,
  treeFromLink,
  updateCurrent,
} from './tree.ts';

function scenario(actions: unknown[] = [], fields: Record<string, unknown> = {}): Scenario {
  return parseScenario({ version: 1, replicas: 3, clients: 1, until: 3000, actions, ...fields });
}

const crash = { at: 500, type: 'crash', replica: 0 } as const;
const request = { at: 100, type: 'request', client: 0, op: 'put x 1' } as const;

describe('the branch tree', () => {
  it('keeps the old future when the past changes: the new branch grows from the moment of the action', () => {
    const original = scenario([request, crash]);
    const changed = scenario([request, { at: 300, type: 'crash', replica: 1 }]);
    let tree = newTree(original);
    tree = fork(tree, changed, 300, 'replica 1 crashed at 0.300 s');
    expect(tree.branches.map((b) => b.scenario)).toEqual([original, changed]);
    expect(currentBranch(tree)).toMatchObject({
      parent: 0,
      forkAt: 300,
      label: 'replica 1 crashed at 0.300 s',
    });
    // Back to the first branch: its future is as it was.
    tree = switchTo(tree, 0);
    expect(currentBranch(tree).scenario).toBe(original);
    // Acting at the present extends the branch itself.
    const longer = scenario([request, crash, { at: 2000, type: 'restart', replica: 0 }]);
    tree = updateCurrent(tree, longer);
    expect(tree.branches[0].scenario).toBe(longer);
    expect(tree.branches).toHaveLength(2);
  });

  it('draws children under their parent, and walks a branch back to the root', () => {
    let tree = newTree(scenario());
    tree = fork(tree, scenario([crash]), 500, 'a');
    tree = fork(tree, scenario([crash, { ...crash, at: 900, replica: 1 }]), 900, 'b');
    tree = switchTo(tree, 0);
    tree = fork(tree, scenario([{ ...crash, at: 200 }]), 200, 'c');
    expect(drawingOrder(tree).map(({ branch, depth }) => `${branch.label}@${depth}`)).toEqual([
      'the run as loaded@0',
      'c@1',
      'a@1',
      'b@2',
    ]);
    expect(ancestry(tree, 2).map((b) => b.label)).toEqual(['the run as loaded', 'a', 'b']);
  });

  it(`keeps at most ${branchesMax} branches, never the current one or its ancestors`, () => {
    let tree = newTree(scenario());
    for (let i = 1; i <= branchesMax + 5; i++) {
      tree = switchTo(tree, 0);
      tree = fork(tree, scenario([{ ...crash, at: i }]), i, `crash at ${i}`);
    }
    expect(tree.branches).toHaveLength(branchesMax);
    expect(currentBranch(tree).label).toBe(`crash at ${branchesMax + 5}`);
    expect(tree.branches[0].parent).toBeNull();
  });

  it('names a fork by the first action the old future did not have', () => {
    const before: Action[] = [request, crash];
    const after: Action[] = [request, { at: 300, type: 'timeout', replica: 2 }];
    expect(firstNewAction(before, after)).toEqual({ at: 300, type: 'timeout', replica: 2 });
    expect(firstNewAction(before, before)).toBeUndefined();
  });

  it('survives a shared link: the branch and the branches it forked from', () => {
    let tree = newTree(scenario([request]));
    tree = fork(tree, scenario([request, crash]), 500, 'replica 0 crashed');
    tree = fork(
      tree,
      scenario([request, crash, { ...crash, at: 800, replica: 1 }]),
      800,
      'replica 1 crashed',
    );
    const { label, ancestors } = linkedAncestry(tree, tree.current);
    const hash = encodeLink(currentBranch(tree).scenario, 900, { label, ancestors });
    const decoded = decodeLink(hash);
    expect(decoded?.ok).toBe(true);
    if (decoded?.ok !== true) return;
    expect(decoded.payload.time).toBe(900);
    const reopened = treeFromLink(
      decoded.payload.scenario,
      decoded.payload.branch!.label,
      decoded.payload.branch!.ancestors,
    );
    expect(
      drawingOrder(reopened).map(({ branch }) => [
        branch.label,
        branch.forkAt,
        branch.scenario.actions.length,
      ]),
    ).toEqual([
      ['the run as loaded', 0, 1],
      ['replica 0 crashed', 500, 2],
      ['replica 1 crashed', 800, 3],
    ]);
    expect(currentBranch(reopened).label).toBe('replica 1 crashed');
  });

  it('refuses a link whose ancestors are malformed, naming the field', () => {
    const bad = encodeLink(scenario(), 0, {
      label: 'x',
      ancestors: [{ label: 'root', forkAt: 10, actions: [{ at: 5, type: 'crash', replica: 7 }] as never }],
    });
    const decoded = decodeLink(bad);
    expect(decoded).toEqual({
      ok: false,
      problem: expect.stringMatching(/^branch b\.a\[0\]\.actions\[0\]\.replica: 7 is not a replica/),
    });
  });
});

describe('comparing two runs', () => {
  it('finds the first event where they part, and nothing for the same run', () => {
    const base = scenario([request]);
    const crashed = scenario([request, { at: 400, type: 'crash', replica: 1 }]);
    const divergence = divergenceOf(new Run(base), new Run(crashed));
    expect(divergence).not.toBeNull();
    expect(divergence!.time).toBe(400);
    expect(divergence!.b).toMatch(/replica 1 crashed/);
    expect(divergence!.a).not.toMatch(/crashed/);
    expect(divergenceOf(new Run(base), new Run(base))).toBeNull();
  });

  it('shows a mutated run against the correct one: the same scenario with and without longest-log-wins', () => {
    const broken = mutationScenarios['longest-log-wins'].scenario;
    const correct = { ...broken, mutation: 'none' as const };
    const divergence = divergenceOf(new Run(correct), new Run(broken));
    expect(divergence).not.toBeNull();
    // They part only when the broken rule acts: after the run's first view change began.
    const firstViewChange = broken.actions.find(
      (a) => a.type === 'crash' || a.type === 'timeout' || a.type === 'partition',
    );
    expect(divergence!.time).toBeGreaterThan(firstViewChange?.at ?? 0);
    // Without the mutation on either side there is nothing to show.
    expect(divergenceOf(new Run(correct), new Run(correct))).toBeNull();
  });

  it('lists how the replicas differ at a chosen moment', () => {
    const base = scenario([request]);
    const crashed = scenario([request, { at: 50, type: 'crash', replica: 2 }]);
    const diff = stateDiffAt(new Run(base), new Run(crashed), 1000);
    expect(diff.map((d) => d.replica)).toEqual([2]);
    expect(diff[0].rows.find((r) => r.what === 'status')).toEqual({
      what: 'status',
      a: 'normal',
      b: 'crashed',
    });
    expect(stateDiffAt(new Run(base), new Run(crashed), 40)).toEqual([]);
  });
});
