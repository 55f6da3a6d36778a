/**
 * The linearizability view: the computed run's client history as bars, one row per key and client,
 * from call to return (unknown outcomes open-ended). When the history is not linearizable, the
 * operations that cannot be ordered (the checker's illegal window) are highlighted, as Porcupine does.
 */
import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { scaleLinear } from 'd3-scale';
import {
  checkHistory,
  extractHistory,
  kvOperations,
  logOperations,
  type HistoryOperation,
} from '../../sim/history.ts';
import type { CheckResult } from '../../sim/checkers/linearizability/index.ts';
import { Run } from '../../sim/run.ts';
import { session } from '../controller.ts';
import { formatTime, plural } from '../format.ts';
import { useApp } from '../store.ts';
import { tickStep, timeTicks } from './trace-index.ts';

const checkTimeoutMs = 300;
const recheckDelayMs = 250;
const barsMax = 300;
const rowHeight = 22;
const labelWidth = 110;
/** Room above the rows for the time axis. */
const axisHeight = 20;
/**
 * The history is drawn at its real size (text stays readable) and never narrower than this: on a
 * phone it scrolls sideways instead of shrinking to unreadable text.
 */
export const linMinWidth = 640;
/** Average width of a character of the 10px bar labels, to cut them to their bar. */
const charPx = 6;

interface Analysis {
  /** The run state analysed (generation and computed events). */
  readonly stamp: string;
  readonly history: readonly HistoryOperation[];
  /** kvOperations' ops, with the history index each came from. */
  readonly keys: readonly string[];
  readonly result: CheckResult | null;
  readonly illegal: ReadonlySet<number>;
}

/** Events computed at most when checking past a violation (on the main thread, once per scenario). */
export const pastViolationEventsMax = 100_000;

/** The last run continued past a violation: computed once per scenario, not on every change. */
let pastRun: { readonly scenario: Run['scenario']; readonly run: Run } | null = null;

function runPastViolation(): Run {
  const scenario = session().run.scenario;
  if (pastRun?.scenario === scenario) return pastRun.run;
  // The same scenario with no checker halting it: what the clients would have seen.
  const run = new Run(scenario, { checkers: [] });
  while (!run.finished && run.head.eventCount < pastViolationEventsMax && run.extendBy(10_000) > 0);
  pastRun = { scenario, run };
  return run;
}

/** A label cut to `px` pixels of 10px text, with an ellipsis when cut (never mid-character). */
export function fitLabel(text: string, px: number): string {
  const chars = Math.floor(px / charPx);
  const points = [...text];
  if (points.length <= chars) return text;
  return chars <= 1 ? '' : `${points.slice(0, chars - 1).join('')}…`;
}

function analyse(pastViolation: boolean, stamp: string): Analysis {
  const run = pastViolation ? runPastViolation() : session().run;
  const all = extractHistory(run.journal);
  // The models drop refused commands: keep the ones they keep, in order, so indices line up. The
  // log has one object, so its operations share one row.
  const kind = run.scenario.stateMachine;
  const history: HistoryOperation[] = [];
  const keys: string[] = [];
  for (const h of all) {
    const key = kind === 'kv' ? kvOperations([h])[0]?.input.key : logOperations([h])[0] && 'log';
    if (key === undefined) continue;
    history.push(h);
    keys.push(key);
  }
  const result = checkHistory(history, run.scenario, {
    timeoutMs: checkTimeoutMs,
    now: () => performance.now(),
  });
  const illegal = new Set(result?.illegal?.operations ?? []);
  return { stamp, history, keys, result, illegal };
}

export interface LinWindow {
  readonly start: number;
  readonly span: number;
}

/** The narrowest window the zoom goes to, ms. */
const linSpanMin = 20;
/** Width a bar of typical length gets by default, px: room for a label like "put k3 12 → ok". */
const typicalBarPx = 110;

/**
 * The time window of the history view: the person's zoom when set, else the latest stretch in which
 * an operation of median length is typicalBarPx wide (the whole history when that is shorter).
 */
export function windowOf(
  zoom: LinWindow | null,
  t0: number,
  t1: number,
  operations: readonly HistoryOperation[],
  plotWidth: number,
): LinWindow {
  if (zoom !== null) return zoom;
  const lengths = operations
    .filter((h) => h.return !== Infinity)
    .map((h) => h.return - h.call)
    .sort((a, b) => a - b);
  const median = lengths.length === 0 ? t1 - t0 : lengths[lengths.length >> 1];
  const span = Math.max(linSpanMin, (Math.max(1, median) * plotWidth) / typicalBarPx);
  if (span >= t1 - t0) return { start: t0, span: t1 - t0 };
  return { start: t1 - span, span };
}

export function describeOperation(h: HistoryOperation): string {
  const outcome =
    h.return === Infinity
      ? 'no reply (unknown outcome)'
      : `returned ${h.result ?? 'nothing'} at ${formatTime(h.return)}`;
  return `client ${h.client} ${h.op}, called at ${formatTime(h.call)}, ${outcome}`;
}

export function LinearizabilityView() {
  const { events, generation, cursor, halted } = useApp(
    useShallow((s) => ({
      halted: s.panelFrame?.halted ?? false,
      events: s.head.events,
      generation: s.generation,
      cursor: s.panelFrame?.time ?? 0,
    })),
  );
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [pastViolation, setPastViolation] = useState(false);
  const past = pastViolation && halted;
  // Which state of the run the analysis is of (the run itself lives in the session, outside React):
  // the app's run as far as it is computed, or, past a violation, the continued run, which does not
  // grow with the app's run and is analysed again only when the run is replaced or forks.
  const stamp = past ? `past ${generation}` : `${generation} ${events}`;
  useEffect(() => {
    const timer = setTimeout(() => setAnalysis(analyse(past, stamp)), recheckDelayMs);
    return () => clearTimeout(timer);
  }, [past, stamp]);
  const [boxWidth, setBoxWidth] = useState(1000);
  const [zoom, setZoom] = useState<LinWindow | null>(null);
  // A callback ref (React 19 runs its returned cleanup): the box is observed while it is mounted.
  const box = useCallback((element: HTMLDivElement | null) => {
    if (element === null) return;
    const measure = () => setBoxWidth(Math.floor(element.clientWidth) || 1000);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    measure();
    return () => observer.disconnect();
  }, []);
  if (analysis === null) return <div ref={box} />;
  const width = Math.max(linMinWidth, boxWidth);
  const { history, keys, result, illegal } = analysis;
  let verdict = 'no client operations yet';
  if (history.length > 0 && result !== null)
    verdict =
      result.linearizable === true
        ? `linearizable (${plural(history.length, 'operation')})`
        : result.linearizable === false
          ? `not linearizable: ${plural(illegal.size, 'operation')} cannot be ordered`
          : 'unknown (the check timed out)';
  // The bars drawn: the illegal ones and the latest others, at most barsMax.
  const indices: number[] = [];
  for (let i = history.length - 1; i >= 0 && indices.length < barsMax; i--)
    if (!illegal.has(i)) indices.push(i);
  for (const i of illegal) indices.push(i);
  indices.sort((a, b) => a - b);
  const rows = [...new Set(indices.map((i) => `${keys[i]}\u0000${history[i].client}`))].sort();
  let t0 = Infinity;
  let t1 = 0;
  for (const i of indices) {
    t0 = Math.min(t0, history[i].call);
    t1 = Math.max(t1, history[i].return === Infinity ? history[i].call : history[i].return);
  }
  if (!Number.isFinite(t0)) t0 = 0;
  t1 = Math.max(t1 + 20, t0 + 50);
  const plotWidth = width - labelWidth - 10;
  // The window shown: the person's zoom, or by default the latest stretch where an operation of
  // typical length is wide enough to read its label (with many operations, fitting all of them
  // cut every label to "p…").
  const view = windowOf(
    zoom,
    t0,
    t1,
    indices.map((i) => history[i]),
    plotWidth,
  );
  const scale = scaleLinear()
    .domain([view.start, view.start + view.span])
    .range([labelWidth, labelWidth + plotWidth])
    .clamp(true);
  const x = (t: number) => scale(t);
  const inWindow = (i: number) => {
    const h = history[i];
    const end = h.return === Infinity ? t1 : h.return;
    return end >= view.start && h.call <= view.start + view.span;
  };
  const shown = indices.filter(inWindow);
  const zoomBy = (factor: number) =>
    setZoom({
      start: Math.max(t0, view.start + (view.span * (1 - factor)) / 2),
      span: Math.max(linSpanMin, Math.min(t1 - t0, view.span * factor)),
    });
  const panBy = (fraction: number) =>
    setZoom({
      start: Math.max(t0, Math.min(t1 - view.span, view.start + view.span * fraction)),
      span: view.span,
    });
  const height = axisHeight + rows.length * rowHeight + 4;
  const windowEnd = view.start + view.span;
  const ticks = timeTicks(
    view.start,
    windowEnd,
    tickStep(view.span, plotWidth, `${Math.ceil(windowEnd)} ms`.length),
  );
  return (
    <section className="debug-panel lin-view" aria-label="Linearizability">
      <h2>Linearizability</h2>
      <p>
        Client history: <strong>{verdict}</strong>. Bars run from call to return, per key and client; dashed
        bars have no reply yet (their outcome is unknown).
      </p>
      {halted ? (
        <label className="inline">
          <input
            type="checkbox"
            checked={pastViolation}
            onChange={(e) => setPastViolation(e.target.checked)}
          />
          Check the history past the violation (this view only: re-runs the scenario with the checkers off, up
          to {pastViolationEventsMax.toLocaleString('en')} events)
        </label>
      ) : null}
      {illegal.size > 0 ? (
        <>
          <h3>Illegal operations</h3>
          <ul aria-label="Illegal operations">
            {[...illegal].map((i) => (
              <li key={i}>{describeOperation(history[i])}</li>
            ))}
          </ul>
        </>
      ) : null}
      {rows.length > 0 ? (
        <div className="lin-tools" role="group" aria-label="History view">
          <span className="muted">{`${formatTime(view.start)} to ${formatTime(windowEnd)} · ${plural(shown.length, 'operation')} shown`}</span>
          <button type="button" onClick={() => panBy(-0.5)} title="Show earlier operations.">
            Earlier
          </button>
          <button type="button" onClick={() => panBy(0.5)} title="Show later operations.">
            Later
          </button>
          <button
            type="button"
            onClick={() => zoomBy(0.5)}
            title="Zoom in on the time axis: wider bars, whole labels."
          >
            Zoom in
          </button>
          <button
            type="button"
            onClick={() => zoomBy(2)}
            title="Zoom out on the time axis: more operations at once."
          >
            Zoom out
          </button>
          <button
            type="button"
            onClick={() => setZoom({ start: t0, span: t1 - t0 })}
            title="Fit the whole history."
          >
            Fit all
          </button>
          <button
            type="button"
            onClick={() => setZoom(null)}
            title="Back to the latest operations at a readable size."
          >
            Latest
          </button>
        </div>
      ) : null}
      {rows.length > 0 ? (
        <div className="lin-scroll" ref={box}>
          <svg width={width} height={height} role="group" aria-label="Client history">
            <defs>
              <pattern id="lin-open" width="6" height="6" patternUnits="userSpaceOnUse">
                <rect width="6" height="6" fill="#eef4fa" />
              </pattern>
            </defs>
            <g aria-hidden="true" className="lin-axis">
              {ticks.map((t) => (
                <g key={t}>
                  <line x1={x(t)} x2={x(t)} y1={axisHeight - 4} y2={height} stroke="#eee" />
                  <text x={x(t) + 2} y={12} fontSize={10} fill="#555">{`${t} ms`}</text>
                </g>
              ))}
            </g>
            {rows.map((row, r) => {
              const [key, client] = row.split('\u0000');
              const label = `key ${key} · ${client}`;
              return (
                <text key={row} x={4} y={axisHeight + r * rowHeight + 14} fontSize={11}>
                  <title>{label}</title>
                  {fitLabel(label, labelWidth - 8)}
                </text>
              );
            })}
            {cursor >= view.start && cursor <= windowEnd ? (
              <line x1={x(cursor)} x2={x(cursor)} y1={0} y2={height} stroke="#CC3311" strokeWidth={1.5} />
            ) : null}
            {shown.map((i) => {
              const h = history[i];
              const r = rows.indexOf(`${keys[i]}\u0000${h.client}`);
              const open = h.return === Infinity;
              const bad = illegal.has(i);
              const x1 = x(h.call);
              const x2 = open ? labelWidth + plotWidth : Math.max(x1 + 3, x(h.return));
              const label = `${describeOperation(h)}${bad ? ', illegal' : ''}`;
              const text = fitLabel(`${h.op}${h.result !== null ? ` → ${h.result}` : ''}`, x2 - x1 - 6);
              return (
                <g key={i} role="img" aria-label={label}>
                  <title>{label}</title>
                  <rect
                    className={`lin-bar${open ? ' open' : ''}${bad ? ' illegal' : ''}`}
                    x={x1}
                    y={axisHeight + r * rowHeight + 2}
                    width={x2 - x1}
                    height={rowHeight - 6}
                    rx={3}
                  />
                  {text === '' ? null : (
                    <text x={x1 + 3} y={axisHeight + r * rowHeight + 14} fontSize={10}>
                      {text}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
        </div>
      ) : (
        <div ref={box} />
      )}
    </section>
  );
}
