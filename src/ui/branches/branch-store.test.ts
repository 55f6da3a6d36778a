import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/schema.ts';
import { Session } from '../session.ts';
import { createAppStore } from '../store.ts';
import { branchStore, installBranches, openAsBranch, pickForCompare, showBranch } from './branch-store.ts';
import { currentBranch, drawingOrder } from './tree.ts';

const scenario = parseScenario({
  version: 1,
  replicas: 3,
  clients: 1,
  until: 4000,
  workload: { requestsPerClient: 10, keys: 2 },
});

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
});

function setUp(): Session {
  const store = createAppStore(scenario, false);
  const s = new Session(store, scenario, { clock: () => 0, checkpointEvery: 100 });
  stop = installBranches(s, store, null);
  return s;
}

function tree() {
  return branchStore.getState().tree!;
}

describe('the app keeps a branch tree beside the session', () => {
  it('forks when the past changes, switches back to the future left behind, and starts over on a new run', () => {
    const s = setUp();
    s.goToTime(2000);
    s.seekTime(500);
    s.act({ type: 'crash', replica: 1 });
    expect(tree().branches).toHaveLength(2);
    expect(currentBranch(tree()).label).toBe('replica 1 crashed at 0.501 s');
    expect(s.run.scenario.actions).toHaveLength(1);
    // The first branch keeps its future: no crash.
    showBranch(0);
    expect(s.run.scenario.actions).toEqual([]);
    expect(s.store.getState().scenario).toBe(currentBranch(tree()).scenario);
    // Acting at the present grows the branch on screen instead of forking.
    s.goToTime(3000);
    s.act({ type: 'timeout', replica: 2 });
    expect(tree().branches).toHaveLength(2);
    expect(currentBranch(tree()).scenario.actions).toHaveLength(1);
    // A new run (Settings, a link, a tour) starts a new tree.
    s.newRun(scenario, false);
    expect(tree().branches).toHaveLength(1);
  });

  it('opens an explored counterexample as a branch of the one on screen, and compares ticks two at a time', () => {
    const s = setUp();
    const found = { ...scenario, actions: [{ at: 300, type: 'crash', replica: 0 } as const] };
    openAsBranch(found, 300, 'explored: a counterexample', 300);
    expect(drawingOrder(tree()).map(({ branch, depth }) => `${branch.label}@${depth}`)).toEqual([
      'the run as loaded@0',
      'explored: a counterexample@1',
    ]);
    expect(s.run.scenario).toBe(found);
    expect(s.store.getState().cursor.time).toBe(300);
    pickForCompare(0, true);
    pickForCompare(1, true);
    expect(branchStore.getState().picked).toEqual([0, 1]);
    pickForCompare(0, false);
    expect(branchStore.getState().picked).toEqual([1]);
  });
});
