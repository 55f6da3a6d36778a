/**
 * The event log with filters: the existing log's rows (newest first, click to move the cursor) and
 * its "Notable only" switch, plus a replica or client filter, a message-type filter and text search
 * over the captions. Filtering scans back at most scanMax events from the cursor.
 */
import { memo, useEffect, useRef, useState } from 'react';
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

const rowsShown = 40;
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
  const rows: number[] = [];
  const end = Math.min(event, journal.eventCount);
  const scanStop = filtered ? Math.max(0, end - scanMax) : Math.max(0, end - rowsShown);
  for (let index = end - 1; index >= scanStop && rows.length < rowsShown; index--)
    if (!filtered || passes(journal, index, filter)) rows.push(index);
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
      <ol
        className="log-list"
        aria-live={slow ? 'polite' : 'off'}
        aria-relevant="additions"
        data-generation={generation}
      >
        {rows.length === 0 ? (
          <li className="muted">
            {filtered ? 'No event matches the filters.' : 'Nothing has happened yet.'}
          </li>
        ) : null}
        {rows.map((index) => (
          <LogRow
            key={`${generation}-${index}`}
            index={index}
            kind={journal.eventKind(index)}
            time={journal.eventTime(index)}
            current={index === end - 1}
            caption={captionOf(journal, index)}
          />
        ))}
      </ol>
    </section>
  );
}

const LogRow = memo(function LogRow({
  index,
  kind,
  time,
  current,
  caption,
}: {
  readonly index: number;
  readonly kind: TraceEventKind;
  readonly time: number;
  readonly current: boolean;
  readonly caption: string;
}) {
  return (
    <li className={current ? 'current' : undefined} aria-current={current ? 'step' : undefined}>
      <button
        type="button"
        className={`log-entry kind-${kind}`}
        onClick={() => session().seekEvent(index + 1)}
        title="Move the cursor to just after this event"
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
