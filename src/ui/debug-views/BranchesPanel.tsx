/**
 * The Branches panel: the tree of branches the run has forked into (acting in the past forks), each
 * named by the action that started it, with its own link; a click switches to it. Compare puts the
 * current branch beside another: the first event where they part, their deliveries stacked on one
 * time axis with the divergence marked, and how the replicas differ at a chosen time.
 */
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { Run } from '../../sim/run.ts';
import { branchStore, openAsBranch, switchBranch } from '../branch-store.ts';
import {
  branchLinkScenario,
  branchStateDiff,
  currentBranch,
  firstDivergence,
  runOf,
  treeRows,
  type Branch,
} from '../branches.ts';
import { session } from '../controller.ts';
import { formatTime } from '../format.ts';
import { encodeLink } from '../link.ts';

export function BranchesPanel() {
  const tree = useStore(branchStore);
  const [comparing, setComparing] = useState<number | null>(null);
  const rows = treeRows(tree);
  const other = tree.branches.find((branch) => branch.id === comparing && branch.id !== tree.current);
  const current = currentBranch(tree);
  const mutation = current.scenario.mutation;
  /** One click: the same scenario with the correct protocol, as a branch, compared with this one. */
  const compareWithCorrect = () => {
    const time = session().store.getState().cursor.time;
    openAsBranch({ ...current.scenario, mutation: 'none' }, 0, `${current.name}, without ${mutation}`, time);
    setComparing(current.id);
  };
  return (
    <section className="debug-panel" aria-label="Branches">
      <h2>Branches</h2>
      <p className="note">
        Acting in the past starts a new branch; the future you left stays on its own. Each branch is its
        scenario, with its own link.
      </p>
      <ul className="branch-tree" aria-label="Branch tree">
        {rows.map(({ branch, depth }) => (
          <li key={branch.id} style={{ paddingLeft: `${depth * 1.2}em` }}>
            {depth > 0 ? '└ ' : ''}
            <button
              type="button"
              aria-current={branch.id === tree.current ? 'true' : undefined}
              onClick={() => switchBranch(branch.id)}
            >
              {branch.name}
            </button>{' '}
            <a
              href={encodeLink(branchLinkScenario(tree, branch), branch.forkAt ?? 0)}
              aria-label={`Link to ${branch.name}`}
            >
              link
            </a>
            {branch.id !== tree.current ? (
              <>
                {' '}
                <button
                  type="button"
                  onClick={() => setComparing(branch.id)}
                  aria-label={`Compare with ${branch.name}`}
                >
                  compare
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {mutation !== 'none' ? (
        <p>
          <button type="button" onClick={compareWithCorrect}>
            Compare with the correct protocol
          </button>
        </p>
      ) : null}
      {other !== undefined ? <BranchCompare a={current} b={other} /> : null}
    </section>
  );
}

function BranchCompare({ a, b }: { readonly a: Branch; readonly b: Branch }) {
  const runs = useMemo(() => ({ a: runOf(a.scenario), b: runOf(b.scenario) }), [a.scenario, b.scenario]);
  const divergence = useMemo(() => firstDivergence(runs.a, runs.b), [runs]);
  const [time, setTime] = useState<number | null>(null);
  const at = time ?? (divergence === null ? 0 : divergence.time + 100);
  const diff = useMemo(() => branchStateDiff(runs.a, runs.b, at), [runs, at]);
  return (
    <div role="region" aria-label="Branch comparison">
      <h3>{`“${a.name}” beside “${b.name}”`}</h3>
      <p aria-label="First divergence">
        {divergence === null
          ? 'The two branches run the same events: they do not diverge.'
          : `They first diverge at event #${divergence.index}, ${formatTime(divergence.time)}: here ${divergence.a}; there ${divergence.b}.`}{' '}
        {divergence === null ? null : (
          <button type="button" onClick={() => session().goToTime(divergence.time)}>
            Go to the divergence
          </button>
        )}
      </p>
      <StackedSpaceTime
        runs={[runs.a, runs.b]}
        names={[a.name, b.name]}
        divergence={divergence?.time ?? null}
      />
      <p>
        <label className="inline">
          State diff at (ms){' '}
          <input
            type="number"
            min={0}
            value={at}
            onChange={(e) =>
              setTime(Number.isFinite(e.target.valueAsNumber) ? Math.max(0, e.target.valueAsNumber) : null)
            }
          />
        </label>
      </p>
      {diff.length === 0 ? (
        <p aria-label="Branch state diff">{`At ${formatTime(at)} every replica is in the same state on both branches.`}</p>
      ) : (
        <table aria-label="Branch state diff">
          <thead>
            <tr>
              <th>replica</th>
              <th>what</th>
              <th>{a.name}</th>
              <th>{b.name}</th>
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

const laneHeight = 14;
const width = 600;

/** Both runs' deliveries between replicas, one above the other on one time axis, the divergence marked. */
function StackedSpaceTime({
  runs,
  names,
  divergence,
}: {
  readonly runs: readonly Run[];
  readonly names: readonly string[];
  readonly divergence: number | null;
}) {
  const start = Math.max(0, (divergence ?? 0) - 300);
  const end = start + 1500;
  const x = (t: number) => ((t - start) / (end - start)) * width;
  const lanes = runs[0].scenario.replicas;
  const blockHeight = (lanes + 1) * laneHeight;
  return (
    <svg
      role="img"
      aria-label="Stacked space-time diagram"
      viewBox={`0 0 ${width} ${blockHeight * runs.length + 12}`}
      width="100%"
      className="stacked-space-time"
    >
      {runs.map((run, block) => {
        const top = block * blockHeight + 10;
        const arrows = [];
        const journal = run.journal;
        for (let index = 0; index < journal.eventCount; index++) {
          const event = journal.event(index);
          if (event.time > end) break;
          if (event.kind !== 'deliver' || event.time < start) continue;
          const record = journal.message(event.msgId);
          if (typeof record.from !== 'number' || typeof record.to !== 'number') continue;
          arrows.push(
            <line
              key={index}
              x1={x(Math.max(start, record.sentAt))}
              y1={top + record.from * laneHeight}
              x2={x(event.time)}
              y2={top + record.to * laneHeight}
              stroke={block === 0 ? '#0072b2' : '#d55e00'}
              strokeWidth={1}
            />,
          );
        }
        return (
          <g key={block}>
            <text x={2} y={top - 2} fontSize={9}>
              {names[block]}
            </text>
            {Array.from({ length: lanes }, (_, lane) => (
              <line
                key={lane}
                x1={0}
                x2={width}
                y1={top + lane * laneHeight}
                y2={top + lane * laneHeight}
                stroke="#ddd"
              />
            ))}
            {arrows}
          </g>
        );
      })}
      {divergence === null ? null : (
        <line
          x1={x(divergence)}
          x2={x(divergence)}
          y1={0}
          y2={blockHeight * runs.length + 12}
          stroke="#cc79a7"
          strokeDasharray="3 2"
        >
          <title>{`first divergence, ${formatTime(divergence)}`}</title>
        </line>
      )}
    </svg>
  );
}
