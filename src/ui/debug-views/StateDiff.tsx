/**
 * State diff: pin a moment (A), move the cursor, and see what changed on a replica between A and the
 * cursor; or compare two replicas at the cursor. Log cells, commit-number, client table, state entries
 * (as far as the snapshots show them: the log's tail and the first state rows).
 */
import { useState } from 'react';
import type { Scenario } from '../../sim/scenario-types.ts';
import { formatTime } from '../format.ts';
import type { Frame } from '../frame.ts';
import { useApp } from '../store.ts';
import { diffReplicas, samePast } from './state-diff.ts';

export function StateDiff() {
  const frame = useApp((s) => s.panelFrame);
  const scenario = useApp((s) => s.scenario);
  const [mode, setMode] = useState<'moments' | 'replicas'>('moments');
  const [pin, setPin] = useState<{ readonly frame: Frame; readonly scenario: Scenario } | null>(null);
  // A moment pinned in another run (a new scenario, or an edited past) is dropped, not compared.
  const pinned = pin !== null && samePast(pin.scenario, scenario, pin.frame.time) ? pin.frame : null;
  const [a, setA] = useState(0);
  const [b, setB] = useState(1);
  if (frame === null) return null;
  const count = frame.replicas.length;
  const ra = Math.min(a, count - 1);
  const rb = Math.min(b, count - 1);
  let rows = null;
  let heads: [string, string] = ['A', 'B'];
  if (mode === 'replicas') {
    rows = diffReplicas(frame.replicas[ra], frame.replicas[rb]);
    heads = [`replica ${ra}`, `replica ${rb}`];
  } else if (pinned !== null && pinned.replicas[ra] !== undefined) {
    rows = diffReplicas(pinned.replicas[ra], frame.replicas[ra]);
    heads = [`at ${formatTime(pinned.time)}`, `at ${formatTime(frame.time)}`];
  }
  const replicaSelect = (label: string, value: number, set: (n: number) => void) => (
    <label className="inline">
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
        <label className="inline">
          <input
            type="radio"
            name="state-diff-mode"
            checked={mode === 'moments'}
            onChange={() => setMode('moments')}
          />{' '}
          two moments
        </label>{' '}
        <label className="inline">
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
          <button type="button" onClick={() => setPin({ frame, scenario })}>
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
