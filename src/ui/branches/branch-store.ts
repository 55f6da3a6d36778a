/**
 * The app's branch tree, kept beside the session: a fork of the past adds a branch, a new run
 * starts a new tree, acting at the present grows the current branch, and switching shows another
 * branch where it was left. The last few runs shown are kept so that switching back is instant.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { LinkBranch, LinkPayload } from '../../scenario/link.ts';
import type { Run } from '../../sim/run.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import { encodeLink, linkBytesMax } from '../link.ts';
import type { Session } from '../session.ts';
import type { AppStore } from '../store.ts';
import {
  branchById,
  currentBranch,
  fork,
  linkedAncestry,
  newTree,
  switchTo,
  treeFromLink,
  updateCurrent,
  type BranchTree,
} from './tree.ts';

export interface BranchState {
  readonly tree: BranchTree | null;
  /** Branches ticked for comparison (ids, at most two): two are compared. */
  readonly picked: readonly number[];
}

/** The tree is null until the session is installed. */
export const branchStore = createStore<BranchState>()(() => ({ tree: null, picked: [] }));

export function useBranches<T>(selector: (state: BranchState) => T): T {
  return useStore(branchStore, selector);
}

/** Runs kept for instant switching, by branch id (the most recently left first out). */
const keptRunsMax = 3;
const keptRuns = new Map<number, Run>();
let session: Session | null = null;

function keepRun(id: number, run: Run): void {
  keptRuns.delete(id);
  keptRuns.set(id, run);
  while (keptRuns.size > keptRunsMax) keptRuns.delete(keptRuns.keys().next().value!);
}

function treeNow(): BranchTree {
  const { tree } = branchStore.getState();
  if (tree === null) throw new Error('the branch tree is not set up');
  return tree;
}

function setTree(tree: BranchTree, picked: readonly number[] = branchStore.getState().picked): void {
  branchStore.setState({ tree, picked: picked.filter((id) => branchById(tree, id) !== undefined) });
}

/**
 * Starts keeping the tree for `s`: from a shared branch link when the page opened one. Returns
 * the function that stops it.
 */
export function installBranches(s: Session, store: AppStore, link: LinkPayload | null): () => void {
  session = s;
  keptRuns.clear();
  const branch = link?.branch;
  setTree(
    branch !== undefined
      ? treeFromLink(s.run.scenario, branch.label, branch.ancestors)
      : newTree(s.run.scenario),
    [],
  );
  s.onFork = ({ before, after, at, label }) => {
    setTree(fork(updateCurrent(treeNow(), before), after, at, label));
  };
  s.onReplaced = (scenario) => {
    keptRuns.clear();
    setTree(newTree(scenario), []);
  };
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.scenario === previous.scenario) return;
    const tree = treeNow();
    if (currentBranch(tree).scenario !== state.scenario) setTree(updateCurrent(tree, state.scenario));
  });
  return () => {
    unsubscribe();
    s.onFork = null;
    s.onReplaced = null;
    session = null;
  };
}

/** Shows branch `id` where the cursor is (within its run). */
export function showBranch(id: number): void {
  const s = session;
  const { tree } = branchStore.getState();
  const target = tree === null ? undefined : branchById(tree, id);
  if (s === null || tree === null || target === undefined || id === tree.current) return;
  keepRun(tree.current, s.run);
  const time = s.store.getState().cursor.time;
  setTree(switchTo(tree, id));
  s.showBranch(target.scenario, time, keptRuns.get(id));
}

/** A kept run for branch `id`, if any (comparisons reuse it instead of replaying). */
export function keptRun(id: number): Run | undefined {
  if (session !== null && branchStore.getState().tree?.current === id) return session.run;
  return keptRuns.get(id);
}

/** A new branch from the start that runs the same scenario with another rule broken, and a comparison of the two. */
export function branchWithMutation(mutation: Scenario['mutation']): void {
  const s = session;
  const { tree } = branchStore.getState();
  if (s === null || tree === null) return;
  const from = currentBranch(tree);
  const scenario: Scenario = { ...from.scenario, mutation };
  const label = mutation === 'none' ? 'the correct protocol' : `with ${mutation}`;
  const forked = fork(tree, scenario, 0, label);
  keepRun(tree.current, s.run);
  setTree(forked, [from.id, forked.current]);
  s.showBranch(scenario, s.store.getState().cursor.time);
}

/**
 * Opens `scenario` (a counterexample an exploration found from the moment `forkAt`) as a new branch
 * of the one on screen, shown at `time`.
 */
export function openAsBranch(scenario: Scenario, forkAt: number, label: string, time: number): void {
  const s = session;
  const { tree } = branchStore.getState();
  if (s === null || tree === null) return;
  keepRun(tree.current, s.run);
  setTree(fork(tree, scenario, forkAt, label));
  s.showBranch(scenario, time);
}

/** Ticks or unticks a branch for comparison; a third tick replaces the oldest. */
export function pickForCompare(id: number, on: boolean): void {
  const { picked } = branchStore.getState();
  const rest = picked.filter((p) => p !== id);
  branchStore.setState({ picked: on ? [...rest, id].slice(-2) : rest });
}

/** What a link to branch `id` carries about its place in the tree (undefined for a lone run). */
export function linkBranch(id?: number): LinkBranch | undefined {
  const { tree } = branchStore.getState();
  if (tree === null || tree.branches.length < 2) return undefined;
  return linkedAncestry(tree, id ?? tree.current);
}

/** The link of branch `id` at `time`: its scenario, and the branches it forked from. */
export function branchLinkOf(id: number, time: number): string {
  const { tree } = branchStore.getState();
  const branch = tree === null ? undefined : branchById(tree, id);
  if (branch === undefined) return '';
  return encodeLink(branch.scenario, Math.min(time, branch.scenario.until), linkBranch(id));
}

/**
 * The link of what is on screen: the current branch, naming where it came from when there is a
 * tree and the link still fits (otherwise the branch alone, which is still the same run).
 */
export function currentLink(scenario: Scenario, time: number): string {
  const { tree } = branchStore.getState();
  const plain = encodeLink(scenario, time);
  if (tree === null || currentBranch(tree).scenario !== scenario) return plain;
  const withTree = encodeLink(scenario, time, linkBranch());
  return withTree.length <= linkBytesMax ? withTree : plain;
}

/** After a link was loaded as a new run: the tree it names, if it names one. */
export function adoptLinkedTree(payload: LinkPayload): void {
  const s = session;
  if (s === null || payload.branch === undefined || s.run.scenario !== payload.scenario) return;
  keptRuns.clear();
  setTree(treeFromLink(payload.scenario, payload.branch.label, payload.branch.ancestors), []);
}
