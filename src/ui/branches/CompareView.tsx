/**
 * Two branches side by side: where they part (the first event that differs), their space-time
 * diagrams stacked on one time axis with that moment marked, and how the replicas differ at a
 * moment of your choice.
 */
import { scaleLinear } from 'd3-scale';
import { useMemo, useState } from 'react';
import { Run } from '../../sim/run.ts';
import type { TraceReader } from '../../sim/trace.ts';
import { formatTime } from '../format.ts';
import { messageStyles, okabeIto } from '../palette.ts';
import { keptRun, useBranches } from './branch-store.ts';
import { divergenceOf, stateDiffAt, type Divergence } from './compare.ts';
import { branchById, type Branch } from './tree.ts';

const spans = [200, 500, 1000, 2000, 5000] as const;
const width = 640;
const laneGap = 16;
const axisHeight = 30;
/** Arrows drawn per diagram at most: a wide window on a busy run stays cheap. */
const arrowsMax = 1500;
/** How far past the later of the two forks the runs are computed to find where they part. */
const searchMs = 30_000;

function runOf(branch: Branch): Run {
  return keptRun(branch.id) ?? new Run(branch.scenario);
}

interface Arrow {
  readonly from: number;
  readonly to: number;
  readonly sent: number;
  readonly arrived: number;
  readonly lost: boolean;
  readonly color: string;
}

/** The messages of `trace` that touch [t0, t1], between replicas only (clients have no lane here). */
function arrowsIn(trace: TraceReader, t0: number, t1: number): Arrow[] {
  const out: Arrow[] = [];
  for (let i = 0; i < trace.eventCount && out.length < arrowsMax; i++) {
    const time = trace.eventTime(i);
    if (time > t1) break;
    const kind = trace.eventKind(i);
    if (kind !== 'deliver' && kind !== 'lose') continue;
    const id = trace.eventMessageId(i);
    const from = trace.messageFrom(id);
    const to = trace.messageTo(id);
    if (typeof from !== 'number' || typeof to !== 'number' || time < t0) continue;
    const body = trace.messageBody(id);
    out.push({
      from,
      to,
      sent: trace.messageSentAt(id),
      arrived: time,
      lost: kind === 'lose',
      color: messageStyles[body.type].color,
    });
  }
  return out;
}

function Diagram({
  title,
  trace,
  replicas,
  t0,
  t1,
  mark,
}: {
  readonly title: string;
  readonly trace: TraceReader;
  readonly replicas: number;
  readonly t0: number;
  readonly t1: number;
  readonly mark: number | null;
}) {
  const x = scaleLinear()
    .domain([t0, t1])
    .range([70, width - 10]);
  const y = (replica: number) => axisHeight + replica * laneGap + laneGap / 2;
  const height = axisHeight + replicas * laneGap + 4;
  const arrows = arrowsIn(trace, t0, t1);
  return (
    <svg
      className="compare-diagram"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={`${title}: ${arrows.length} messages between ${formatTime(t0)} and ${formatTime(t1)}`}
    >
      <text x={4} y={12} className="compare-title">
        {title}
      </text>
      {x.ticks(5).map((t) => (
        <text key={t} x={x(t)} y={24} className="compare-tick" textAnchor="middle">
          {formatTime(t)}
        </text>
      ))}
      {Array.from({ length: replicas }, (_, r) => (
        <g key={r}>
          <text x={4} y={y(r) + 4} className="compare-lane-name">{`replica ${r}`}</text>
          <line x1={70} x2={width - 10} y1={y(r)} y2={y(r)} className="compare-lane" />
        </g>
      ))}
      {arrows.map((a, i) => (
        <line
          key={i}
          x1={x(Math.max(t0, a.sent))}
          y1={y(a.from)}
          x2={x(a.arrived)}
          y2={y(a.to)}
          stroke={a.color}
          strokeDasharray={a.lost ? '3 3' : undefined}
          strokeWidth={1.2}
        />
      ))}
      {mark !== null && mark >= t0 && mark <= t1 ? (
        <line
          x1={x(mark)}
          x2={x(mark)}
          y1={axisHeight - 4}
          y2={height}
          stroke={okabeIto.vermillion}
          strokeWidth={2}
        />
      ) : null}
    </svg>
  );
}

function describe(divergence: Divergence | null, first: Branch, second: Branch): string {
  if (divergence === null) return 'The two branches do not part: every event is the same in both.';
  const a = divergence.a ?? 'the run has ended';
  const b = divergence.b ?? 'the run has ended';
  return `They part at event ${divergence.event + 1}, ${formatTime(divergence.time)}. In "${first.label}": ${a}. In "${second.label}": ${b}.`;
}

export function CompareView({ a, b }: { readonly a: number; readonly b: number }) {
  const tree = useBranches((s) => s.tree);
  const first = tree === null ? undefined : branchById(tree, a);
  const second = tree === null ? undefined : branchById(tree, b);
  const pair = useMemo(() => {
    if (first === undefined || second === undefined) return null;
    const runs = [runOf(first), runOf(second)] as const;
    const horizon = Math.min(
      Math.max(first.scenario.until, second.scenario.until),
      Math.max(first.forkAt, second.forkAt) + searchMs,
    );
    return { runs, divergence: divergenceOf(runs[0], runs[1], horizon), horizon };
  }, [first, second]);
  const [span, setSpan] = useState<number>(1000);
  const [diffAt, setDiffAt] = useState<number | null>(null);
  if (first === undefined || second === undefined || pair === null) return null;
  const { runs, divergence, horizon } = pair;
  const center = divergence?.time ?? 0;
  const t0 = Math.max(0, center - span / 4);
  const t1 = t0 + span;
  const at = diffAt ?? Math.min(horizon, center + span / 2);
  const diff = stateDiffAt(runs[0], runs[1], at);
  const replicas = Math.max(first.scenario.replicas, second.scenario.replicas);
  return (
    <div className="compare" role="group" aria-label="Compare two branches">
      <h3>{`Comparing "${first.label}" with "${second.label}"`}</h3>
      <p role="status" className="compare-divergence">
        {describe(divergence, first, second)}
      </p>
      <p>
        <label className="inline">
          Window{' '}
          <select value={span} onChange={(e) => setSpan(Number(e.target.value))}>
            {spans.map((s) => (
              <option key={s} value={s}>
                {formatTime(s)}
              </option>
            ))}
          </select>
        </label>{' '}
        <span className="muted">around where they part, marked in red on both</span>
      </p>
      <Diagram
        title={first.label}
        trace={runs[0].journal}
        replicas={replicas}
        t0={t0}
        t1={t1}
        mark={divergence?.time ?? null}
      />
      <Diagram
        title={second.label}
        trace={runs[1].journal}
        replicas={replicas}
        t0={t0}
        t1={t1}
        mark={divergence?.time ?? null}
      />
      <p>
        <label className="inline">
          State diff at{' '}
          <input
            type="range"
            min={0}
            max={Math.floor(horizon)}
            value={Math.floor(at)}
            onChange={(e) => setDiffAt(Number(e.target.value))}
            aria-valuetext={formatTime(at)}
          />{' '}
          {formatTime(at)}
        </label>
      </p>
      {diff.length === 0 ? (
        <p>{`At ${formatTime(at)} every replica is the same in both branches.`}</p>
      ) : (
        <table className="compare-diff" aria-label={`How the replicas differ at ${formatTime(at)}`}>
          <thead>
            <tr>
              <th scope="col">replica</th>
              <th scope="col">what</th>
              <th scope="col">{first.label}</th>
              <th scope="col">{second.label}</th>
            </tr>
          </thead>
          <tbody>
            {diff.flatMap(({ replica, rows }) =>
              rows.map((row) => (
                <tr key={`${replica} ${row.what}`}>
                  <td>{replica}</td>
                  <td>{row.what}</td>
                  <td>{row.a}</td>
                  <td>{row.b}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
