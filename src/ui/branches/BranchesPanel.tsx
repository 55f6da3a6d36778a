/**
 * Branches: the run's tree of futures. Each branch is a line on one time axis from the moment it
 * forked, under the branch it left; clicking one shows it. Each has its own link, and any two can
 * be compared, including the run against the same scenario with a rule broken.
 */
// oxlint-disable-next-line import/no-unassigned-import -- the stylesheet is imported for its side effect
import './branches.css';
import { scaleLinear } from 'd3-scale';
import { useState } from 'react';
import { mutations, type Mutation } from '../../protocol/index.ts';
import { mutationLabel } from '../debug-views/rules.ts';
import { formatTime } from '../format.ts';
import { useApp } from '../store.ts';
import { branchLinkOf, branchWithMutation, pickForCompare, showBranch, useBranches } from './branch-store.ts';
import { CompareView } from './CompareView.tsx';
import { drawingOrder, type Branch } from './tree.ts';

const rowHeight = 24;
/** Room above the first row for its label. */
const top = 8;
const treeWidth = 640;

export function BranchesPanel() {
  const tree = useBranches((s) => s.tree);
  const picked = useBranches((s) => s.picked);
  const cursor = useApp((s) => s.cursor.time);
  const [mutation, setMutation] = useState<Mutation>('longest-log-wins');
  const [copied, setCopied] = useState<number | null>(null);
  if (tree === null) return null;
  const rows = drawingOrder(tree);
  const until = Math.max(...tree.branches.map((b) => b.scenario.until), 1);
  const x = scaleLinear()
    .domain([0, until])
    .range([8, treeWidth - 8]);
  const rowOf = new Map(rows.map(({ branch }, i) => [branch.id, i]));
  const y = (i: number) => top + i * rowHeight + rowHeight / 2;
  const height = top + rows.length * rowHeight;
  const copy = (branch: Branch) => {
    const url = `${window.location.origin}${window.location.pathname}${branchLinkOf(branch.id, cursor)}`;
    void navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(branch.id);
  };
  return (
    <section className="debug-panel branches-panel" aria-label="Branches">
      <h2>Branches</h2>
      <p className="muted">
        Acting in the past starts a new branch; the future you left is kept. Click a branch to show it at the
        same moment; tick two to compare them.
      </p>
      <svg
        className="branch-tree"
        viewBox={`0 0 ${treeWidth} ${height}`}
        width="100%"
        height={height}
        role="img"
        aria-label={`The run's tree: ${rows.length === 1 ? 'one branch' : `${rows.length} branches`}`}
      >
        <line className="branch-cursor" x1={x(cursor)} x2={x(cursor)} y1={0} y2={height} />
        {rows.map(({ branch }, i) => {
          const parentRow = branch.parent === null ? undefined : rowOf.get(branch.parent);
          const current = branch.id === tree.current;
          return (
            <g
              key={branch.id}
              className={`branch-row${current ? ' current' : ''}`}
              onClick={() => showBranch(branch.id)}
            >
              <title>{`${branch.label}: from ${formatTime(branch.forkAt)}`}</title>
              {parentRow !== undefined ? (
                <line
                  x1={x(branch.forkAt)}
                  x2={x(branch.forkAt)}
                  y1={y(parentRow)}
                  y2={y(i)}
                  className="branch-fork"
                />
              ) : null}
              <line
                x1={x(branch.forkAt)}
                x2={x(branch.scenario.until)}
                y1={y(i)}
                y2={y(i)}
                className="branch-line"
              />
              <circle cx={x(branch.forkAt)} cy={y(i)} r={4} className="branch-dot" />
              <text x={Math.min(x(branch.forkAt) + 8, treeWidth - 200)} y={y(i) - 5} className="branch-label">
                {branch.label}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="branch-list" aria-label="Branches of this run">
        {rows.map(({ branch, depth }) => {
          const current = branch.id === tree.current;
          return (
            <li key={branch.id} style={{ paddingInlineStart: `${depth * 14}px` }}>
              <button
                type="button"
                aria-current={current ? 'true' : undefined}
                onClick={() => showBranch(branch.id)}
                title={current ? 'The branch on screen.' : 'Show this branch at the same moment.'}
              >
                {`${current ? '● ' : ''}${branch.label}`}
              </button>{' '}
              <span className="muted">{`from ${formatTime(branch.forkAt)}`}</span>{' '}
              <button
                type="button"
                onClick={() => copy(branch)}
                title="Copy this branch's link: it reopens this branch, and names the branches it came from."
              >
                {copied === branch.id ? 'Link copied' : 'Copy link'}
              </button>{' '}
              <label className="inline" title="Tick two branches to compare them.">
                <input
                  type="checkbox"
                  checked={picked.includes(branch.id)}
                  onChange={(e) => pickForCompare(branch.id, e.target.checked)}
                />
                {` compare`}
              </label>
            </li>
          );
        })}
      </ul>
      <p>
        <label className="inline">
          Same run with{' '}
          <select value={mutation} onChange={(e) => setMutation(e.target.value as Mutation)}>
            {mutations.map((m) => (
              <option key={m} value={m}>
                {m === 'none' ? 'the correct protocol' : mutationLabel(m)}
              </option>
            ))}
          </select>
        </label>{' '}
        <button
          type="button"
          onClick={() => branchWithMutation(mutation)}
          title="A new branch from the start with this rule broken (or with the correct protocol), compared with the branch on screen."
        >
          Branch and compare
        </button>
      </p>
      {picked.length === 2 ? <CompareView a={picked[0]} b={picked[1]} /> : null}
    </section>
  );
}
