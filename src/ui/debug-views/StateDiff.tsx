/**
 * State diff: pin a moment (A), move the cursor, and see what changed on a replica between A and the
 * cursor; or compare two replicas at the cursor. It compares whole states, read from the run's
 * worlds (not the cards' tails): every log entry, state machine entry and client table row.
 */
import { useMemo, useState } from 'react';
import { session } from '../controller.ts';
import { useTabVisible } from '../components/Tabs.tsx';
import type { Scenario } from '../../sim/scenario-types.ts';
import { formatTime } from '../format.ts';
import type { Frame } from '../frame.ts';
import { useApp } from '../store.ts';
import { diffSnapshots, replicaSnapshot, samePast, type ReplicaSnapshot } from './state-diff.ts';

/** Replica `id`'s whole state after `events` events of the live run (a checkpoint plus a replay). */
function snapshotAt(events: number, id: number): ReplicaSnapshot {
  const world = session().run.worldAfter(events);
  return replicaSnapshot(world.replicas[id] ?? null);
}

export function StateDiff() {
  const frame = useApp((s) => s.panelFrame);
  const scenario = useApp((s) => s.scenario);
  const [mode, setMode] = useState<'moments' | 'replicas'>('moments');
  const [pin, setPin] = useState<{ readonly frame: Frame; readonly scenario: Scenario } | null>(null);
  // A moment pinned in another run (a new scenario, or an edited past) is dropped, not compared.
  const pinned = pin !== null && samePast(pin.scenario, scenario, pin.frame.time) ? pin.frame : null;
  const [a, setA] = useState(0);
  const [b, setB] = useState(1);
  const visible = useTabVisible();
  const count = frame?.replicas.length ?? 0;
  const ra = Math.min(a, count - 1);
  const rb = Math.min(b, count - 1);
  const events = frame?.eventCount ?? 0;
  const pinnedEvents = pinned?.eventCount ?? -1;
  // Recomputed when the moment, the run or the choice changes, and only while the tab is open.
  const diff = useMemo(() => {
    if (!visible || count === 0) return null;
    if (mode === 'replicas') return diffSnapshots(snapshotAt(events, ra), snapshotAt(events, rb));
    if (pinnedEvents < 0) return null;
    return diffSnapshots(snapshotAt(pinnedEvents, ra), snapshotAt(events, ra));
    // `frame` changes with the moment and with a fork (the same event count in another run).
    // oxlint-disable-next-line react-hooks/exhaustive-deps -- frame stands for the run's state here
  }, [visible, frame, count, mode, events, pinnedEvents, ra, rb]);
  if (frame === null) return null;
  const rows = diff?.rows ?? null;
  const heads: [string, string] =
    mode === 'replicas'
      ? [`replica ${ra}`, `replica ${rb}`]
      : pinned === null
        ? ['A', 'B']
        : [`at ${formatTime(pinned.time)}`, `at ${formatTime(frame.time)}`];
  const replicaSelect = (label: string, value: number, set: (n: number) => void) => (
    <label className="inline" title="Which replica's whole state to compare.">
      {label}{' '}
      <select value={value} onChange={(e) => set(Number(e.target.value))}>
        {frame.replicas.map((r) => (
          <option key={r.id} value={r.id}>{`replica ${r.id}`}</option>
        ))}
      </select>
    </label>
  );
  return (
    <section className="debug-panel" aria-label="State diff">
      <h2>State diff</h2>
      <div role="radiogroup" aria-label="Compare">
        <label className="inline" title="One replica at a pinned moment (A) and at the cursor (B).">
          <input
            type="radio"
            name="state-diff-mode"
            checked={mode === 'moments'}
            onChange={() => setMode('moments')}
          />{' '}
          two moments
        </label>{' '}
        <label className="inline" title="Two replicas at the cursor.">
          <input
            type="radio"
            name="state-diff-mode"
            checked={mode === 'replicas'}
            onChange={() => setMode('replicas')}
          />{' '}
          two replicas
        </label>
      </div>
      {mode === 'moments' ? (
        <p>
          <button
            type="button"
            onClick={() => setPin({ frame, scenario })}
            title="Remember this moment as A; move the cursor and compare."
          >
            Pin this moment as A
          </button>{' '}
          {pinned === null
            ? 'Pin a moment, move the cursor, and see what changed.'
            : `A is ${formatTime(pinned.time)}; B is the cursor.`}{' '}
          {replicaSelect('Replica', ra, setA)}
        </p>
      ) : (
        <p>
          {replicaSelect('Replica A', ra, setA)} {replicaSelect('Replica B', rb, setB)}
        </p>
      )}
      {diff === null ? null : (
        <p className="muted">
          {`Whole states compared: ${diff.sameLogOps === 0 ? 'the logs differ from op 1' : `the logs agree on ops 1 to ${diff.sameLogOps}`}${diff.more > 0 ? `; ${diff.more} more difference${diff.more === 1 ? '' : 's'} not listed` : ''}.`}
        </p>
      )}
      {rows === null ? null : rows.length === 0 ? (
        <p>No difference.</p>
      ) : (
        <div className="evidence">
          <table aria-label="Differences">
            <thead>
              <tr>
                <th scope="col">field</th>
                <th scope="col">{heads[0]}</th>
                <th scope="col">{heads[1]}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.what}>
                  <th scope="row">{row.what}</th>
                  <td>{row.a}</td>
                  <td>{row.b}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
