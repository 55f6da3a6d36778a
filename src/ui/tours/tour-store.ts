/**
 * The tour being walked (if any), the gallery, and the progress map. A separate small store: the
 * app's store stays about the run. Showing a step loads the step's scenario (only when it differs
 * from the current run) and moves the cursor to the step's moment, paused.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { stepScenario, tourById, type Tour } from '../../scenario/tours/index.ts';
import { session } from '../controller.ts';
import { appStore } from '../store.ts';
import { fallBackToDefault, replaceHash, pushHash, withoutHistory } from '../history.ts';
import { clearProgress, loadProgress, recordProgress, type ProgressMap } from './progress.ts';
import { parseTourHash, tourHash } from './tour-link.ts';

export interface ActiveTour {
  readonly id: string;
  /** 0-based step shown. */
  readonly step: number;
  /** The learner went past the last step: the "try it yourself" text shows and the run is theirs. */
  readonly ended: boolean;
}

export interface TourState {
  readonly galleryOpen: boolean;
  readonly active: ActiveTour | null;
  readonly progress: ProgressMap;
}

export const tourStore = createStore<TourState>()(() => ({
  galleryOpen: false,
  active: null,
  progress: {},
}));

export function useTours<T>(selector: (state: TourState) => T): T {
  return useStore(tourStore, selector);
}

export function reloadProgress(): void {
  tourStore.setState({ progress: loadProgress() });
}

export function openGallery(): void {
  tourStore.setState({ galleryOpen: true, progress: loadProgress() });
}

export function closeGallery(): void {
  tourStore.setState({ galleryOpen: false });
}

export function activeTour(): Tour | undefined {
  const active = tourStore.getState().active;
  return active === null ? undefined : tourById(active.id);
}

function show(tour: Tour, index: number): void {
  const step = tour.steps[index];
  const scenario = stepScenario(tour, step);
  const s = session();
  s.pause();
  withoutHistory(() => {
    if (appStore().getState().scenario !== scenario) s.newRun(scenario, false, false);
    else s.setOpenEnded(false);
  });
  s.goToTime(step.at);
  appStore().setState({ hintVisible: false, selection: null });
  const progress = recordProgress(tour.id, index, false);
  tourStore.setState({ active: { id: tour.id, step: index, ended: false }, progress, galleryOpen: false });
}

/** Starts a tour at a step. `history`: push a new entry (a person chose it) or none (back/forward). */
export function startTour(id: string, step = 0, history: 'push' | 'none' = 'push'): boolean {
  const tour = tourById(id);
  if (tour === undefined) return false;
  const index = Math.max(0, Math.min(step, tour.steps.length - 1));
  if (history === 'push') pushHash(tourHash(id, index));
  // A fresh start always loads the tour's own scenario (the learner may have changed the run).
  withoutHistory(() => session().newRun(stepScenario(tour, tour.steps[index]), false, false));
  show(tour, index);
  return true;
}

export function goToStep(index: number): void {
  const tour = activeTour();
  if (tour === undefined || index < 0 || index >= tour.steps.length) return;
  show(tour, index);
  replaceHash(tourHash(tour.id, index));
}

export function nextStep(): void {
  const tour = activeTour();
  const active = tourStore.getState().active;
  if (tour === undefined || active === null) return;
  if (active.step + 1 < tour.steps.length) {
    goToStep(active.step + 1);
    return;
  }
  const progress = recordProgress(tour.id, active.step, true);
  // "The run is yours now": it plays on past the step's scenario end, as a live run does.
  session().setOpenEnded(true);
  tourStore.setState({ active: { ...active, ended: true }, progress });
}

export function previousStep(): void {
  const active = tourStore.getState().active;
  if (active === null) return;
  if (active.ended) {
    goToStep(active.step);
    return;
  }
  goToStep(active.step - 1);
}

/**
 * Leaves the tour; the run stays as it is. The address bar's `#tour=` link gives way to the run's
 * own link at once (url-sync watches this store).
 */
export function closeTour(): void {
  tourStore.setState({ active: null });
}

export function clearTourProgress(): void {
  clearProgress();
  tourStore.setState({ progress: {} });
}

export function stepsOf(id: string): number | undefined {
  return tourById(id)?.steps.length;
}

/** Opens a `#tour=` link; reports a bad one like a bad scenario link. Returns false for other hashes. */
export function openTourHash(hash: string): boolean {
  const link = parseTourHash(hash, stepsOf);
  if (link === null) return false;
  if (!link.ok) {
    // Like a bad scenario link: the default scenario, playing, and the problem said once.
    closeTour();
    fallBackToDefault(session(), appStore(), link.problem);
    return true;
  }
  startTour(link.id, link.step, 'none');
  return true;
}
