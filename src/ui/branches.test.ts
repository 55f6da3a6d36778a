import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { decodeLink, encodeLink } from '../scenario/link.ts';
import { mutationScenarios } from '../scenario/mutation-scenarios.ts';
import { traceHash } from '../sim/trace-hash.ts';
import {
  branchLinkScenario,
  branchStateDiff,
  currentBranch,
  firstDivergence,
  forked,
  newTree,
  runOf,
  switched,
  treeRows,
  type BranchTree,
} from './branches.ts';
import { Session, type ScenarioChange } from './session.ts';
import { createAppStore } from './store.ts';

function session(scenario = defaultScenario) {
  const store = createAppStore(scenario, false);
  return new Session(store, scenario, { clock: () => 0, checkpointEvery: 100 });
}

/** A session whose scenario changes keep a branch tree, as the app's Branches panel does. */
function withTree(scenario = defaultScenario) {
  const s = session(scenario);
  const state = { tree: newTree(scenario) as BranchTree };
  s.onScenarioChange = (change: ScenarioChange) => {
    if (change.kind === 'fork')
      state.tree = forked(state.tree, change.before, change.after, change.at, change.actions);
    else if (change.kind === 'edit') state.tree = { ...state.tree };
  };
  return { s, state };
}

describe('branches', () => {
  it('acting in the past forks a branch named by its action; the future left keeps its branch', () => {
    const { s, state } = withTree();
    s.goToTime(2000);
    s.act({ type: 'crash', replica: 3 });
    s.goToTime(3000);
    const before = s.run.scenario;
    s.seekTime(1000);
    s.act({ type: 'timeout', replica: 1 });
    expect(state.tree.branches.map((branch) => branch.name)).toEqual([
      defaultScenario.name,
      "replica 1's view-change timer fired by hand at 1.001 s",
    ]);
    expect(state.tree.branches[0].scenario).toBe(before);
    expect(state.tree.branches[0].scenario.actions.map((action) => action.type)).toEqual(['crash']);
    expect(currentBranch(state.tree).scenario.actions.map((action) => action.type)).toEqual(['timeout']);
    expect(currentBranch(state.tree)).toMatchObject({ parent: 0, forkAt: 1001 });
    expect(s.store.getState().notices.at(-1)?.text).toMatch(/a new branch starts there/);
    // Switching back is the old scenario, the same run bit for bit as before the fork.
    const back = switched(state.tree, 0);
    const replay = runOf(currentBranch(back).scenario, 3000);
    const original = runOf(before, 3000);
    expect(traceHash(replay.journal)).toBe(traceHash(original.journal));
  });

  it('draws the tree depth first and gives each branch a link naming the branch it left', () => {
    let tree = newTree(defaultScenario);
    const crash = { at: 500, type: 'crash' as const, replica: 0 };
    tree = forked(tree, defaultScenario, { ...defaultScenario, actions: [crash] }, 500, [crash]);
    tree = switched(tree, 0);
    const heal = { at: 700, type: 'heal' as const };
    tree = forked(tree, defaultScenario, { ...defaultScenario, actions: [heal] }, 700, [heal]);
    expect(treeRows(tree).map(({ branch, depth }) => [branch.id, depth])).toEqual([
      [0, 0],
      [1, 1],
      [2, 1],
    ]);
    const branch = tree.branches[1];
    const linked = branchLinkScenario(tree, branch);
    expect(linked.name).toBe(`replica 0 crashed at 0.500 s (branch of ${defaultScenario.name})`);
    const decoded = decodeLink(encodeLink(linked, 500));
    expect(decoded?.ok && decoded.payload.scenario.actions).toEqual([crash]);
    expect(decoded?.ok && decoded.payload.time).toBe(500);
  });

  it('compares a mutated run with the correct one: the first divergence and the state diff after it', () => {
    const { scenario } = mutationScenarios['commit-without-quorum'];
    const broken = runOf(scenario);
    const correct = runOf({ ...scenario, mutation: 'none' });
    const divergence = firstDivergence(correct, broken)!;
    // Primary 0 takes the request at 110 ms; with the mutation it commits and replies at once.
    expect(divergence.time).toBe(110);
    expect(divergence.index).toBeGreaterThan(0);
    expect(divergence.a).not.toBe(divergence.b);
    const diff = branchStateDiff(correct, broken, 150);
    expect(diff.map(({ replica }) => replica)).toEqual([0]);
    expect(diff[0].rows.find((row) => row.what === 'commit-number')).toEqual({
      what: 'commit-number',
      a: '0',
      b: '1',
    });
    expect(firstDivergence(correct, runOf({ ...scenario, mutation: 'none' }))).toBeNull();
  });
});
