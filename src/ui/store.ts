/**
 * The app's store: what the person chose (scenario, playback, selection, panels) plus the frozen
 * per-frame snapshot the animation loop derives from the run. It never holds replica objects.
 * Slices are small and typed separately; state is replaced, never mutated.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Scenario } from '../sim/scenario-types.ts';
import type { Frame } from './frame.ts';
import type { Marker } from './notable.ts';

/** Playback speeds, virtual ms per wall ms. */
export const speeds = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;
export const defaultSpeed = 0.2;

export interface Cursor {
  /** Events applied. */
  readonly event: number;
  /** Virtual time in ms (fractional while playing, for smooth motion). */
  readonly time: number;
}

export interface ScenarioSlice {
  /** The scenario of the current run, with every action taken so far. */
  readonly scenario: Scenario;
  /** Bumped whenever the run forks or is replaced: frames and captions of older generations are stale. */
  readonly generation: number;
}

export interface PlaybackSlice {
  readonly playing: boolean;
  readonly speed: number;
  readonly cursor: Cursor;
  /** How far the run has been computed. */
  readonly head: { readonly events: number; readonly time: number; readonly finished: boolean };
  /** Virtual ms per wall ms actually achieved over the last second (below `speed` when compute-bound). */
  readonly effectiveSpeed: number;
}

export type Selection =
  | { readonly kind: 'replica'; readonly id: number }
  | { readonly kind: 'message'; readonly id: number }
  | { readonly kind: 'link'; readonly a: number; readonly b: number };

export interface SelectionSlice {
  readonly selection: Selection | null;
}

export interface Notice {
  readonly id: number;
  readonly tone: 'info' | 'warning' | 'error';
  readonly text: string;
}

export interface Stop {
  readonly title: string;
  readonly message: string;
  readonly seed: number;
  readonly time: number;
  readonly event: number;
}

export interface PanelsSlice {
  readonly helpOpen: boolean;
  readonly settingsOpen: boolean;
  readonly hintVisible: boolean;
  readonly notices: readonly Notice[];
  /** The run stopped on a violation or a failed assertion. */
  readonly stop: Stop | null;
  /** Set when the loaded link was bad; shown once. */
  readonly linkProblem: string | null;
}

export interface FrameSlice {
  /** The snapshot at the cursor, every animation frame (cluster view, timeline). */
  readonly frame: Frame | null;
  /**
   * The same snapshot for text-heavy panels (cards, event log, inspector): while playing it is
   * refreshed at most every panelIntervalMs; paused, stepping or seeking it follows at once.
   */
  readonly panelFrame: Frame | null;
  /** Events shown by the event log: like panelFrame, refreshed on other frames than the panels. */
  readonly logEvent: number;
  readonly markers: readonly Marker[];
}

export const panelIntervalMs = 100;

export type AppState = ScenarioSlice & PlaybackSlice & SelectionSlice & PanelsSlice & FrameSlice;
export type AppStore = StoreApi<AppState>;
/** A partial update of the state, built up before one setState. */
export type StatePatch = { -readonly [K in keyof AppState]?: AppState[K] };

export function initialState(scenario: Scenario, playing: boolean): AppState {
  return {
    scenario,
    generation: 0,
    playing,
    speed: defaultSpeed,
    cursor: { event: 0, time: 0 },
    head: { events: 0, time: 0, finished: false },
    effectiveSpeed: 0,
    selection: null,
    helpOpen: false,
    settingsOpen: false,
    hintVisible: true,
    notices: [],
    stop: null,
    linkProblem: null,
    frame: null,
    panelFrame: null,
    logEvent: 0,
    markers: [],
  };
}

export function createAppStore(scenario: Scenario, playing = true): AppStore {
  return createStore<AppState>()(() => initialState(scenario, playing));
}

let currentStore: AppStore | null = null;

/** The store the React tree reads (set once at start-up). */
export function setAppStore(store: AppStore): void {
  currentStore = store;
}

export function appStore(): AppStore {
  if (currentStore === null) throw new Error('the app store is not set up');
  return currentStore;
}

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore(), selector);
}

// ---------------------------------------------------------------- small pure helpers

export function nextSpeed(speed: number, direction: 1 | -1): number {
  if (direction === 1) return speeds.find((s) => s > speed) ?? speeds[speeds.length - 1];
  return speeds.toReversed().find((s) => s < speed) ?? speeds[0];
}

export function formatSpeed(speed: number): string {
  return `${speed}x`;
}

let noticeId = 0;

export function withNotice(state: AppState, tone: Notice['tone'], text: string): Pick<AppState, 'notices'> {
  const notice = { id: ++noticeId, tone, text };
  // Two at most: more would cover the panels under them.
  return { notices: [...state.notices.slice(-1), notice] };
}
