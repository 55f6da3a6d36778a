/**
 * The violation explorer: when a checker fails, explains the broken rule in plain words, names and
 * highlights the involved replicas and ops (here, on the replica cards and in the diagram), shows the
 * involved replicas' logs side by side around the ops, and shrinks the scenario in a Web Worker.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Scenario } from '../../sim/scenario-types.ts';
import type { Violation } from '../../sim/trace.ts';
import { session } from '../controller.ts';
import { formatTime, plural } from '../format.ts';
import type { LogCell, ReplicaFrame } from '../frame.ts';
import { encodeLink } from '../link.ts';
import { useApp } from '../store.ts';
import { useHighlight } from './highlight.ts';
import { ruleOf } from './rules.ts';
import { checkShrinkReply, type ShrinkRequest } from './worker-messages.ts';

const shrinkRunsMax = 400;

export function ViolationPanel() {
  const { violation, replicas, generation } = useApp(
    useShallow((s) => ({
      violation: s.panelFrame?.violations[0] ?? null,
      replicas: s.panelFrame?.replicas ?? null,
      generation: s.generation,
    })),
  );
  const involved = [...new Set(violation?.replicas ?? [])];
  const ops = [...new Set(violation?.ops ?? [])];
  const key = `${involved.join(',')}|${ops.join(',')}`;
  useEffect(() => {
    const [r, o] = key.split('|');
    useHighlight.setState({
      replicas: r === '' ? [] : r.split(',').map(Number),
      ops: o === '' ? [] : o.split(',').map(Number),
    });
  }, [key]);
  // The other views must not keep highlighting replicas once the explorer is gone.
  useEffect(() => () => useHighlight.setState({ replicas: [], ops: [] }), []);
  if (violation === null || replicas === null) return null;
  return (
    <section className="debug-panel violation-panel" aria-label="Violation">
      <style>
        {involved
          .map((r) => `[aria-label="Replica ${r}"] { outline: 3px solid #d55e00; outline-offset: 2px; }`)
          .join('\n')}
      </style>
      <h2>Violation: {violation.checker}</h2>
      <p>
        <strong>The rule:</strong> {ruleOf(violation.checker)}
      </p>
      <p>
        <strong>What happened</strong> at {formatTime(violation.time)} (event {violation.event}):{' '}
        {violation.message}
      </p>
      <button type="button" onClick={() => session().seekEvent(violation.event + 1)}>
        Go to the violation
      </button>
      {involved.length > 0 ? (
        <>
          <h3>Involved replicas</h3>
          <ul aria-label="Involved replicas" className="inline-list">
            {involved.map((r) => (
              <li key={r} className="violation-chip">{`replica ${r}`}</li>
            ))}
          </ul>
        </>
      ) : null}
      {ops.length > 0 ? <p>Involved ops: {ops.map((o) => `op ${o}`).join(', ')}</p> : null}
      <Evidence replicas={replicas} involved={involved} ops={ops} />
      <Shrink key={generation} violation={violation} />
    </section>
  );
}

function cellText(cell: LogCell | undefined): string {
  return cell === undefined
    ? '(none)'
    : `${cell.op} · ${cell.client}#${cell.request} · v${cell.view}${cell.committed ? ' ✓' : ''}`;
}

/** The involved replicas' logs side by side around the involved ops (or their tails). */
function Evidence({
  replicas,
  involved,
  ops,
}: {
  readonly replicas: readonly ReplicaFrame[];
  readonly involved: readonly number[];
  readonly ops: readonly number[];
}) {
  // The involved replicas, and beside them others to compare with (the first few that hold the ops).
  const others = replicas
    .filter((r) => !involved.includes(r.id))
    .filter((r) => ops.length === 0 || r.log.some((c) => ops.includes(c.opNumber)))
    .map((r) => r.id);
  const shown = [...involved, ...others].slice(0, Math.max(2, involved.length));
  const frames = shown.map((id) => replicas[id]).filter((r) => r !== undefined);
  if (frames.length === 0) return null;
  const all = new Set<number>();
  for (const r of frames) for (const cell of r.log) all.add(cell.opNumber);
  for (const op of ops) all.add(op);
  let rows = [...all].sort((a, b) => a - b);
  if (ops.length > 0) {
    const lo = Math.min(...ops) - 3;
    const hi = Math.max(...ops) + 3;
    rows = rows.filter((n) => n >= lo && n <= hi);
  } else rows = rows.slice(-8);
  return (
    <div className="evidence">
      <table>
        <caption>Logs side by side (op · client#request · view, ✓ committed)</caption>
        <thead>
          <tr>
            <th scope="col">op-number</th>
            {frames.map((r) => (
              <th
                scope="col"
                key={r.id}
              >{`replica ${r.id} (${r.status}, view ${r.view}, commit ${r.commitNumber})`}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => {
            const cells = frames.map((r) => r.log.find((c) => c.opNumber === n));
            const texts = cells.map((c) => (c === undefined ? '' : `${c.op}|${c.client}|${c.request}`));
            const differs = new Set(texts).size > 1;
            const className = [ops.includes(n) ? 'involved' : '', differs ? 'differs' : ''].join(' ').trim();
            return (
              <tr key={n} className={className === '' ? undefined : className}>
                <th scope="row">{n}</th>
                {cells.map((c, i) => (
                  <td key={frames[i].id}>{cellText(c)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

type ShrinkState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly runs: number; readonly size: number }
  | {
      readonly kind: 'done';
      readonly scenario: Scenario;
      readonly violation: Violation;
      readonly runs: number;
    }
  | { readonly kind: 'error'; readonly message: string };

/** Keyed by the run's generation: a new run starts it afresh (and the old worker is stopped). */
function Shrink({ violation }: { readonly violation: Violation }) {
  const [state, setState] = useState<ShrinkState>({ kind: 'idle' });
  const worker = useRef<Worker | null>(null);
  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
    },
    [],
  );
  const start = () => {
    worker.current?.terminate();
    const next = new Worker(new URL('./shrink-worker.ts', import.meta.url), { type: 'module' });
    worker.current = next;
    setState({ kind: 'running', runs: 0, size: 0 });
    const finish = (last: ShrinkState) => {
      setState(last);
      next.terminate();
      if (worker.current === next) worker.current = null;
    };
    next.addEventListener('message', (event: MessageEvent<unknown>) => {
      const checked = checkShrinkReply(event.data);
      if (!checked.ok) {
        finish({ kind: 'error', message: `the worker sent an unreadable reply (${checked.problem})` });
        return;
      }
      const reply = checked.value;
      if (reply.kind === 'progress') setState({ kind: 'running', runs: reply.runs, size: reply.size });
      else finish(reply);
    });
    // A failed worker is stopped too: it would otherwise linger until the panel unmounts.
    next.addEventListener('error', (event) =>
      finish({ kind: 'error', message: event.message || 'the shrinking worker failed' }),
    );
    const request: ShrinkRequest = {
      scenario: session().run.scenario,
      checker: violation.checker,
      maxRuns: shrinkRunsMax,
    };
    // oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker has no origin
    next.postMessage(request);
  };
  const stop = () => {
    worker.current?.terminate();
    worker.current = null;
    setState({ kind: 'idle' });
  };
  return (
    <div className="shrink">
      {state.kind === 'running' ? (
        <>
          <label>
            Shrinking{' '}
            <progress
              className="shrink-progress"
              max={shrinkRunsMax}
              value={state.runs}
              aria-label="Shrink progress"
            />
          </label>{' '}
          <span>{`${plural(state.runs, 'run')}, size ${state.size}`}</span>{' '}
          <button type="button" onClick={stop}>
            Stop shrinking
          </button>
        </>
      ) : (
        <button
          type="button"
          onClick={start}
          title="Find a smaller scenario that breaks the same rule (in a Web Worker)."
        >
          Shrink
        </button>
      )}
      {state.kind === 'error' ? <p role="alert">Shrinking failed: {state.message}</p> : null}
      {state.kind === 'done' ? (
        <p role="status">
          {`Minimal scenario after ${plural(state.runs, 'run')}: ${plural(state.scenario.replicas, 'replica')}, ${plural(state.scenario.clients, 'client')}, ${plural(state.scenario.actions.length, 'action')}, until ${state.scenario.until} ms. `}
          <a href={encodeLink(state.scenario, state.violation.time)}>Link to the minimal scenario</a>{' '}
          <button
            type="button"
            onClick={() => {
              session().newRun(state.scenario, false, false);
              session().goToTime(state.violation.time);
            }}
          >
            Load the minimal scenario
          </button>
        </p>
      ) : null}
    </div>
  );
}
