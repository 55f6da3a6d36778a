/**
 * Browser history over the scenarios a person loaded: loading a new scenario, tour or link pushes
 * one history entry (never one per frame); back and forward (popstate) load that entry again.
 */
import type { Scenario } from '../../sim/scenario-types.ts';
import { defaultScenario } from '../../scenario/builtin.ts';
import type { Session } from '../session.ts';
import type { AppStore } from '../store.ts';
import { decodeLink, encodeLink } from '../link.ts';

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

export function pushHash(hash: string): void {
  if (quiet > 0 || typeof window === 'undefined') return;
  if (window.location.hash === hash) return;
  window.history.pushState(null, '', hash === '' ? window.location.pathname : hash);
}

export function replaceHash(hash: string): void {
  if (quiet > 0 || typeof window === 'undefined') return;
  window.history.replaceState(null, '', hash === '' ? window.location.pathname : hash);
}

/** Loads a `#s=` link (or the default scenario for an empty one); reports a bad link. */
export function loadLinkHash(session: Session, store: AppStore, hash: string): void {
  const link = decodeLink(hash);
  withoutHistory(() => {
    if (link?.ok === true) {
      session.newRun(link.payload.scenario, false);
      session.goToTime(link.payload.time);
      store.setState({ linkProblem: null });
    } else {
      session.newRun(defaultScenario, false);
      store.setState({ linkProblem: link === null ? null : link.problem });
    }
  });
}

/** Records a newly loaded scenario as a history entry (its link at time 0). */
export function recordLoaded(scenario: Scenario): void {
  pushHash(encodeLink(scenario, 0));
}
