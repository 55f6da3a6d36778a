/**
 * The smaller pieces around the views: status bar, legend, notices, the first-load hint, the stop
 * panel for violations and assertion failures, and the bad-link banner.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { messageTypes } from '../../protocol/index.ts';
import { session } from '../controller.ts';
import { formatTime } from '../format.ts';
import { currentLink } from '../branches/branch-store.ts';
import { linkBytesMax } from '../link.ts';
import { markerKindLabels, type MarkerKind } from '../notable.ts';
import { messageGlyphPath, messageStyles, statusStyles } from '../palette.ts';
import { appStore, useApp, withNotice } from '../store.ts';
import { usePrimaryId } from './ReplicaCards.tsx';
import { hintText } from '../hint.ts';
import type { ReplicaFrame } from '../frame.ts';
import { markerColors } from './Transport.tsx';

export function StatusBar() {
  const { time, event, seed, replicas, clients, stateMachine, mutation } = useApp(
    useShallow((s) => ({
      time: s.panelFrame?.time ?? 0,
      event: s.panelFrame?.eventCount ?? 0,
      seed: s.scenario.seed,
      replicas: s.scenario.replicas,
      clients: s.scenario.clients,
      stateMachine: s.scenario.stateMachine,
      mutation: s.scenario.mutation,
    })),
  );
  const violation = useApp((s) => s.frame?.violations[0] ?? null);
  const headViolation = useApp((s) =>
    s.stop !== null && (s.frame?.violations.length ?? 0) === 0 ? s.stop : null,
  );
  return (
    <div className="status-bar" role="group" aria-label="Status">
      <span className="stat stat-fixed stat-time">
        <span className="muted">time</span> <strong>{formatTime(time)}</strong>
      </span>
      <span className="stat stat-fixed stat-event">
        <span className="muted">event</span> <strong>{event}</strong>
      </span>
      <span className="stat">
        <span className="muted">seed</span> <strong>{seed}</strong>
      </span>
      <span className="stat">
        <strong>{`${replicas} replica${replicas === 1 ? '' : 's'}`}</strong>
        {`, ${clients} client${clients === 1 ? '' : 's'}, ${stateMachine === 'kv' ? 'key-value' : 'append log'}`}
        {mutation !== 'none' ? <span className="mutation">{` · mutation ${mutation}`}</span> : null}
      </span>
      {violation === null && headViolation === null ? (
        <span className="checker ok" title="Every invariant checker holds at this point of the run.">
          <span aria-hidden="true">✓</span> checkers: all invariants hold
        </span>
      ) : (
        <span className="checker bad">
          <span aria-hidden="true">✗</span>
          <span className="checker-text" title={(violation ?? headViolation)!.message}>
            {` violation: ${(violation ?? headViolation)!.message}`}
          </span>
          <button
            type="button"
            onClick={() => session().seekEvent((violation ?? headViolation)!.event + 1)}
            title="Move the cursor to just after the event that broke the rule."
          >
            Jump to violation
          </button>
        </span>
      )}
    </div>
  );
}

export function Legend() {
  return (
    <details className="legend key">
      <summary title="What every color, shape and mark in the cluster view, the timeline and the fault lanes means.">
        Key
      </summary>
      <div className="key-body">
        <ul className="legend-list" aria-label="Message types">
          {messageTypes.map((type) => (
            <li key={type} title={messageStyles[type].description}>
              <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
                <path
                  d={messageGlyphPath(type, 70)}
                  fill={messageStyles[type].color}
                  stroke="#222"
                  strokeWidth={0.8}
                />
              </svg>
              <span>{type}</span>
            </li>
          ))}
        </ul>
        <ul className="legend-list" aria-label="Replica status">
          {(['normal', 'view-change', 'recovering', 'crashed'] as const).map((status) => (
            <li key={status} title={statusStyles[status].description}>
              <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
                <circle
                  r={6}
                  fill={statusStyles[status].fill}
                  stroke={statusStyles[status].stroke}
                  strokeWidth={2}
                  strokeDasharray={status === 'crashed' ? '3 2' : undefined}
                />
              </svg>
              <span>{statusStyles[status].label}</span>
            </li>
          ))}
          <li title="The grey ring around a backup drains until its view-change timer fires (§4.2).">
            <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
              <path d="M0,-7A7,7 0 1,1 -7,0" fill="none" stroke="#56606B" strokeWidth={3} />
            </svg>
            <span>view-change timer</span>
          </li>
          <li title="During a partition, replicas on the same side share a ring color.">
            <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
              <circle r={6} fill="none" stroke="#0072B2" strokeWidth={2} />
            </svg>
            <span>partition side</span>
          </li>
          <li title="A replica that still acts as primary of an older view: it has not heard of the new view yet.">
            <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
              <rect
                x={-7}
                y={-4}
                width={14}
                height={8}
                rx={4}
                fill="#fff"
                stroke="#1D2A36"
                strokeDasharray="2 1"
              />
            </svg>
            <span>old primary (stale view)</span>
          </li>
          <li title="A link that loses everything sent over it in that direction.">
            <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
              <path d="M-8,0H8" stroke="#B34700" strokeWidth={2} strokeDasharray="3 2" />
            </svg>
            <span>cut / partitioned link</span>
          </li>
          <li title="A message the network lost fades out where it was lost; a duplicate has a dashed ring.">
            <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
              <path d="M-5,-5L5,5M-5,5L5,-5" stroke="#222" strokeWidth={2} />
            </svg>
            <span>lost message</span>
          </li>
        </ul>
        <ul className="legend-list" aria-label="Timeline markers">
          {(Object.keys(markerKindLabels) as MarkerKind[]).map((kind) => (
            <li key={kind}>
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
                <line
                  x1={8}
                  x2={8}
                  y1={1}
                  y2={15}
                  stroke={markerColors[kind]}
                  strokeWidth={3}
                  strokeDasharray={kind === 'network' ? '3 2' : undefined}
                />
              </svg>
              <span>{markerKindLabels[kind]}</span>
            </li>
          ))}
        </ul>
        <ul className="legend-list" aria-label="Fault lane legend">
          {faultLegend.map(({ className, label }) => (
            <li key={label}>
              <span className={`legend-swatch ${className}`} aria-hidden="true" />
              <span>{label}</span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

/** What the fault lanes under the timeline draw (the same classes as the lanes themselves). */
const faultLegend = [
  { className: 'fault-bar-down', label: 'replica down (crash to restart)' },
  { className: 'fault-bar-partition', label: 'partition (to heal)' },
  { className: 'fault-bar-cut', label: 'cut link (to mend or heal)' },
  { className: 'fault-marker-crash', label: 'action: drag to move, Delete to remove' },
] as const;

export function Notices() {
  const notices = useApp((s) => s.notices);
  useEffect(() => {
    if (notices.length === 0) return;
    const oldest = notices[0];
    const timer = window.setTimeout(() => {
      appStore().setState((s) => ({ notices: s.notices.filter((n) => n.id !== oldest.id) }));
    }, 7000);
    return () => window.clearTimeout(timer);
  }, [notices]);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice ${notice.tone}`}>
          <span>{notice.text}</span>
          <button
            type="button"
            className="ghost"
            aria-label="Dismiss notice"
            onClick={() =>
              appStore().setState((s) => ({ notices: s.notices.filter((n) => n.id !== notice.id) }))
            }
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

const noReplicaFrames: readonly ReplicaFrame[] = [];

export function Hint() {
  const visible = useApp((s) => s.hintVisible && s.stop === null);
  const waiting = useApp((s) => !s.playing && s.cursor.event === 0);
  const primary = usePrimaryId();
  const replicas = useApp((s) => s.panelFrame?.replicas ?? noReplicaFrames);
  if (!visible) return null;
  const start = waiting ? 'Press Play (or Space) to start. ' : '';
  const text = hintText(replicas, primary);
  return (
    <aside className="hint" aria-label="Hint">
      <span>{start + text}</span>
      <button
        type="button"
        className="ghost"
        onClick={() => appStore().setState({ hintVisible: false })}
        aria-label="Dismiss hint"
        title="Hide this hint."
      >
        ✕
      </button>
    </aside>
  );
}

export function StopPanel() {
  const stop = useApp((s) => s.stop);
  if (stop === null) return null;
  return (
    <section className="stop" role="alert" aria-label="Run stopped">
      <div className="stop-text">
        <h2>{`Run stopped: ${stop.title}`}</h2>
        <p title={stop.message}>{stop.message}</p>
        <p className="stop-facts">
          {`seed ${stop.seed} · time ${formatTime(stop.time)} · event #${stop.event}`}
        </p>
      </div>
      <div className="row wrap stop-actions">
        <button
          type="button"
          onClick={() => session().seekEvent(stop.event + 1)}
          title="Move the cursor to just after the event that broke the rule."
        >
          Jump to the event
        </button>
        <button
          type="button"
          onClick={() => shareLink()}
          title="Copy a link that replays this run up to the violation."
        >
          Copy a link that reproduces it
        </button>
        <button
          type="button"
          onClick={() => session().seekEvent(Math.max(0, stop.event))}
          title="Move the cursor to just before the event that broke the rule."
        >
          Show the state before it
        </button>
      </div>
    </section>
  );
}

export function LinkProblem() {
  const problem = useApp((s) => s.linkProblem);
  if (problem === null) return null;
  return (
    <aside className="link-problem" role="alert">
      <span>{`This link could not be opened: ${problem}. Showing the default scenario instead.`}</span>
      <button
        type="button"
        className="ghost"
        onClick={() => appStore().setState({ linkProblem: null })}
        aria-label="Dismiss link problem"
      >
        ✕
      </button>
    </aside>
  );
}

/** Puts the scenario and the cursor in the URL hash and copies the link. */
export function shareLink(): void {
  const state = appStore().getState();
  const hash = currentLink(state.scenario, state.cursor.time);
  if (hash.length > linkBytesMax) {
    appStore().setState((s) =>
      withNotice(
        s,
        'warning',
        `This scenario is too large for a link (${Math.ceil(hash.length / 1024)} KB, the limit is ${linkBytesMax / 1024} KB): use Import / Export, Export scenario JSON.`,
      ),
    );
    return;
  }
  const url = `${window.location.origin}${window.location.pathname}${hash}`;
  window.history.replaceState(null, '', hash);
  const done = (copied: boolean) =>
    appStore().setState((s) =>
      withNotice(
        s,
        'info',
        copied
          ? 'Link copied: it replays this run and lands at this moment.'
          : 'The link is in the address bar: it replays this run.',
      ),
    );
  if (navigator.clipboard === undefined) return done(false);
  navigator.clipboard.writeText(url).then(
    () => done(true),
    () => done(false),
  );
}
