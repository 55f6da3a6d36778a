/**
 * The linearizability view: the computed run's client history as bars, one row per key and client,
 * from call to return (unknown outcomes open-ended). When the history is not linearizable, the
 * operations that cannot be ordered (the checker's illegal window) are highlighted, as Porcupine does.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { checkHistory, extractHistory, kvOperations, type HistoryOperation } from '../../sim/history.ts';
import type { CheckResult } from '../../sim/checkers/linearizability/index.ts';
import { Run } from '../../sim/run.ts';
import { session } from '../controller.ts';
import { formatTime, plural } from '../format.ts';
import { useApp } from '../store.ts';

const checkTimeoutMs = 300;
const recheckDelayMs = 250;
const barsMax = 300;
const rowHeight = 22;
const labelWidth = 110;
const width = 1000;

interface Analysis {
  readonly history: readonly HistoryOperation[];
  /** kvOperations' ops, with the history index each came from. */
  readonly keys: readonly string[];
  readonly result: CheckResult | null;
  readonly illegal: ReadonlySet<number>;
}

/** Events computed at most when continuing past a violation. */
const pastViolationEventsMax = 300_000;

function analyse(pastViolation: boolean): Analysis {
  let run = session().run;
  if (pastViolation) {
    // The same scenario with no checker halting it: what the clients would have seen.
    run = new Run(run.scenario, { checkers: [] });
    while (!run.finished && run.head.eventCount < pastViolationEventsMax && run.extendBy(10_000) > 0);
  }
  const all = extractHistory(run.journal.events);
  // kvOperations drops refused commands: keep the ones it keeps, in order, so indices line up.
  const history: HistoryOperation[] = [];
  const keys: string[] = [];
  for (const h of all) {
    const ops = kvOperations([h]);
    if (ops.length === 0) continue;
    history.push(h);
    keys.push(ops[0].input.key);
  }
  const result = checkHistory(history, run.scenario, {
    timeoutMs: checkTimeoutMs,
    now: () => performance.now(),
  });
  const illegal = new Set(result?.illegal?.operations ?? []);
  return { history, keys, result, illegal };
}

export function describeOperation(h: HistoryOperation): string {
  const outcome =
    h.return === Infinity
      ? 'no reply (unknown outcome)'
      : `returned ${h.result ?? 'nothing'} at ${formatTime(h.return)}`;
  return `client ${h.client} ${h.op}, called at ${formatTime(h.call)}, ${outcome}`;
}

export function LinearizabilityView() {
  const { events, generation, kind, cursor, halted } = useApp(
    useShallow((s) => ({
      halted: s.panelFrame?.halted ?? false,
      events: s.head.events,
      generation: s.generation,
      kind: s.scenario.stateMachine,
      cursor: s.panelFrame?.time ?? 0,
    })),
  );
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [pastViolation, setPastViolation] = useState(false);
  const past = pastViolation && halted;
  useEffect(() => {
    // Re-analysed whenever the computed run grows (events) or forks (generation).
    const timer = setTimeout(
      () => setAnalysis(analyse(past)),
      events >= 0 && generation >= 0 ? recheckDelayMs : 0,
    );
    return () => clearTimeout(timer);
  }, [events, generation, past]);
  if (kind !== 'kv')
    return (
      <section className="debug-panel lin-view" aria-label="Linearizability">
        <h2>Linearizability</h2>
        <p>The linearizability check applies to the key-value state machine only.</p>
      </section>
    );
  if (analysis === null) return null;
  const { history, keys, result, illegal } = analysis;
  let verdict = 'no client operations yet';
  if (history.length > 0 && result !== null)
    verdict =
      result.linearizable === true
        ? `linearizable (${history.length} operations)`
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
  const x = (t: number) => labelWidth + ((Math.min(t, t1) - t0) / (t1 - t0)) * (width - labelWidth - 10);
  const height = rows.length * rowHeight + 24;
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
          Continue past the violation (run the scenario to its end with the checkers off)
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
        <svg viewBox={`0 0 ${width} ${height}`} role="group" aria-label="Client history">
          <defs>
            <pattern id="lin-open" width="6" height="6" patternUnits="userSpaceOnUse">
              <rect width="6" height="6" fill="#eef4fa" />
            </pattern>
          </defs>
          {rows.map((row, r) => {
            const [key, client] = row.split('\u0000');
            return (
              <text key={row} x={4} y={20 + r * rowHeight + 14} fontSize={11}>
                {`key ${key} · ${client}`}
              </text>
            );
          })}
          {cursor >= t0 && cursor <= t1 ? (
            <line x1={x(cursor)} x2={x(cursor)} y1={0} y2={height} stroke="#CC3311" strokeWidth={1.5} />
          ) : null}
          {indices.map((i) => {
            const h = history[i];
            const r = rows.indexOf(`${keys[i]}\u0000${h.client}`);
            const open = h.return === Infinity;
            const bad = illegal.has(i);
            const x1 = x(h.call);
            const x2 = open ? width - 10 : Math.max(x1 + 3, x(h.return));
            const label = `${describeOperation(h)}${bad ? ', illegal' : ''}`;
            return (
              <g key={i} role="img" aria-label={label}>
                <title>{label}</title>
                <rect
                  className={`lin-bar${open ? ' open' : ''}${bad ? ' illegal' : ''}`}
                  x={x1}
                  y={20 + r * rowHeight + 2}
                  width={x2 - x1}
                  height={rowHeight - 6}
                  rx={3}
                />
                {x2 - x1 > 40 ? (
                  // A nested viewport clips the label to its bar (long results would run into the next).
                  <svg
                    x={x1}
                    y={20 + r * rowHeight + 2}
                    width={x2 - x1 - 2}
                    height={rowHeight - 6}
                    overflow="hidden"
                  >
                    <text x={3} y={12} fontSize={10}>
                      {`${h.op}${h.result !== null ? ` → ${h.result}` : ''}`}
                    </text>
                  </svg>
                ) : null}
              </g>
            );
          })}
        </svg>
      ) : null}
    </section>
  );
}
