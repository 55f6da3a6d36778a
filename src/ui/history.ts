/**
 * Browser history over the scenarios a person loaded: loading a new scenario, tour or link pushes
 * one history entry (never one per frame); back and forward (popstate) load that entry again.
 * The address bar never holds a link the app would refuse: a link over the size limit is not
 * written (the person is told once, and pointed to the JSON export).
 */
import type { Scenario } from '../sim/scenario-types.ts';
import { defaultScenario } from '../scenario/builtin.ts';
import type { Session } from './session.ts';
import { appStore, withNotice, type AppStore } from './store.ts';
import { adoptLinkedTree } from './branches/branch-store.ts';
import { decodeLink, encodeLink, linkBytesMax } from './link.ts';
import { prefersReducedMotion } from './motion.ts';

let quiet = 0;

/** Runs `fn` without recording history (loading what the history itself asked for). */
export function withoutHistory<T>(fn: () => T): T {
  quiet++;
  try {
    return fn();
  } finally {
    quiet--;
  }
}

export const tooLargeNotice =
  'This scenario is too large for a link, so the address bar keeps the last one that fit. Use Import / Export → Export scenario JSON to save or share it.';

/** Whether the last link offered was over the limit (the notice shows once per such stretch). */
let overLimit = false;

/**
 * Whether `hash` may go into the address bar: a link longer than decodeLink accepts would load the
 * default scenario on reload or Back, losing the work. The first refusal in a row shows a notice.
 */
export function linkFits(hash: string): boolean {
  if (hash.length <= linkBytesMax) {
    overLimit = false;
    return true;
  }
  if (!overLimit) {
    overLimit = true;
    try {
      appStore().setState((state) => withNotice(state, 'warning', tooLargeNotice));
    } catch {
      // No app store (a test, or before start-up): the link is still not written.
    }
  }
  return false;
}

export function pushHash(hash: string): void {
  if (quiet > 0 || typeof window === 'undefined') return;
  if (window.location.hash === hash) return;
  if (!linkFits(hash)) return;
  window.history.pushState(null, '', hash === '' ? window.location.pathname : hash);
}

export function replaceHash(hash: string): void {
  if (quiet > 0 || typeof window === 'undefined') return;
  if (!linkFits(hash)) return;
  window.history.replaceState(null, '', hash === '' ? window.location.pathname : hash);
}

/**
 * After a bad link: the default scenario, playing unless the person asked for reduced motion (as
 * on a first load), the problem shown, and the address bar holding the default scenario's link
 * instead of the bad one (so reload and Share do not repeat it).
 */
export function fallBackToDefault(session: Session, store: AppStore, problem: string): void {
  withoutHistory(() => session.newRun(defaultScenario, !prefersReducedMotion()));
  store.setState({ linkProblem: problem });
  replaceHash(encodeLink(defaultScenario, 0));
}

/** Loads a `#s=` link (or the default scenario for an empty one); reports a bad link. */
export function loadLinkHash(session: Session, store: AppStore, hash: string): void {
  const link = decodeLink(hash);
  if (link?.ok === false) {
    fallBackToDefault(session, store, link.problem);
    return;
  }
  withoutHistory(() => {
    if (link?.ok === true) {
      session.newRun(link.payload.scenario, false, false);
      adoptLinkedTree(link.payload);
      session.goToTime(link.payload.time);
    } else session.newRun(defaultScenario, false);
    store.setState({ linkProblem: null });
  });
}

/** Records a newly loaded scenario as a history entry (its link at time 0). */
export function recordLoaded(scenario: Scenario): void {
  pushHash(encodeLink(scenario, 0));
}
