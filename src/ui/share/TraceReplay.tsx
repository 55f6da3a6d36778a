/**
 * A trace recorded outside the simulator (for example from a real TCP cluster), replayed read-only:
 * time travel over its events, the event log up to the cursor, the messages in flight and what each
 * node did last, and a space-time diagram of it. The simulator cannot re-run it, so there is nothing
 * to inject faults into: the page's fault buttons are out of reach (the replay is modal) and the note
 * says why.
 */
import { Component, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { captionOf, messageLabel } from '../captions.ts';
import { formatTime, nodeName } from '../format.ts';
import { ArrayTrace } from '../../sim/array-trace.ts';
import type { MessageRecord, TraceEvent, TraceReader } from '../../sim/trace.ts';
import { cleanStopCaption, clip, type ImportedTrace } from './import-export.ts';
import { SpaceTimeView, type DiagramSource } from '../debug-views/SpaceTime.tsx';
import { clampCount } from '../debug-views/trace-index.ts';
import { closeTrace, shareStore, useShare } from './share-store.ts';

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function caption(trace: TraceReader, event: TraceEvent): string {
  return safe(
    () => cleanStopCaption(event) ?? captionOf(trace, event.index),
    `${event.kind} at ${event.node === null ? 'network' : String(event.node)}`,
  );
}

export function TraceReplay() {
  const trace = useShare((s) => s.trace);
  const serial = useShare((s) => s.traceSerial);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (trace !== null && !dialog.open) dialog.showModal();
    if (trace === null && dialog.open) dialog.close();
  }, [trace]);
  return (
    <dialog ref={ref} className="modal trace-replay" aria-labelledby={titleId} onClose={closeTrace}>
      {trace !== null ? (
        <ReplayBoundary key={serial}>
          <TraceBody trace={trace} titleId={titleId} />
        </ReplayBoundary>
      ) : null}
    </dialog>
  );
}

/**
 * A trace the import let through but the replay cannot show must not take the page down: the replay
 * closes and says why, and the simulator's run underneath is untouched.
 */
class ReplayBoundary extends Component<{ readonly children: ReactNode }, { readonly failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error): void {
    console.error('vsr-scope trace replay failed', error);
    shareStore.setState({
      trace: null,
      importProblem: `the trace could not be shown (${clip(`${error.name}: ${error.message}`, 120)})`,
    });
  }

  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}

/** Nodes that appear in a trace: replicas (numbers) and clients (names), for the diagram's lanes. */
function lanesOf(trace: ImportedTrace): { replicas: number; clientIds: string[] } {
  let replicas = trace.replicas ?? 0;
  const clients = new Set<string>();
  const see = (node: unknown) => {
    // With a declared count, import already refused replicas past it; without one, up to 9 lanes.
    if (typeof node === 'number' && trace.replicas === null && Number.isInteger(node) && node >= 0)
      replicas = Math.max(replicas, Math.min(node + 1, 9));
    else if (typeof node === 'string') clients.add(node);
  };
  for (const event of trace.events) see(event.node);
  for (const record of trace.messages) {
    see(record.from);
    see(record.to);
  }
  return { replicas: Math.min(replicas, 9), clientIds: [...clients].sort() };
}

/**
 * A diagram source over the recorded trace and this replay's own cursor (an event count): the
 * replay tells it where the cursor is with show(); clicks in the diagram call setCursor.
 */
function traceSource(
  trace: ImportedTrace,
  reader: TraceReader,
  setCursor: (count: number) => void,
  select: (record: MessageRecord) => void,
): DiagramSource & { show(count: number): void } {
  const listeners = new Set<() => void>();
  let shown = trace.events.length;
  const timeOf = (count: number) => (count === 0 ? 0 : (trace.events[count - 1]?.time ?? 0));
  // Every seek goes through here: a NaN or out-of-range count (odd input) lands on an event.
  const seek = (count: number) => setCursor(clampCount(count, trace.events.length));
  return {
    journal: () => reader,
    generation: () => 0,
    cursorTime: () => timeOf(shown),
    endTime: () => timeOf(trace.events.length),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    show: (count) => {
      shown = count;
      listeners.forEach((listener) => listener());
    },
    seekTime: (time) => {
      let count = 0;
      while (count < trace.events.length && trace.events[count].time <= time) count++;
      seek(count);
    },
    seekEvent: seek,
    playing: () => false,
    fast: () => false,
    slowMotion: () => true,
    selectMessage: (record) => {
      seek(record.sentBy + 1);
      select(record);
    },
  };
}

function TraceBody({ trace, titleId }: { readonly trace: ImportedTrace; readonly titleId: string }) {
  const [cursor, setCursor] = useState(trace.events.length);
  const [selected, setSelected] = useState<MessageRecord | null>(null);
  const reader = useMemo(() => new ArrayTrace(trace.events, trace.messages), [trace]);
  const source = useMemo(() => traceSource(trace, reader, setCursor, setSelected), [trace, reader]);
  const lanes = useMemo(() => lanesOf(trace), [trace]);
  useEffect(() => source.show(cursor), [cursor, source]);
  const view = useMemo(() => {
    const time = cursor === 0 ? 0 : (trace.events[cursor - 1]?.time ?? 0);
    const inFlight = trace.messages.filter(
      (m) =>
        m.sentAt <= time && m.deliverAt > time && (m.lostAt === null || m.lostAt > time) && m.sentBy < cursor,
    );
    const lastByNode = new Map<string, TraceEvent>();
    for (const event of trace.events.slice(0, cursor))
      if (event.node !== null) lastByNode.set(String(event.node), event);
    return {
      time,
      inFlight,
      lastByNode,
      recent: trace.events.slice(Math.max(0, cursor - 40), cursor).toReversed(),
    };
  }, [trace, cursor]);
  return (
    <>
      <header className="panel-head">
        <h2 id={titleId}>Recorded trace (read-only)</h2>
        <button type="button" className="ghost" onClick={closeTrace} aria-label="Close recorded trace">
          ✕
        </button>
      </header>
      <p className="note" role="note">
        {`This trace comes from ${trace.source === 'tcp' ? 'a real cluster' : `a ${trace.source} source`}, not from the simulator, so it cannot be re-run: fault buttons (crash, partition, drop) are disabled here. You can travel through its ${trace.events.length} events.`}
      </p>
      {trace.warnings.length > 0 ? (
        <p className="muted">{`Warnings: ${trace.warnings.slice(0, 3).join('; ')}`}</p>
      ) : null}
      <div className="trace-transport">
        <button type="button" onClick={() => setCursor(0)} disabled={cursor === 0}>
          Trace start
        </button>
        <button type="button" onClick={() => setCursor((c) => Math.max(0, c - 1))} disabled={cursor === 0}>
          Trace step back
        </button>
        <input
          type="range"
          min={0}
          max={trace.events.length}
          value={cursor}
          aria-label="Trace position (events)"
          onChange={(event) => setCursor(clampCount(Number(event.currentTarget.value), trace.events.length))}
        />
        <button
          type="button"
          onClick={() => setCursor((c) => Math.min(trace.events.length, c + 1))}
          disabled={cursor === trace.events.length}
        >
          Trace step forward
        </button>
        <span role="status">{`${formatTime(view.time)} · event ${cursor} of ${trace.events.length}`}</span>
      </div>
      <SpaceTimeView
        source={source}
        replicas={lanes.replicas}
        clientIds={lanes.clientIds}
        label="Recorded trace diagram"
      />
      {selected !== null ? (
        <p className="trace-selected" aria-live="polite">
          {`Selected: ${safe(() => messageLabel(selected), `${selected.message.type} #${selected.id}`)}, sent ${formatTime(selected.sentAt)}${selected.lostAt !== null ? `, lost ${formatTime(selected.lostAt)}` : `, delivered ${formatTime(selected.deliverAt)}`}`}
        </p>
      ) : null}
      <div className="trace-columns">
        <section aria-label="Trace nodes">
          <h3>Nodes</h3>
          <ul>
            {[...view.lastByNode.entries()].map(([node, event]) => (
              <li key={node}>
                <strong>{safe(() => nodeName(event.node!), node)}</strong>
                {`: ${caption(reader, event)} (${formatTime(event.time)})`}
              </li>
            ))}
          </ul>
          <h3>{`Messages in flight: ${view.inFlight.length}`}</h3>
          <ul>
            {view.inFlight.slice(0, 30).map((m) => (
              <li key={m.id}>{safe(() => messageLabel(m), `${m.message.type} ${m.id}`)}</li>
            ))}
          </ul>
        </section>
        <section aria-label="Trace event log">
          <h3>Event log</h3>
          <ol className="trace-log">
            {view.recent.map((event, index) => (
              <li key={cursor - index}>
                <span className="muted">{formatTime(event.time)}</span> {caption(reader, event)}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
