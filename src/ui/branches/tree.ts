/**
 * The branch tree: every future a person tried. Acting in the past does not discard the future,
 * it forks: the old future stays as the branch it was, and the new one grows from the moment of
 * the action. A branch is just its scenario (all branches of one tree share the settings; only
 * their actions differ), so each has its own link and switching is replaying a scenario. Pure.
 */
import type { Action, Scenario } from '../../sim/scenario-types.ts';

export interface Branch {
  readonly id: number;
  /** The branch it forked from; null for the root. */
  readonly parent: number | null;
  /** Virtual ms at which it left its parent (0 for the root). */
  readonly forkAt: number;
  /** What started it, e.g. "replica 2 crashed at 1.234 s". */
  readonly label: string;
  readonly scenario: Scenario;
}

export interface BranchTree {
  /** In creation order: a parent always comes before its children. */
  readonly branches: readonly Branch[];
  readonly current: number;
}

/** At most this many branches are kept: the oldest leaves that are not current go first. */
export const branchesMax = 24;

export const rootLabel = 'the run as loaded';

export function newTree(scenario: Scenario, label = rootLabel): BranchTree {
  return { branches: [{ id: 0, parent: null, forkAt: 0, label, scenario }], current: 0 };
}

export function branchById(tree: BranchTree, id: number): Branch | undefined {
  return tree.branches.find((branch) => branch.id === id);
}

export function currentBranch(tree: BranchTree): Branch {
  return branchById(tree, tree.current) ?? tree.branches[0];
}

/** The current branch's future grew (an action at the present, a longer run): same branch, new scenario. */
export function updateCurrent(tree: BranchTree, scenario: Scenario): BranchTree {
  return {
    ...tree,
    branches: tree.branches.map((branch) => (branch.id === tree.current ? { ...branch, scenario } : branch)),
  };
}

/**
 * A new branch from the current one at `forkAt`, holding `scenario`, which becomes current. The
 * branch it left keeps the future it had. Past `branchesMax`, the oldest leaf that is neither
 * current nor the new branch's ancestor is forgotten.
 */
export function fork(tree: BranchTree, scenario: Scenario, forkAt: number, label: string): BranchTree {
  const id = Math.max(...tree.branches.map((branch) => branch.id)) + 1;
  const branch: Branch = { id, parent: tree.current, forkAt, label, scenario };
  let branches = [...tree.branches, branch];
  while (branches.length > branchesMax) {
    const keep = new Set(ancestry({ branches, current: id }, id).map((b) => b.id));
    const parents = new Set(branches.map((b) => b.parent));
    const victim = branches.find((b) => !keep.has(b.id) && !parents.has(b.id));
    if (victim === undefined) break;
    branches = branches.filter((b) => b !== victim);
  }
  return { branches, current: id };
}

export function switchTo(tree: BranchTree, id: number): BranchTree {
  return branchById(tree, id) === undefined ? tree : { ...tree, current: id };
}

/** The branch and its ancestors, root first. */
export function ancestry(tree: BranchTree, id: number): Branch[] {
  const path: Branch[] = [];
  for (let branch = branchById(tree, id); branch !== undefined;) {
    path.unshift(branch);
    branch = branch.parent === null ? undefined : branchById(tree, branch.parent);
  }
  return path;
}

/** Depth-first order, each branch with its depth: how the tree is drawn, children under their parent. */
export function drawingOrder(tree: BranchTree): { branch: Branch; depth: number }[] {
  const out: { branch: Branch; depth: number }[] = [];
  const visit = (parent: number | null, depth: number) => {
    const children = tree.branches
      .filter((b) => b.parent === parent)
      .sort((a, b) => a.forkAt - b.forkAt || a.id - b.id);
    for (const child of children) {
      out.push({ branch: child, depth });
      visit(child.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** The first action of `after` that `before` does not have: what started a fork. */
export function firstNewAction(before: readonly Action[], after: readonly Action[]): Action | undefined {
  const seen = new Map<string, number>();
  for (const action of before) {
    const key = JSON.stringify(action);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const action of after) {
    const key = JSON.stringify(action);
    const left = seen.get(key) ?? 0;
    if (left === 0) return action;
    seen.set(key, left - 1);
  }
  return undefined;
}

/**
 * An ancestor as a link carries it: its name, where it forks, and its actions (the settings are
 * the branch's own). Nearest ancestor first.
 */
export interface LinkedAncestor {
  readonly label: string;
  readonly forkAt: number;
  readonly actions: readonly Action[];
}

/** What a branch's link carries about where it came from: its ancestors and its own name. */
export function linkedAncestry(tree: BranchTree, id: number): { label: string; ancestors: LinkedAncestor[] } {
  const path = ancestry(tree, id);
  const self = path.at(-1);
  // Each entry's forkAt is where the entry below it left it: the child's forkAt.
  const ancestors = path.slice(0, -1).map((branch, i) => ({
    label: branch.label,
    forkAt: path[i + 1].forkAt,
    actions: branch.scenario.actions,
  }));
  return { label: self?.label ?? rootLabel, ancestors: ancestors.toReversed() };
}

/** The tree a shared branch link opens: its ancestors (as far as the link names them) and the branch. */
export function treeFromLink(
  scenario: Scenario,
  label: string,
  ancestors: readonly LinkedAncestor[],
): BranchTree {
  const chain = ancestors.toReversed(); // root first
  if (chain.length === 0) return newTree(scenario, label);
  let tree = newTree({ ...scenario, actions: [...chain[0].actions] }, chain[0].label);
  for (let i = 1; i < chain.length; i++)
    tree = fork(tree, { ...scenario, actions: [...chain[i].actions] }, chain[i - 1].forkAt, chain[i].label);
  return fork(tree, scenario, chain.at(-1)!.forkAt, label);
}
