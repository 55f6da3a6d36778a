/**
 * The workspace: which tab of the side panel and of the bottom dock is open, how wide the side
 * panel and how tall the dock are, and whether the presenter mode (large fonts) is on. It lives in
 * a small store of its own and persists in localStorage; what is read back is validated, and a
 * value of the wrong shape or out of range falls back to the default.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { readStored, writeStored } from './storage.ts';

export const sideTabs = ['replicas', 'inspector', 'faults', 'log'] as const;
export const dockTabs = [
  'space-time',
  'linearizability',
  'state-diff',
  'fuzz',
  'explore',
  'branches',
  'violation',
] as const;
export type SideTab = (typeof sideTabs)[number];
export type DockTab = (typeof dockTabs)[number];
/** On a phone both sets of tabs share one swipeable bar. */
export const phoneTabs = [...sideTabs, ...dockTabs] as const;
export type PhoneTab = SideTab | DockTab;

export const sideTabLabels: Record<SideTab, string> = {
  replicas: 'Replicas',
  inspector: 'Inspector',
  faults: 'Break things',
  log: 'Event log',
};

export const dockTabLabels: Record<DockTab, string> = {
  'space-time': 'Space-time',
  linearizability: 'Linearizability',
  'state-diff': 'State diff',
  fuzz: 'Find a bug',
  explore: 'Explore',
  branches: 'Branches',
  violation: 'Violation',
};

/** Limits of the resizable panels, in CSS pixels. */
export const sideWidthMin = 280;
export const sideWidthMax = 900;
export const dockHeightMin = 120;
export const dockHeightMax = 1200;

export interface WorkspaceState {
  readonly side: SideTab;
  readonly dock: DockTab;
  readonly sideWidth: number;
  readonly dockHeight: number;
  readonly presenter: boolean;
  /** The tab open on a phone. */
  readonly phone: PhoneTab;
  /** The dock's tab that asks for attention (a violation appeared); cleared when it is opened. */
  readonly alert: DockTab | null;
}

export const workspaceDefaults: WorkspaceState = {
  side: 'replicas',
  dock: 'space-time',
  sideWidth: 500,
  dockHeight: 240,
  presenter: false,
  phone: 'replicas',
  alert: null,
};

export const workspaceKey = 'vsr-scope.workspace.v1';

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The stored workspace, or null when it has the wrong shape (then the defaults apply). */
export function parseWorkspace(value: unknown): WorkspaceState | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.side !== 'string' || !(sideTabs as readonly string[]).includes(v.side)) return null;
  if (typeof v.dock !== 'string' || !(dockTabs as readonly string[]).includes(v.dock)) return null;
  if (typeof v.sideWidth !== 'number' || !Number.isFinite(v.sideWidth)) return null;
  if (typeof v.dockHeight !== 'number' || !Number.isFinite(v.dockHeight)) return null;
  if (typeof v.presenter !== 'boolean') return null;
  const phone =
    typeof v.phone === 'string' && (phoneTabs as readonly string[]).includes(v.phone)
      ? (v.phone as PhoneTab)
      : (v.side as SideTab);
  return {
    side: v.side as SideTab,
    dock: v.dock as DockTab,
    sideWidth: clamp(v.sideWidth, sideWidthMin, sideWidthMax),
    dockHeight: clamp(v.dockHeight, dockHeightMin, dockHeightMax),
    presenter: v.presenter,
    phone,
    alert: null,
  };
}

export const workspaceStore = createStore<WorkspaceState>()(() => ({
  ...workspaceDefaults,
  ...readStored(workspaceKey, parseWorkspace),
}));

workspaceStore.subscribe((state, previous) => {
  if (
    state.side === previous.side &&
    state.dock === previous.dock &&
    state.sideWidth === previous.sideWidth &&
    state.dockHeight === previous.dockHeight &&
    state.presenter === previous.presenter &&
    state.phone === previous.phone
  )
    return;
  const { side, dock, sideWidth, dockHeight, presenter, phone } = state;
  writeStored(workspaceKey, { side, dock, sideWidth, dockHeight, presenter, phone });
});

export function useWorkspace<T>(selector: (state: WorkspaceState) => T): T {
  return useStore(workspaceStore, selector);
}

/** Opens a tab of the side panel (and the same tab of the phone's bar). */
export function showSide(side: SideTab): void {
  const state = workspaceStore.getState();
  if (state.side !== side || state.phone !== side) workspaceStore.setState({ side, phone: side });
}

/** Opens a tab of the dock (and the same tab of the phone's bar); looking at an alert clears it. */
export function showDock(dock: DockTab): void {
  const state = workspaceStore.getState();
  if (state.dock !== dock || state.phone !== dock || state.alert === dock)
    workspaceStore.setState({ dock, phone: dock, alert: state.alert === dock ? null : state.alert });
}

export function showPhoneTab(tab: PhoneTab): void {
  if ((sideTabs as readonly string[]).includes(tab)) showSide(tab as SideTab);
  else showDock(tab as DockTab);
}

/** A violation appeared: open its tab and mark it until the person looks at it. */
export function alertViolation(): void {
  workspaceStore.setState({ dock: 'violation', phone: 'violation', alert: 'violation' });
}

export function resizeSide(width: number): void {
  workspaceStore.setState({ sideWidth: clamp(width, sideWidthMin, sideWidthMax) });
}

export function resizeDock(height: number): void {
  workspaceStore.setState({ dockHeight: clamp(height, dockHeightMin, dockHeightMax) });
}

export function togglePresenter(): void {
  workspaceStore.setState({ presenter: !workspaceStore.getState().presenter });
}
