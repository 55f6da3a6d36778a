import { useEffect } from 'react';
import { session } from '../controller.ts';
import { appStore } from '../store.ts';
import { ClusterView, InFlightList } from './ClusterView.tsx';
import { Controls } from './Controls.tsx';
import { DebugViews } from '../debug-views/DebugViews.tsx';
import { FilteredEventLog } from '../debug-views/FilteredEventLog.tsx';
import { DebugTrap } from './DebugTrap.tsx';
import { HelpDialog, SettingsDialog } from './Dialogs.tsx';
import { Inspector } from './Inspector.tsx';
import { Hint, Legend, LinkProblem, Notices, StatusBar, StopPanel, shareLink } from './Panels.tsx';
import { ReplicaCards } from './ReplicaCards.tsx';
import { Transport } from './Transport.tsx';
import { ShareRoot } from '../share/ShareRoot.tsx';
import { ImportProblem, ShareMenu } from '../share/ShareMenu.tsx';
import { TraceReplay } from '../share/TraceReplay.tsx';
import { ToursButton, TourGallery } from '../tours/TourGallery.tsx';
import { TourPanel } from '../tours/TourPanel.tsx';

/** Elements where keys belong to the element itself (typing, sliders, buttons, menus). */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  // Space and Enter activate a focused button; arrows and brackets stay global.
  if (key === ' ' && (tag === 'BUTTON' || tag === 'SUMMARY' || target.getAttribute('role') === 'button'))
    return true;
  return target.closest('dialog') !== null;
}

/** Global keyboard shortcuts (the help dialog lists them). */
export function handleShortcut(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  const store = appStore();
  const s = session();
  if (event.key === '?') {
    if (store.getState().helpOpen) return false;
    store.setState({ helpOpen: true });
    return true;
  }
  if (ownsKeys(event.target, event.key)) return false;
  switch (event.key) {
    case ' ':
      s.togglePlay();
      return true;
    case 'ArrowRight':
      if (event.shiftKey) s.nextNotable();
      else s.stepForward();
      return true;
    case 'ArrowLeft':
      if (event.shiftKey) s.previousNotable();
      else s.stepBack();
      return true;
    case ']':
      s.changeSpeed(1);
      return true;
    case '[':
      s.changeSpeed(-1);
      return true;
    case 'Home':
      s.pause();
      s.seekEvent(0);
      return true;
    case 'End':
      s.pause();
      s.seekTime(s.run.head.now);
      return true;
    case 'Escape':
      if (store.getState().selection === null) return false;
      store.setState({ selection: null });
      return true;
    default:
      return false;
  }
}

export function App() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (handleShortcut(event)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="app">
      <header className="topbar">
        <h1>
          vsr-scope <span className="subtitle">Viewstamped Replication, live</span>
        </h1>
        <StatusBar />
        <nav className="top-actions" aria-label="Run">
          <ToursButton />
          <ShareMenu />
          <button
            type="button"
            onClick={shareLink}
            title="Copy a link that replays this run and lands at this moment."
          >
            Share
          </button>
          <button
            type="button"
            onClick={() => appStore().setState({ settingsOpen: true })}
            title="Cluster size, clients, seed, state machine: start a new run."
          >
            Settings
          </button>
          <button
            type="button"
            onClick={() => appStore().setState({ helpOpen: true })}
            title="Keyboard shortcuts and what the messages mean (?)."
          >
            Help
          </button>
        </nav>
      </header>
      <LinkProblem />
      <StopPanel />
      <ImportProblem />
      <TourPanel />
      <main className="layout">
        <div className="stage">
          <Hint />
          <ClusterView />
          <Transport />
          <Controls />
          <InFlightList />
          <Legend />
        </div>
        <div className="side">
          <Inspector />
          <h2 className="sr-only">Replicas</h2>
          <ReplicaCards />
          <FilteredEventLog />
        </div>
      </main>
      <DebugViews />
      <Notices />
      <DebugTrap />
      <HelpDialog />
      <SettingsDialog />
      <TourGallery />
      <TraceReplay />
      <ShareRoot />
    </div>
  );
}
