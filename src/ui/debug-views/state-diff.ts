/** Differences between two replica snapshots (two moments of one replica, or two replicas). Pure. */
import type { Scenario } from '../../sim/scenario-types.ts';
import type { LogEntry, Replica } from '../../protocol/index.ts';
import type { ReplicaStatus } from '../../protocol/index.ts';

export interface DiffRow {
  readonly what: string;
  readonly a: string;
  readonly b: string;
}

/** Rows of differences shown at most; the rest are counted ("and 12 more differences"). */
export const diffRowsMax = 200;

/**
 * The whole of a replica's state, as a person reads it: the entire log, the entire state machine
 * and the entire client table (the cards show only their tails). A crashed replica has none of it:
 * it is `crashed` and nothing else, never an internal placeholder such as "primary −1".
 */
export type ReplicaSnapshot =
  | { readonly status: 'crashed' }
  | {
      readonly status: ReplicaStatus;
      readonly view: number;
      readonly lastNormalView: number;
      readonly primary: number;
      readonly opNumber: number;
      readonly commitNumber: number;
      readonly log: readonly LogEntry[];
      readonly state: Readonly<Record<string, string>> | readonly string[];
      readonly clientTable: readonly { client: string; request: number; result: string; op: number }[];
    };

export function replicaSnapshot(replica: Replica | null): ReplicaSnapshot {
  if (replica === null) return { status: 'crashed' };
  return {
    status: replica.status,
    view: replica.view,
    lastNormalView: replica.lastNormalView,
    primary: replica.primary,
    opNumber: replica.opNumber,
    commitNumber: replica.commitNumber,
    log: replica.log.slice(),
    state: replica.stateMachine.contents(),
    clientTable: [...replica.clientTable.values()].map((row) => ({
      client: row.client,
      request: row.request,
      result: row.result,
      op: row.op,
    })),
  };
}

function logCell(entry: LogEntry | undefined, op: number, commitNumber: number): string {
  if (entry === undefined) return '(none)';
  return `${entry.op} · ${entry.client}#${entry.request} · v${entry.view}${op <= commitNumber ? ' ✓' : ''}`;
}

function stateEntries(state: Readonly<Record<string, string>> | readonly string[]): Map<string, string> {
  if (Array.isArray(state)) return new Map(state.map((value, index) => [`#${index + 1}`, value]));
  return new Map(Object.entries(state as Record<string, string>));
}

/**
 * What differs between two whole replica states (a replica at two moments, or two replicas): status,
 * view, primary, numbers, every log entry, every state machine entry and every client table row.
 * At most diffRowsMax rows; `more` counts those left out. The logs' common prefix is summarised.
 */
export function diffSnapshots(
  a: ReplicaSnapshot,
  b: ReplicaSnapshot,
): { rows: DiffRow[]; more: number; sameLogOps: number } {
  const rows: DiffRow[] = [];
  let more = 0;
  const scalar = (what: string, x: string | number, y: string | number) => {
    if (String(x) === String(y)) return;
    if (rows.length < diffRowsMax) rows.push({ what, a: String(x), b: String(y) });
    else more++;
  };
  scalar('status', a.status, b.status);
  if (a.status === 'crashed' || b.status === 'crashed') {
    if (a.status !== b.status)
      scalar(
        'state',
        a.status === 'crashed' ? 'lost in the crash' : 'kept',
        b.status === 'crashed' ? 'lost in the crash' : 'kept',
      );
    return { rows, more, sameLogOps: 0 };
  }
  scalar('view', a.view, b.view);
  scalar('last normal view', a.lastNormalView, b.lastNormalView);
  scalar('primary of its view', `replica ${a.primary}`, `replica ${b.primary}`);
  scalar('op-number', a.opNumber, b.opNumber);
  scalar('commit-number', a.commitNumber, b.commitNumber);
  const longest = Math.max(a.log.length, b.log.length);
  let sameLogOps = 0;
  while (
    sameLogOps < Math.min(a.log.length, b.log.length) &&
    logCell(a.log[sameLogOps], sameLogOps + 1, a.commitNumber) ===
      logCell(b.log[sameLogOps], sameLogOps + 1, b.commitNumber)
  )
    sameLogOps++;
  for (let op = sameLogOps + 1; op <= longest; op++)
    scalar(
      `log op ${op}`,
      logCell(a.log[op - 1], op, a.commitNumber),
      logCell(b.log[op - 1], op, b.commitNumber),
    );
  const clients = new Set([...a.clientTable.map((r) => r.client), ...b.clientTable.map((r) => r.client)]);
  for (const client of [...clients].sort()) {
    const row = (s: typeof a) => {
      const r = s.clientTable.find((t) => t.client === client);
      return r === undefined ? '(none)' : `request ${r.request} → ${r.result} (op ${r.op})`;
    };
    scalar(`client table ${client}`, row(a), row(b));
  }
  const stateA = stateEntries(a.state);
  const stateB = stateEntries(b.state);
  const keys = new Set([...stateA.keys(), ...stateB.keys()]);
  for (const key of [...keys].sort())
    scalar(`state ${key}`, stateA.get(key) ?? '(none)', stateB.get(key) ?? '(none)');
  return { rows, more, sameLogOps };
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
