/** Differences between two replica snapshots (two moments of one replica, or two replicas). Pure. */
import type { Scenario } from '../../sim/scenario-types.ts';
import type { ReplicaFrame } from '../frame.ts';

export interface DiffRow {
  readonly what: string;
  readonly a: string;
  readonly b: string;
}

function cell(frame: ReplicaFrame, op: number): string {
  const c = frame.log.find((l) => l.opNumber === op);
  if (c === undefined) return op <= frame.opNumber ? '(not shown)' : '(none)';
  return `${c.op} · ${c.client}#${c.request} · v${c.view}${c.committed ? ' ✓' : ''}`;
}

export function diffReplicas(a: ReplicaFrame, b: ReplicaFrame): DiffRow[] {
  const rows: DiffRow[] = [];
  const scalar = (what: string, x: string | number, y: string | number) => {
    if (String(x) !== String(y)) rows.push({ what, a: String(x), b: String(y) });
  };
  scalar('status', a.status, b.status);
  scalar('view', a.view, b.view);
  scalar('primary', a.primary, b.primary);
  scalar('op-number', a.opNumber, b.opNumber);
  scalar('commit-number', a.commitNumber, b.commitNumber);
  const ops = new Set([...a.log.map((c) => c.opNumber), ...b.log.map((c) => c.opNumber)]);
  for (const op of [...ops].sort((x, y) => x - y)) scalar(`log op ${op}`, cell(a, op), cell(b, op));
  const clients = new Set([...a.clientTable.map((r) => r.client), ...b.clientTable.map((r) => r.client)]);
  for (const client of [...clients].sort()) {
    const row = (f: ReplicaFrame) => {
      const r = f.clientTable.find((t) => t.client === client);
      return r === undefined ? '(none)' : `request ${r.request} → ${r.result} (op ${r.op})`;
    };
    scalar(`client table ${client}`, row(a), row(b));
  }
  const keys = new Set([...a.stateRows.map(([k]) => k), ...b.stateRows.map(([k]) => k)]);
  for (const key of [...keys].sort()) {
    const value = (f: ReplicaFrame) => f.stateRows.find(([k]) => k === key)?.[1] ?? '(none)';
    scalar(`state ${key}`, value(a), value(b));
  }
  return rows;
}

/**
 * Whether a moment pinned at `time` in a run of `pinned` is in the past of the run of `current`:
 * the same settings and the same actions up to that time. Otherwise (another scenario loaded, or
 * the past edited) the pinned frame belongs to another run and must not be compared.
 */
export function samePast(pinned: Scenario, current: Scenario, time: number): boolean {
  if (pinned === current) return true;
  const { actions: a, ...settingsA } = pinned;
  const { actions: b, ...settingsB } = current;
  if (JSON.stringify(settingsA) !== JSON.stringify(settingsB)) return false;
  const upTo = (actions: Scenario['actions']) =>
    JSON.stringify(actions.filter((action) => action.at <= time));
  return upTo(a) === upTo(b);
}
