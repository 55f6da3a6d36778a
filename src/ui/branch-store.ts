/**
 * The branch tree of the session (branches.ts), kept in a small store of its own beside the app's:
 * installBranches() listens to the session's scenario changes; switching and opening a branch drive
 * the session. No React here.
 */
import { createStore } from 'zustand/vanilla';
import type { Scenario } from '../sim/scenario-types.ts';
import { currentBranch, edited, forked, newTree, switched, type BranchTree } from './branches.ts';
import { session } from './controller.ts';
import type { Session } from './session.ts';

export const branchStore = createStore<BranchTree>(() => newTree({ name: 'untitled' } as Scenario));

/** While set, the session's next new run is ours (a switch or an opened branch), not a new tree. */
let replacing = false;

/** Keeps the branch tree of `target` from now on (main.tsx calls it once). */
export function installBranches(target: Session): void {
  branchStore.setState(newTree(target.run.scenario), true);
  target.onScenarioChange = (change) => {
    const tree = branchStore.getState();
    if (change.kind === 'new') {
      if (!replacing) branchStore.setState(newTree(change.scenario), true);
    } else if (change.kind === 'edit') branchStore.setState(edited(tree, change.scenario), true);
    else branchStore.setState(forked(tree, change.before, change.after, change.at, change.actions), true);
  };
}

function load(scenario: Scenario, time: number): void {
  replacing = true;
  try {
    session().newRun(scenario, false);
  } finally {
    replacing = false;
  }
  session().goToTime(time);
}

/** Switches the session to branch `id`, at the cursor's time (branches share their past). */
export function switchBranch(id: number): void {
  const tree = branchStore.getState();
  if (tree.current === id) return;
  const next = switched(tree, id);
  const time = session().store.getState().cursor.time;
  branchStore.setState(next, true);
  load(currentBranch(next).scenario, time);
}

/** Opens `scenario` as a new branch of the current one (an exploration's counterexample), at `time`. */
export function openAsBranch(scenario: Scenario, forkAt: number, name: string, time: number): void {
  const tree = branchStore.getState();
  const before = currentBranch(tree).scenario;
  branchStore.setState(forked(tree, before, scenario, forkAt, [], name), true);
  load(scenario, time);
}
