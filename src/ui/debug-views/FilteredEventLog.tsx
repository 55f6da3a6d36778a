/**
 * The event log with filters: the existing log's rows (newest first, click to move the cursor) and
 * its "Notable only" switch, plus a replica or client filter, a message-type filter and text search
 * over the captions. Filtering scans back at most scanMax events from the cursor.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageType } from '../../protocol/index.ts';
import type { TraceEventKind } from '../../sim/trace.ts';
import { captionOf } from '../captions.ts';
import { session } from '../controller.ts';
import { formatTime } from '../format.ts';
import { isNotable } from '../notable.ts';
import { messageStyles } from '../palette.ts';
import { useApp } from '../store.ts';
import { passes, setLogFilter, useLogFilter } from '../log-filter.ts';

/** Rows the log can scroll through (newest first); earlier events are reached by moving the cursor. */
const rowsMax = 100_000;
const rowHeightPx = 24;
/** Rows rendered beyond those in sight, above and below. */
const overscanRows = 10;
const scanMax = 20_000;
const slowSpeed = 0.1;
const announceEveryMs = 3000;
const allTypes = Object.keys(messageStyles) as MessageType[];

export { passes, type LogFilter } from '../log-filter.ts';

export function FilteredEventLog() {
  const { event, generation, playing, speed, replicas, clients } = useApp(
    useShallow((s) => ({
      event: s.logEvent,
      generation: s.generation,
      playing: s.playing,
      speed: s.speed,
      replicas: s.scenario.replicas,
      clients: s.panelFrame?.clients.map((c) => c.id).join('\n') ?? '',
    })),
  );
  // In a store of its own: the keyboard's "next search match" reads it too.
  const filter = useLogFilter();
  const setFilter = setLogFilter;
  const journal = session().run.journal;
  const filtered =
    filter.notableOnly || filter.node !== '' || filter.type !== '' || filter.search.trim() !== '';
  const end = Math.min(event, journal.eventCount);
  // Filtered: the matches among the scanMax events before the cursor. Unfiltered: every event
  // before the cursor, newest first, at most rowsMax of them. Either way only the rows in sight
  // are rendered (see VirtualRows).
  const matches = useMemo(() => {
    if (!filtered) return null;
    const found: number[] = [];
    for (let index = end - 1; index >= Math.max(0, end - scanMax); index--)
      if (passes(journal, index, filter)) found.push(index);
    return found;
    // generation: the same event count in a forked run is another trace.
    // oxlint-disable-next-line react-hooks/exhaustive-deps, react/memo-dependencies -- see above
  }, [filtered, end, filter, journal, generation]);
  const total = matches === null ? Math.min(end, rowsMax) : matches.length;
  const eventOfRow = (row: number) => (matches === null ? end - 1 - row : matches[row]);
  const slow = !playing || speed <= slowSpeed;
  const nodes = [
    ...Array.from({ length: replicas }, (_, r) => `replica ${r}`),
    ...(clients === '' ? [] : clients.split('\n').map((c) => `client ${c}`)),
  ];
  return (
    <section className="event-log" aria-label="Event log">
      <header className="panel-head">
        <h2>Event log</h2>
        <label
          className="inline"
          title="Only view changes, commits, crashes, recoveries, actions and violations."
        >
          <input
            type="checkbox"
            checked={filter.notableOnly}
            onChange={(e) => setFilter({ ...filter, notableOnly: e.target.checked })}
          />
          Notable only
        </label>
      </header>
      <div className="log-filters" role="group" aria-label="Event log filters">
        <label className="inline" title="Only events at, from or to this replica or client.">
          Node{' '}
          <select value={filter.node} onChange={(e) => setFilter({ ...filter, node: e.target.value })}>
            <option value="">all</option>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>{' '}
        <label className="inline" title="Only events about messages of this type.">
          Message type{' '}
          <select
            value={filter.type}
            onChange={(e) => setFilter({ ...filter, type: e.target.value as MessageType | '' })}
          >
            <option value="">all</option>
            {allTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>{' '}
        <label
          className="inline"
          title="Only events whose words contain this; N and Shift+N jump between them."
        >
          Search{' '}
          <input
            type="search"
            value={filter.search}
            onChange={(e) => setFilter({ ...filter, search: e.target.value })}
            placeholder="e.g. view 1"
          />
        </label>
      </div>
      <NotableAnnouncer event={event} enabled={playing && !slow} />
      {total === 0 ? (
        <p className="muted log-empty">
          {filtered ? 'No event matches the filters.' : 'Nothing has happened yet.'}
        </p>
      ) : (
        <VirtualRows total={total} newest={end} generation={generation} slow={slow}>
          {(row) => {
            const index = eventOfRow(row);
            return (
              <LogRow
                key={`${generation}-${index}`}
                index={index}
                row={row}
                total={total}
                kind={journal.eventKind(index)}
                time={journal.eventTime(index)}
                current={index === end - 1}
                caption={captionOf(journal, index)}
              />
            );
          }}
        </VirtualRows>
      )}
      {matches === null && end > rowsMax ? (
        <p className="muted">{`The latest ${rowsMax.toLocaleString('en')} events before the cursor; move the cursor for earlier ones.`}</p>
      ) : null}
    </section>
  );
}

/**
 * A list that renders only the rows in sight (plus a few): the log can hold a hundred thousand rows
 * at a fixed height each. Row 0 is the newest; while the person has scrolled down, rows that
 * arrive on top move the scroll position with them, so what they read stays in place.
 */
function VirtualRows({
  total,
  newest,
  generation,
  slow,
  children,
}: {
  readonly total: number;
  /** The newest event's count: when it grows, new rows arrived on top. */
  readonly newest: number;
  readonly generation: number;
  readonly slow: boolean;
  readonly children: (row: number) => ReactNode;
}) {
  const box = useRef<HTMLOListElement | null>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const previous = useRef({ newest, generation });
  useLayoutEffect(() => {
    const element = box.current;
    const before = previous.current;
    previous.current = { newest, generation };
    if (element === null || before.generation !== generation || element.scrollTop === 0) return;
    const added = newest - before.newest;
    if (added > 0) element.scrollTop += added * rowHeightPx;
  }, [newest, generation]);
  useLayoutEffect(() => {
    const element = box.current;
    if (element === null) return;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight || 400 });
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    measure();
    return () => observer.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(view.top / rowHeightPx) - overscanRows);
  const last = Math.min(total, Math.ceil((view.top + view.height) / rowHeightPx) + overscanRows);
  const rows: ReactNode[] = [];
  for (let row = first; row < last; row++) rows.push(children(row));
  return (
    <ol
      ref={box}
      className="log-list"
      aria-live={slow ? 'polite' : 'off'}
      aria-relevant="additions"
      data-generation={generation}
      onScroll={(event) => {
        const element = event.currentTarget;
        setView({ top: element.scrollTop, height: element.clientHeight || 400 });
      }}
    >
      <li className="log-spacer" aria-hidden="true" style={{ height: total * rowHeightPx }} />
      {rows}
    </ol>
  );
}

const LogRow = memo(function LogRow({
  index,
  row,
  total,
  kind,
  time,
  current,
  caption,
}: {
  readonly index: number;
  /** Its place in the list (0 is the newest), and the list's length. */
  readonly row: number;
  readonly total: number;
  readonly kind: TraceEventKind;
  readonly time: number;
  readonly current: boolean;
  readonly caption: string;
}) {
  return (
    <li
      className={current ? 'current' : undefined}
      aria-current={current ? 'step' : undefined}
      aria-setsize={total}
      aria-posinset={row + 1}
      style={{ top: row * rowHeightPx }}
    >
      <button
        type="button"
        className={`log-entry kind-${kind}`}
        onClick={() => session().seekEvent(index + 1)}
        title={`${caption}. Click to move the cursor to just after it.`}
      >
        <span className="log-time">{formatTime(time)}</span>
        <span className="log-caption">{caption}</span>
      </button>
    </li>
  );
});

/** While playing fast, announce the latest notable event at most every few seconds. */
function NotableAnnouncer({ event, enabled }: { readonly event: number; readonly enabled: boolean }) {
  const [text, setText] = useState('');
  const last = useRef({ at: 0, index: -1 });
  useEffect(() => {
    if (!enabled) return;
    const now = performance.now();
    if (now - last.current.at < announceEveryMs) return;
    const journal = session().run.journal;
    for (
      let index = Math.min(event, journal.eventCount) - 1;
      index > last.current.index && index >= event - 500;
      index--
    )
      if (isNotable(journal, index)) {
        last.current = { at: now, index };
        setText(captionOf(journal, index));
        return;
      }
  }, [event, enabled]);
  return (
    <p className="sr-only" role="status">
      {enabled ? text : ''}
    </p>
  );
}
