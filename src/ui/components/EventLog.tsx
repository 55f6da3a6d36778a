/**
 * The event log: the trace up to the cursor as readable captions, newest first. Clicking an entry
 * moves the cursor to just after it. Screen readers hear new entries politely while the run is
 * paused or playing slowly, and otherwise the latest notable event at most every few seconds.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TraceEvent } from '../../sim/trace.ts';
import { captionOf } from '../captions.ts';
import { session } from '../controller.ts';
import { formatTime } from '../format.ts';
import { isNotable } from '../notable.ts';
import { useApp } from '../store.ts';

const rowsShown = 40;
/** At or below this speed the log itself is a polite live region. */
const slowSpeed = 0.1;
const announceEveryMs = 3000;

export function EventLog() {
  const { event, generation, playing, speed } = useApp(
    useShallow((s) => ({
      event: s.logEvent,
      generation: s.generation,
      playing: s.playing,
      speed: s.speed,
    })),
  );
  const [notableOnly, setNotableOnly] = useState(false);
  const run = session().run;
  const events = run.journal.events;
  const messages = run.journal.messages;
  const rows: TraceEvent[] = [];
  const end = Math.min(event, events.length);
  const scanStop = notableOnly ? Math.max(0, end - 20_000) : Math.max(0, end - rowsShown);
  for (let index = end - 1; index >= scanStop && rows.length < rowsShown; index--) {
    const item = events[index];
    if (!notableOnly || isNotable(item, messages)) rows.push(item);
  }
  const slow = !playing || speed <= slowSpeed;
  return (
    <section className="event-log" aria-label="Event log">
      <header className="panel-head">
        <h2>Event log</h2>
        <label className="inline">
          <input type="checkbox" checked={notableOnly} onChange={(e) => setNotableOnly(e.target.checked)} />
          Notable only
        </label>
      </header>
      <NotableAnnouncer event={event} enabled={playing && !slow} />
      <ol
        className="log-list"
        aria-live={slow ? 'polite' : 'off'}
        aria-relevant="additions"
        data-generation={generation}
      >
        {rows.length === 0 ? <li className="muted">Nothing has happened yet.</li> : null}
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
