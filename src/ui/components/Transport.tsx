/**
 * Transport: play / pause, step one event, jump between notable events, speed, and the timeline
 * scrubber over everything computed so far, with markers for view changes, crashes, restarts,
 * partitions and violations. Scrubbing is a seek: checkpoints + replay.
 */
import { memo, useMemo, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { useShallow } from 'zustand/react/shallow';
import { session } from '../controller.ts';
import { FaultLanes } from './FaultLanes.tsx';
import { Icon } from './Icons.tsx';
import { lastActionTime } from '../fault-lanes.ts';
import { formatTime } from '../format.ts';
import { isFiltering, logFilterStore, passes } from '../log-filter.ts';
import { jumpKindLabels, markerKindLabels, type JumpKind, type Marker, type MarkerKind } from '../notable.ts';
import { appStore, formatSpeed, speeds, useApp, withNotice } from '../store.ts';

export function Transport() {
  const { playing, speed, effectiveSpeed, atEnd } = useApp(
    useShallow((s) => ({
      playing: s.playing,
      speed: s.speed,
      effectiveSpeed: s.effectiveSpeed,
      atEnd: s.stop !== null && (s.panelFrame?.eventCount ?? 0) >= s.head.events,
    })),
  );
  const lagging = playing && effectiveSpeed > 0 && effectiveSpeed < speed * 0.8;
  return (
    <div className="transport" role="group" aria-label="Transport">
      <div className="transport-buttons">
        <button
          type="button"
          className="icon-only"
          aria-label="Previous notable event"
          onClick={() => session().previousNotable()}
          title="Previous notable event: commit, view change, crash, recovery, action or violation (Shift+←)"
        >
          <Icon name="previous" />
        </button>
        <button type="button" onClick={() => session().stepBack()} title="Go back one event (←).">
          <Icon name="stepBack" />
          <span className="label">Step back</span>
        </button>
        <button
          type="button"
          className="primary-action play"
          onClick={() => session().togglePlay()}
          disabled={!playing && atEnd}
          title={
            playing ? 'Pause the simulation (Space).' : 'Run the simulation at the chosen speed (Space).'
          }
        >
          <Icon name={playing ? 'pause' : 'play'} />
          <span className="label">{playing ? 'Pause' : 'Play'}</span>
        </button>
        <button type="button" onClick={() => session().stepForward()} title="Go forward one event (→).">
          <span className="label">Step forward</span>
          <Icon name="stepForward" />
        </button>
        <button
          type="button"
          className="icon-only"
          aria-label="Next notable event"
          onClick={() => session().nextNotable()}
          title="Next notable event: commit, view change, crash, recovery, action or violation (Shift+→)"
        >
          <Icon name="next" />
        </button>
        <JumpControls />
        <label className="speed" title="Virtual milliseconds per real millisecond ([ slower, ] faster).">
          Speed
          <select value={speed} onChange={(event) => session().setSpeed(Number(event.target.value))}>
            {speeds.map((value) => (
              <option key={value} value={value}>
                {formatSpeed(value)}
              </option>
            ))}
          </select>
        </label>
        {lagging ? (
          <span className="lag" title="The simulation cannot compute events as fast as this speed asks.">
            {`running at ${effectiveSpeed < 1 ? effectiveSpeed.toFixed(2) : Math.round(effectiveSpeed)}x`}
          </span>
        ) : null}
      </div>
      <Timeline />
    </div>
  );
}

/** The letter of each jump kind's shortcut (Shift with it goes back). */
export const jumpKeys: Record<Exclude<JumpKind, 'notable'>, string> = {
  view: 'v',
  crash: 'c',
  violation: 'x',
  lost: 'l',
  commit: 'o',
  match: 'n',
};

const jumpKinds = Object.keys(jumpKeys) as Exclude<JumpKind, 'notable'>[];

/** Jumps to the next or previous event of one kind (the event log's search for "match"). */
export function jumpTo(kind: JumpKind, direction: 1 | -1): void {
  const s = session();
  if (kind !== 'match') {
    s.jump(kind, direction);
    return;
  }
  const filter = logFilterStore.getState();
  if (!isFiltering(filter)) {
    appStore().setState((state) =>
      withNotice(
        state,
        'info',
        'Type a search or pick a filter in the Event log first: N jumps to its matches.',
      ),
    );
    return;
  }
  const journal = s.run.journal;
  s.jump('match', direction, (index) => passes(journal, index, filter));
}

function JumpControls() {
  const [kind, setKind] = useState<Exclude<JumpKind, 'notable'>>('view');
  const key = jumpKeys[kind].toUpperCase();
  return (
    <span className="jump" role="group" aria-label="Jump by kind">
      <label title="The kind of event the two buttons beside it jump to.">
        <span className="label">Jump to</span>
        <select value={kind} onChange={(event) => setKind(event.target.value as typeof kind)}>
          {jumpKinds.map((k) => (
            <option key={k} value={k}>
              {jumpKindLabels[k]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="icon-only"
        aria-label={`Previous ${jumpKindLabels[kind]}`}
        title={`Previous ${jumpKindLabels[kind]} (Shift+${key})`}
        onClick={() => jumpTo(kind, -1)}
      >
        <Icon name="previous" />
      </button>
      <button
        type="button"
        className="icon-only"
        aria-label={`Next ${jumpKindLabels[kind]}`}
        title={`Next ${jumpKindLabels[kind]} (${key})`}
        onClick={() => jumpTo(kind, 1)}
      >
        <Icon name="next" />
      </button>
    </span>
  );
}

const markerColors: Record<MarkerKind, string> = {
  view: '#0072B2',
  crash: '#D55E00',
  restart: '#009E73',
  network: '#E69F00',
  violation: '#000000',
};

function Timeline() {
  const { time, event, headTime, headEvents } = useApp(
    useShallow((s) => ({
      time: s.panelFrame?.time ?? 0,
      event: s.panelFrame?.eventCount ?? 0,
      headTime: s.head.time,
      headEvents: s.head.events,
    })),
  );
  const markers = useApp((s) => s.markers);
  const actions = useApp((s) => s.scenario.actions);
  // Once per change of the actions, not on every store update (the store updates every frame).
  const planned = useMemo(() => lastActionTime(actions), [actions]);
  // The timeline reaches the last planned action even before the run has computed that far.
  const max = Math.max(1, Math.ceil(headTime), planned);
  return (
    <div className="timeline">
      <MarkerStrip markers={markers} max={max} />
      <input
        type="range"
        min={0}
        max={max}
        step={1}
        value={Math.min(max, Math.floor(time))}
        aria-label="Timeline"
        aria-valuetext={`${formatTime(time)}, event ${event} of ${headEvents}`}
        title="Drag to travel in time over the computed run."
        onChange={(e) => {
          session().pause();
          const target = Number(e.target.value);
          if (target > headTime) session().goToTime(target);
          else session().seekTime(target);
        }}
      />
      <div className="timeline-scale" aria-hidden="true">
        <span>0 s</span>
        <span>{`${formatTime(time)} · event ${event} / ${headEvents}`}</span>
        <span>{formatTime(max)}</span>
      </div>
      <FaultLanes max={max} computed={headTime} />
    </div>
  );
}

/** Markers over the scrubber, at most one per kind per pixel column bucket. */
const MarkerStrip = memo(function MarkerStrip({
  markers,
  max,
}: {
  readonly markers: readonly Marker[];
  readonly max: number;
}) {
  const buckets = 600;
  const x = useMemo(() => scaleLinear().domain([0, max]).range([0, buckets]).clamp(true), [max]);
  const shown: Marker[] = [];
  const seen = new Set<string>();
  for (let index = markers.length - 1; index >= 0; index--) {
    const marker = markers[index];
    const key = `${marker.kind}:${Math.round(x(marker.time))}`;
    if (seen.has(key)) continue;
    seen.add(key);
    shown.push(marker);
  }
  return (
    <svg className="markers" viewBox={`0 0 ${buckets} 14`} preserveAspectRatio="none" aria-hidden="true">
      {shown.map((marker) => (
        <line
          key={`${marker.kind}-${marker.index}`}
          x1={x(marker.time)}
          x2={x(marker.time)}
          y1={marker.kind === 'view' ? 0 : 3}
          y2={14}
          stroke={markerColors[marker.kind]}
          strokeWidth={marker.kind === 'violation' ? 3 : 2}
          strokeDasharray={marker.kind === 'network' ? '3 2' : undefined}
          vectorEffect="non-scaling-stroke"
        >
          <title>{`${markerKindLabels[marker.kind]}: ${marker.label} at ${formatTime(marker.time)}`}</title>
        </line>
      ))}
    </svg>
  );
});

export { markerColors };
