import {
  lazy,
  Suspense,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type MouseEvent,
  type ReactNode,
  type TouchEvent,
} from 'react';
import { session } from '../controller.ts';
import { appStore, useApp } from '../store.ts';
import {
  alertViolation,
  dockHeightMax,
  dockHeightMin,
  dockTabLabels,
  resizeDock,
  phoneTabs,
  resizeSide,
  showDock,
  showPhoneTab,
  showSide,
  sideTabLabels,
  sideWidthMax,
  sideWidthMin,
  useWorkspace,
  type DockTab,
  type PhoneTab,
  type SideTab,
} from '../workspace.ts';
import { ClusterView, InFlightList } from './ClusterView.tsx';
import { Controls } from './Controls.tsx';
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import '../debug-views/debug-views.css';
import { SpaceTimeDiagram } from '../debug-views/SpaceTime.tsx';
import { ViolationPanel } from '../debug-views/ViolationPanel.tsx';
import { FilteredEventLog } from '../debug-views/FilteredEventLog.tsx';
import { DebugTrap } from './DebugTrap.tsx';
import { HelpDialog, SettingsDialog } from './Dialogs.tsx';
import { Inspector } from './Inspector.tsx';
import { Hint, Legend, LinkProblem, Notices, StatusBar, StopPanel, shareLink } from './Panels.tsx';
import { ReplicaCards } from './ReplicaCards.tsx';
import { Transport, jumpKeys, jumpTo } from './Transport.tsx';
import type { JumpKind } from '../notable.ts';
import { ShareRoot } from '../share/ShareRoot.tsx';
import { ImportProblem, ShareMenu } from '../share/ShareMenu.tsx';
import { TraceReplay } from '../share/TraceReplay.tsx';
import { ToursButton, TourGallery } from '../tours/TourGallery.tsx';
import { TourPanel } from '../tours/TourPanel.tsx';
import { useTours } from '../tours/tour-store.ts';
import { Splitter } from './Splitter.tsx';
import { Tabs, type TabSpec } from './Tabs.tsx';

// Tabs of the dock that the first screen does not show load when first opened: the first load
// downloads and parses less (the bundle stays under its budget).
const BranchesPanel = lazy(() =>
  import('../branches/BranchesPanel.tsx').then((m) => ({ default: m.BranchesPanel })),
);
const ExplorePanel = lazy(() =>
  import('../debug-views/ExplorePanel.tsx').then((m) => ({ default: m.ExplorePanel })),
);
const FuzzPanel = lazy(() => import('../debug-views/FuzzPanel.tsx').then((m) => ({ default: m.FuzzPanel })));
const LinearizabilityView = lazy(() =>
  import('../debug-views/LinearizabilityView.tsx').then((m) => ({ default: m.LinearizabilityView })),
);
const StateDiff = lazy(() => import('../debug-views/StateDiff.tsx').then((m) => ({ default: m.StateDiff })));

/** A lazily loaded panel, with a line to read while it loads. */
function Later({ children }: { readonly children: ReactNode }) {
  return <Suspense fallback={<p className="muted">Loading…</p>}>{children}</Suspense>;
}

/** Whether Space, pressed on `target`, plays and pauses (everywhere but where it types or ticks). */
export function spaceIsGlobal(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return true;
  if (target.isContentEditable) return false;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return false;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    // Space ticks a checkbox or a radio: it has no other key. Buttons are pressed with Enter.
    return type === 'button' || type === 'submit' || type === 'reset' || type === 'range';
  }
  // A modal dialog keeps its keys (Space in the settings form); once it is closed Space plays.
  return target.closest('dialog[open]') === null;
}

/** Elements where keys belong to the element itself (typing, sliders, menus, tabs, dialogs). */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (key === ' ') return !spaceIsGlobal(target);
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (target.getAttribute('role') === 'tab' || target.getAttribute('role') === 'separator') return true;
  return target.closest('dialog') !== null;
}

/** The jump a letter key asks for: the letter goes forward, Shift with it goes back. */
function jumpOfKey(key: string): { kind: Exclude<JumpKind, 'notable'>; direction: 1 | -1 } | null {
  for (const [kind, letter] of Object.entries(jumpKeys) as [Exclude<JumpKind, 'notable'>, string][]) {
    if (key === letter) return { kind, direction: 1 };
    if (key === letter.toUpperCase()) return { kind, direction: -1 };
  }
  return null;
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
  const jump = jumpOfKey(event.key);
  if (jump !== null) {
    jumpTo(jump.kind, jump.direction);
    return true;
  }
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
    // A button activates on the release of Space: the press already played or paused, so the
    // release must not also press the focused button (a second Cut link, Settings reopened).
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.key === ' ' && spaceIsGlobal(event.target)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, []);
  useViolationAlert();
  useSelectionOpensItsTab();
  const presenter = useWorkspace((s) => s.presenter);
  const touring = useTours((s) => s.active !== null);
  return (
    <div className={`app workspace${presenter && touring ? ' presenter' : ''}`}>
      <a
        className="skip-link"
        href="#dock"
        onClick={skipToDock}
        title="Move the keyboard to the debugging views' tabs."
      >
        Skip to the debugging views
      </a>
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
      <div className="banners">
        <LinkProblem />
        <StopPanel />
        <ImportProblem />
      </div>
      <Workspace />
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

function skipToDock(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  document.querySelector<HTMLElement>('#dock [role="tab"][aria-selected="true"]')?.focus();
}

/**
 * Picking something anywhere (the cluster view, the diagram, the in-flight list, the event log)
 * opens the tab that shows it: a message or a link the Inspector, a replica its card. Nothing
 * scrolls the page.
 */
function useSelectionOpensItsTab(): void {
  useEffect(
    () =>
      appStore().subscribe((state, previous) => {
        const selection = state.selection;
        if (selection === previous.selection || selection === null) return;
        showSide(selection.kind === 'replica' ? 'replicas' : 'inspector');
      }),
    [],
  );
}

/** A violation that appears opens the Violation tab of the dock and marks it. */
function useViolationAlert(): void {
  const violated = useApp((s) => (s.panelFrame?.violations.length ?? 0) > 0 || s.stop !== null);
  useEffect(() => {
    if (violated) alertViolation();
  }, [violated]);
}

const sideTabSpecs: readonly TabSpec<SideTab>[] = [
  {
    id: 'replicas',
    label: sideTabLabels.replicas,
    title: 'A card per replica: view, status, log, state machine, client table, and its fault buttons.',
    render: () => (
      <>
        <h2 className="sr-only">Replicas</h2>
        <ReplicaCards />
      </>
    ),
  },
  {
    id: 'inspector',
    label: sideTabLabels.inspector,
    title:
      'The message or link you picked, in the cluster view, the diagram or the list of messages in flight.',
    render: () => (
      <>
        <Inspector />
        <InFlightList />
      </>
    ),
  },
  {
    id: 'faults',
    label: sideTabLabels.faults,
    title: 'Partitions, cut links, client requests, the workload and the network: each becomes an action.',
    render: () => <Controls />,
  },
  {
    id: 'log',
    label: sideTabLabels.log,
    title: 'Every event in plain words, with filters and search.',
    render: () => <FilteredEventLog />,
  },
];

function dockTabSpecs(alert: DockTab | null, violations: number): TabSpec<DockTab>[] {
  return [
    {
      id: 'space-time',
      label: dockTabLabels['space-time'],
      title: 'A lane per node and an arrow per message: click an arrow to go there and inspect it.',
      render: () => <SpaceTimeDiagram />,
    },
    {
      id: 'linearizability',
      label: dockTabLabels.linearizability,
      title: 'The client history on a time axis, and whether it is linearizable.',
      render: () => (
        <Later>
          <LinearizabilityView />
        </Later>
      ),
    },
    {
      id: 'state-diff',
      label: dockTabLabels['state-diff'],
      title: 'Compare two replicas, or one replica at two moments: logs, state machines, client tables.',
      render: () => (
        <Later>
          <StateDiff />
        </Later>
      ),
    },
    {
      id: 'fuzz',
      label: dockTabLabels.fuzz,
      title: 'Fuzz seeds in Web Workers and open a counterexample as a scenario.',
      render: () => (
        <Later>
          <FuzzPanel />
        </Later>
      ),
    },
    {
      id: 'explore',
      label: dockTabLabels.explore,
      title:
        'Explore from here: every choice the network could make from this moment, checked state by state.',
      render: () => (
        <Later>
          <ExplorePanel />
        </Later>
      ),
    },
    {
      id: 'branches',
      label: dockTabLabels.branches,
      title: 'Every future you tried: switch between branches, share one, compare two.',
      render: () => (
        <Later>
          <BranchesPanel />
        </Later>
      ),
    },
    {
      id: 'violation',
      label: dockTabLabels.violation,
      title: 'The broken rule in plain words, its evidence, and Shrink to a minimal scenario.',
      render: () => <ViolationTab />,
      alert: alert === 'violation',
      badge: violations > 0 ? '!' : undefined,
    },
  ];
}

function ViolationTab() {
  const none = useApp((s) => (s.panelFrame?.violations.length ?? 0) === 0);
  return (
    <>
      {none ? (
        <p className="muted empty-tab">No invariant is broken at this moment: every checker holds.</p>
      ) : null}
      <ViolationPanel />
    </>
  );
}

const phoneQuery = '(max-width: 599px)';

/** Whether the screen is a phone's (one column, one tab bar). */
function usePhone(): boolean {
  const [phone, setPhone] = useState(() => window.matchMedia(phoneQuery).matches);
  useEffect(() => {
    const query = window.matchMedia(phoneQuery);
    const onChange = () => setPhone(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return phone;
}

function Stage() {
  return (
    <div className="stage">
      <div className="stage-view">
        <div className="cluster-area">
          <Hint />
          <ClusterView />
          <Legend />
        </div>
        <TourPanel />
      </div>
      <Transport />
    </div>
  );
}

function Workspace() {
  return usePhone() ? <PhoneWorkspace /> : <DesktopWorkspace />;
}

/** A horizontal swipe over the panels of a phone moves to the next or previous tab. */
function useSwipe(onSwipe: (direction: 1 | -1) => void) {
  const start = useRef<{ x: number; y: number } | null>(null);
  return {
    onTouchStart: (event: TouchEvent) => {
      const touch = event.touches[0];
      start.current = touch === undefined ? null : { x: touch.clientX, y: touch.clientY };
    },
    onTouchEnd: (event: TouchEvent) => {
      const from = start.current;
      const touch = event.changedTouches[0];
      start.current = null;
      if (from === null || touch === undefined) return;
      const dx = touch.clientX - from.x;
      const dy = touch.clientY - from.y;
      if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) onSwipe(dx < 0 ? 1 : -1);
    },
  };
}

/** On a phone: the cluster and the transport on top, every panel in one swipeable tab bar below. */
function PhoneWorkspace() {
  const phone = useWorkspace((s) => s.phone);
  const alert = useWorkspace((s) => s.alert);
  const violations = useApp((s) => s.panelFrame?.violations.length ?? 0);
  const tabs = useMemo(
    () => [...sideTabSpecs, ...dockTabSpecs(alert, violations)] as TabSpec<PhoneTab>[],
    [alert, violations],
  );
  const swipe = useSwipe((direction) => {
    const index = phoneTabs.indexOf(phone);
    showPhoneTab(phoneTabs[(index + direction + phoneTabs.length) % phoneTabs.length]);
  });
  return (
    <main className="workspace-main phone">
      <Stage />
      <section className="phone-panels" id="dock" aria-label="Panels" {...swipe}>
        <Tabs name="phone" label="Panels" tabs={tabs} selected={phone} onSelect={showPhoneTab} />
      </section>
    </main>
  );
}

/** The one-screen layout: cluster and transport, the side panel, the bottom dock. */
function DesktopWorkspace() {
  const side = useWorkspace((s) => s.side);
  const dock = useWorkspace((s) => s.dock);
  const alert = useWorkspace((s) => s.alert);
  const sideWidth = useWorkspace((s) => s.sideWidth);
  const dockHeight = useWorkspace((s) => s.dockHeight);
  const violations = useApp((s) => s.panelFrame?.violations.length ?? 0);
  const dockTabsNow = useMemo(() => dockTabSpecs(alert, violations), [alert, violations]);
  const style = { '--side-width': `${sideWidth}px`, '--dock-height': `${dockHeight}px` } as CSSProperties;
  return (
    <main className="workspace-main" style={style}>
      <Stage />
      <Splitter
        orientation="vertical"
        label="Resize the side panel"
        value={sideWidth}
        min={sideWidthMin}
        max={sideWidthMax}
        onResize={resizeSide}
        invert
      />
      <aside className="side" aria-label="Side panel">
        <Tabs name="side" label="Side panel" tabs={sideTabSpecs} selected={side} onSelect={showSide} />
      </aside>
      <Splitter
        orientation="horizontal"
        label="Resize the debugging views"
        value={dockHeight}
        min={dockHeightMin}
        max={dockHeightMax}
        onResize={resizeDock}
        invert
      />
      <section className="dock debug-views" id="dock" aria-label="Debugging views">
        <Tabs name="dock" label="Debugging views" tabs={dockTabsNow} selected={dock} onSelect={showDock} />
      </section>
    </main>
  );
}
