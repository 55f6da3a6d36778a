import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { defaultScenario } from '../scenario/builtin.ts';
import { installBranches } from './branches/branch-store.ts';
import { App } from './components/App.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { setSession } from './controller.ts';
import { installDebug, recordFrameWork } from './debug.ts';
import { decodeLink } from './link.ts';
import { prefersReducedMotion } from './motion.ts';
import { Session } from './session.ts';
import { createAppStore, setAppStore } from './store.ts';
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './styles.css';

const link = decodeLink(window.location.hash);
const scenario = link?.ok === true ? link.payload.scenario : defaultScenario;
// The first load plays at once; a link lands paused at its moment; reduced motion waits for Play.
const store = createAppStore(scenario, link?.ok !== true && !prefersReducedMotion());
setAppStore(store);
// A link is loaded to be checked and keeps its end; the default scenario is live and open-ended.
const session = new Session(store, scenario, { openEnded: link?.ok !== true });
setSession(session);
installBranches(session, store, link?.ok === true ? link.payload : null);
if (link?.ok === true) session.goToTime(link.payload.time);
if (link?.ok === false) store.setState({ linkProblem: link.problem });
installDebug(session);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

// The animation loop: wall time x speed -> virtual time, one store update per frame. The render is
// flushed inside the measured region so the frame's work time includes React's.
function frame(wall: number): void {
  const panels = store.getState().panelFrame;
  const started = performance.now();
  flushSync(() => session.tick(wall));
  const state = store.getState();
  recordFrameWork(performance.now() - started, state.playing, state.panelFrame !== panels);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
