/**
 * The event log with filters: the existing log's rows (newest first, click to move the cursor) and
 * its "Notable only" switch, plus a replica or client filter, a message-type filter and text search
 * over the captions. Filtering scans back at most scanMax events from the cursor.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageType, NodeId } from '../../protocol/index.ts';
import type { MessageRecord, TraceEvent } from '../../sim/trace.ts';
import { captionOf } from '../captions.ts';
import { session } from '../controller.ts';
import { formatTime } from '../format.ts';
import { isNotable } from '../notable.ts';
import { messageStyles } from '../palette.ts';
import { useApp } from '../store.ts';

const rowsShown = 40;
const scanMax = 20_000;
const slowSpeed = 0.1;
const announceEveryMs = 3000;
const allTypes = Object.keys(messageStyles) as MessageType[];

export interface LogFilter {
  readonly notableOnly: boolean;
  /** `replica 2`, `client c0` or '' for all. */
  readonly node: string;
  readonly type: MessageType | '';
  readonly search: string;
}

function nodeKey(node: NodeId | null): string {
  if (node === null) return '';
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}

/** Whether an event passes the filter (pure, unit-tested). */
export function passes(event: TraceEvent, messages: readonly MessageRecord[], filter: LogFilter): boolean {
  if (filter.notableOnly && !isNotable(event, messages)) return false;
  const record = event.kind === 'deliver' || event.kind === 'lose' ? messages[event.msgId] : undefined;
  if (filter.type !== '' && record?.message.type !== filter.type) return false;
  if (filter.node !== '') {
    const involved =
      nodeKey(event.node) === filter.node ||
      (record !== undefined &&
        (nodeKey(record.from) === filter.node || nodeKey(record.to) === filter.node)) ||
      (event.kind === 'action' &&
        'replica' in event.action &&
        `replica ${event.action.replica}` === filter.node);
    if (!involved) return false;
  }
  if (filter.search.trim() !== '') {
    const needle = filter.search.trim().toLowerCase();
    if (!captionOf(event, messages).toLowerCase().includes(needle)) return false;
  }
  return true;
}

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
  const [filter, setFilter] = useState<LogFilter>({ notableOnly: false, node: '', type: '', search: '' });
  const run = session().run;
  const events = run.journal.events;
  const messages = run.journal.messages;
  const filtered =
    filter.notableOnly || filter.node !== '' || filter.type !== '' || filter.search.trim() !== '';
  const rows: TraceEvent[] = [];
  const end = Math.min(event, events.length);
  const scanStop = filtered ? Math.max(0, end - scanMax) : Math.max(0, end - rowsShown);
  for (let index = end - 1; index >= scanStop && rows.length < rowsShown; index--) {
    const item = events[index];
    if (!filtered || passes(item, messages, filter)) rows.push(item);
  }
  const slow = !playing || speed <= slowSpeed;
  const nodes = [
    ...Array.from({ length: replicas }, (_, r) => `replica ${r}`),
    ...(clients === '' ? [] : clients.split('\n').map((c) => `client ${c}`)),
  ];
  return (
    <section className="event-log" aria-label="Event log">
      <header className="panel-head">
        <h2>Event log</h2>
        <label className="inline">
          <input
            type="checkbox"
            checked={filter.notableOnly}
            onChange={(e) => setFilter({ ...filter, notableOnly: e.target.checked })}
          />
          Notable only
        </label>
      </header>
      <div className="log-filters" role="group" aria-label="Event log filters">
        <label className="inline">
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
        <label className="inline">
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
        <label className="inline">
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
        {rows.map((item) => (
          <LogRow
            key={`${generation}-${item.index}`}
            event={item}
            current={item.index === end - 1}
            caption={captionOf(item, messages)}
          />
        ))}
      </ol>
    </section>
  );
}

const LogRow = memo(function LogRow({
  event,
  current,
  caption,
}: {
  readonly event: TraceEvent;
  readonly current: boolean;
  readonly caption: string;
}) {
  return (
    <li className={current ? 'current' : undefined} aria-current={current ? 'step' : undefined}>
      <button
        type="button"
        className={`log-entry kind-${event.kind}`}
        onClick={() => session().seekEvent(event.index + 1)}
        title="Move the cursor to just after this event"
      >
        <span className="log-time">{formatTime(event.time)}</span>
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
    const run = session().run;
    const events = run.journal.events;
    for (
      let index = Math.min(event, events.length) - 1;
      index > last.current.index && index >= event - 500;
      index--
    )
      if (isNotable(events[index], run.journal.messages)) {
        last.current = { at: now, index };
        setText(captionOf(events[index], run.journal.messages));
        return;
      }
  }, [event, enabled]);
  return (
    <p className="sr-only" role="status">
      {enabled ? text : ''}
    </p>
  );
}
