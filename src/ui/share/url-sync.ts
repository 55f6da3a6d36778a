/**
 * Keeps the address bar's `#s=` link equal to what is on screen: the scenario with every action
 * taken so far, and the cursor's time. It replaces the current history entry (back and forward
 * still move between loaded scenarios, not frames) and waits for things to settle: while playing,
 * only a change of the scenario is written, and the cursor's time once playback pauses.
 */
import { encodeLink } from '../link.ts';
import type { AppState, AppStore } from '../store.ts';
import { replaceHash } from './history.ts';

/** Quiet time before the link is rewritten (history.replaceState is rate-limited by browsers). */
export const urlSyncDelayMs = 400;

function linkOf(state: AppState): string {
  return encodeLink(state.scenario, state.cursor.time);
}

/** Starts syncing; returns the function that stops it. */
export function installUrlSync(store: AppStore): () => void {
  let timer: number | null = null;
  const write = () => {
    timer = null;
    // A tour owns the address bar while it is open.
    if (window.location.hash.startsWith('#tour=')) return;
    const hash = linkOf(store.getState());
    if (window.location.hash !== hash) replaceHash(hash);
  };
  const unsubscribe = store.subscribe((state, previous) => {
    const changed =
      state.scenario !== previous.scenario ||
      state.playing !== previous.playing ||
      (!state.playing && Math.floor(state.cursor.time) !== Math.floor(previous.cursor.time));
    if (!changed) return;
    if (timer !== null) window.clearTimeout(timer);
    timer = window.setTimeout(write, urlSyncDelayMs);
  });
  return () => {
    unsubscribe();
    if (timer !== null) window.clearTimeout(timer);
  };
}
