/**
 * Keeps the address bar's `#s=` link equal to what is on screen: the scenario with every action
 * taken so far, and the cursor's time. It replaces the current history entry (back and forward
 * still move between loaded scenarios, not frames) and waits for things to settle: while playing,
 * only a change of the scenario is written, and the cursor's time once playback pauses.
 *
 * A tour being walked owns the address bar (`#tour=...&step=N`); the tour store says whether one
 * is, not the hash, so that closing or finishing a tour hands the address bar back at once.
 */
import { currentLink } from '../branches/branch-store.ts';
import type { AppState, AppStore } from '../store.ts';
import { tourStore, type TourState } from '../tours/tour-store.ts';
import { replaceHash } from '../history.ts';

/** Quiet time before the link is rewritten (history.replaceState is rate-limited by browsers). */
export const urlSyncDelayMs = 400;

function linkOf(state: AppState): string {
  return currentLink(state.scenario, state.cursor.time);
}

/** Whether a tour is showing a step (a finished tour's run belongs to the learner). */
export function tourOwnsAddress(state: TourState): boolean {
  return state.active !== null && !state.active.ended;
}

/** Writes the current link now (unless a tour owns the address bar). */
export function writeLinkNow(store: AppStore): void {
  if (tourOwnsAddress(tourStore.getState())) return;
  const hash = linkOf(store.getState());
  if (window.location.hash !== hash) replaceHash(hash);
}

/** Starts syncing; returns the function that stops it. */
export function installUrlSync(store: AppStore, tours = tourStore): () => void {
  let timer: number | null = null;
  const schedule = (delay: number) => {
    if (timer !== null) window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      timer = null;
      writeLinkNow(store);
    }, delay);
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const changed =
      state.scenario !== previous.scenario ||
      state.playing !== previous.playing ||
      (!state.playing && Math.floor(state.cursor.time) !== Math.floor(previous.cursor.time));
    if (changed) schedule(urlSyncDelayMs);
  });
  // A tour closed or finished: the scenario link replaces `#tour=` at once. Not synchronously: the
  // code that closed it may be loading another scenario (Back to a link), whose link is the one due.
  const unsubscribeTours = tours.subscribe((state, previous) => {
    if (tourOwnsAddress(previous) && !tourOwnsAddress(state)) schedule(0);
  });
  return () => {
    unsubscribe();
    unsubscribeTours();
    if (timer !== null) window.clearTimeout(timer);
  };
}
