/**
 * Branches: acting in the past forks the run instead of discarding its future. The tree keeps every
 * branch's scenario (a branch is just its scenario), names a branch by the action that started it,
 * and compares two branches: where their traces first part, and how the replicas differ at a time.
 * Pure: the Branches panel (BranchesPanel.tsx) keeps a tree in a small store and drives the session.
 */
import { actionCaption, eventCaption } from '../sim/caption.ts';
import { Run } from '../sim/run.ts';
import type { Action, Scenario } from '../sim/scenario-types.ts';
import { formatTime } from './format.ts';
import { replicaFrame } from './frame.ts';
import { diffReplicas, type DiffRow } from './debug-views/state-diff.ts';

export interface Branch {
  readonly id: number;
  /** The starting action and its time ("replica 0 crashed at 0.400 s"); the root: the scenario's name. */
  readonly name: string;
  readonly scenario: Scenario;
  readonly parent: number | null;
  /** When it left its parent (ms); null for the root. */
  readonly forkAt: number | null;
}

export interface BranchTree {
  readonly branches: readonly Branch[];
  readonly current: number;
}

/** Branches one tree keeps; the oldest non-current leaf goes when a fork would pass it. */
export const branchesMax = 32;

export function newTree(scenario: Scenario): BranchTree {
  return { branches: [{ id: 0, name: scenario.name, scenario, parent: null, forkAt: null }], current: 0 };
}

export function currentBranch(tree: BranchTree): Branch {
  return tree.branches.find((branch) => branch.id === tree.current)!;
}

function replaceCurrent(tree: BranchTree, scenario: Scenario): BranchTree {
  return {
    ...tree,
    branches: tree.branches.map((branch) => (branch.id === tree.current ? { ...branch, scenario } : branch)),
  };
}

/** The current branch's scenario changed without losing a future (an action at the present). */
export function edited(tree: BranchTree, scenario: Scenario): BranchTree {
  return replaceCurrent(tree, scenario);
}

/**
 * Acting at `at` dropped a computed future: the current branch keeps `before`, and a new branch,
 * named by the first action taken, continues with `after` and becomes current.
 */
export function forked(
  tree: BranchTree,
  before: Scenario,
  after: Scenario,
  at: number,
  actions: readonly Action[],
  name = `${actions.length === 0 ? 'changed' : actionCaption(actions[0])} at ${formatTime(at)}`,
): BranchTree {
  const kept = replaceCurrent(tree, before);
  const id = Math.max(...kept.branches.map((branch) => branch.id)) + 1;
  let branches = [...kept.branches, { id, name, scenario: after, parent: tree.current, forkAt: at }];
  if (branches.length > branchesMax) {
    const parents = new Set(branches.map((branch) => branch.parent));
    const oldestLeaf = branches.find(
      (branch) =>
        branch.id !== id && branch.id !== tree.current && branch.parent !== null && !parents.has(branch.id),
    );
    if (oldestLeaf !== undefined) branches = branches.filter((branch) => branch !== oldestLeaf);
  }
  return { branches, current: id };
}

export function switched(tree: BranchTree, id: number): BranchTree {
  return tree.branches.some((branch) => branch.id === id) ? { ...tree, current: id } : tree;
}

/** The tree in drawing order: depth first, children after their parent in the order they forked. */
export function treeRows(tree: BranchTree): { branch: Branch; depth: number }[] {
  const rows: { branch: Branch; depth: number }[] = [];
  const visit = (parent: number | null, depth: number) => {
    for (const branch of tree.branches)
      if (branch.parent === parent) {
        rows.push({ branch, depth });
        visit(branch.id, depth + 1);
      }
  };
  visit(null, 0);
  return rows;
}

/** The scenario a branch's own link carries: named after the branch and the branch it forked from. */
export function branchLinkScenario(tree: BranchTree, branch: Branch): Scenario {
  const parent = tree.branches.find((candidate) => candidate.id === branch.parent);
  const name = parent === undefined ? branch.name : `${branch.name} (branch of ${parent.name})`;
  return { ...branch.scenario, name: name.slice(0, 200) };
}

/** Where two runs first part: the first event index whose event differs, with both captions. */
export interface Divergence {
  readonly index: number;
  readonly time: number;
  readonly a: string;
  readonly b: string;
}

/** Runs a branch's scenario to its end (or `until`), with its trace. */
export function runOf(scenario: Scenario, until = scenario.until): Run {
  const run = new Run(scenario);
  run.extendTo(Math.min(until, scenario.until));
  return run;
}

/** The first event where the runs of two scenarios differ, or null when their traces are the same. */
export function firstDivergence(a: Run, b: Run): Divergence | null {
  const ja = a.journal;
  const jb = b.journal;
  const n = Math.min(ja.eventCount, jb.eventCount);
  for (let index = 0; index < n; index++) {
    const ea = ja.event(index);
    const eb = jb.event(index);
    if (JSON.stringify(ea) !== JSON.stringify(eb) || !sameMessages(a, b, ea, eb))
      return { index, time: Math.min(ea.time, eb.time), a: eventCaption(ea, ja), b: eventCaption(eb, jb) };
  }
  if (ja.eventCount === jb.eventCount) return null;
  const longer = ja.eventCount > n ? a : b;
  const event = longer.journal.event(n);
  const caption = eventCaption(event, longer.journal);
  return {
    index: n,
    time: event.time,
    a: longer === a ? caption : '(no more events)',
    b: longer === b ? caption : '(no more events)',
  };
}

/** Whether two events sent the same messages (an event names its sends only by id). */
function sameMessages(
  a: Run,
  b: Run,
  ea: { firstSent: number; sentCount: number },
  eb: { firstSent: number; sentCount: number },
): boolean {
  for (let i = 0; i < ea.sentCount; i++)
    if (
      JSON.stringify(a.journal.message(ea.firstSent + i)) !==
      JSON.stringify(b.journal.message(eb.firstSent + i))
    )
      return false;
  return true;
}

/** Per replica, how its state differs between two runs at `time` (replicas that agree are left out). */
export function branchStateDiff(a: Run, b: Run, time: number): { replica: number; rows: DiffRow[] }[] {
  const wa = a.worldAtTime(time);
  const wb = b.worldAtTime(time);
  const out: { replica: number; rows: DiffRow[] }[] = [];
  for (let id = 0; id < Math.min(wa.replicas.length, wb.replicas.length); id++) {
    const rows = diffReplicas(
      replicaFrame(wa.replicas[id], id, a.scenario.stateMachine),
      replicaFrame(wb.replicas[id], id, b.scenario.stateMachine),
    );
    if (rows.length > 0) out.push({ replica: id, rows });
  }
  return out;
}
