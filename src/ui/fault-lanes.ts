/**
 * Fault lanes: the scenario's actions laid out along the timeline. Each action is a marker (it can
 * be moved or deleted); the intervals between actions are bars (a replica down from crash to
 * restart, a partition from partition to heal, a cut link from cut to mend or heal). Read from the
 * scenario alone, not the trace, so that what is planned but not computed yet shows too.
 */
import type { NodeId } from '../protocol/index.ts';
import { actionCaption } from '../sim/caption.ts';
import type { Action, ActionType } from '../sim/scenario-types.ts';

export type LaneId = `replica-${number}` | 'network' | 'clients';

export type BarKind = 'down' | 'partition' | 'cut';

export interface LaneBar {
  readonly kind: BarKind;
  readonly start: number;
  /** Where the interval ends; the lanes' end when nothing ends it. */
  readonly end: number;
  readonly label: string;
}

export interface LaneMarker {
  /** Index of the action in the scenario's action list. */
  readonly index: number;
  readonly at: number;
  readonly type: ActionType;
  readonly label: string;
}

export interface Lane {
  readonly id: LaneId;
  readonly label: string;
  readonly bars: readonly LaneBar[];
  readonly markers: readonly LaneMarker[];
}

function laneOf(action: Action): LaneId {
  switch (action.type) {
    case 'crash':
    case 'restart':
    case 'timeout':
      return `replica-${action.replica}`;
    case 'request':
    case 'workload':
      return 'clients';
    default:
      return 'network';
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

/**
 * The lanes for a scenario's actions, ending at `end` (ms). Only lanes with something in them are
 * returned: one per replica that is crashed, restarted or timed out by hand, then the network, then
 * the clients' requests.
 */
export function faultLanes(actions: readonly Action[], end: number): Lane[] {
  // Stable by time: actions at the same millisecond keep their order, as the simulator applies them.
  const order = actions.map((action, index) => ({ action, index })).sort((a, b) => a.action.at - b.action.at);
  const bars = new Map<LaneId, LaneBar[]>();
  const markers = new Map<LaneId, LaneMarker[]>();
  const push = <T>(map: Map<LaneId, T[]>, lane: LaneId, item: T): void => {
    const list = map.get(lane);
    if (list === undefined) map.set(lane, [item]);
    else list.push(item);
  };
  const downSince = new Map<number, number>();
  let partition: { start: number; label: string } | null = null;
  const cuts = new Map<string, { start: number; label: string }>();
  const closePartition = (at: number): void => {
    if (partition !== null && at > partition.start)
      push(bars, 'network', { kind: 'partition', start: partition.start, end: at, label: partition.label });
    partition = null;
  };
  // Deleting the entry being visited is safe in a Map's iteration.
  const closeCut = (key: string, at: number): void => {
    const cut = cuts.get(key);
    if (cut === undefined) return;
    cuts.delete(key);
    if (at > cut.start) push(bars, 'network', { kind: 'cut', start: cut.start, end: at, label: cut.label });
  };

  for (const { action, index } of order) {
    const lane = laneOf(action);
    push(markers, lane, { index, at: action.at, type: action.type, label: actionCaption(action) });
    switch (action.type) {
      case 'crash':
        if (!downSince.has(action.replica)) downSince.set(action.replica, action.at);
        break;
      case 'restart': {
        const since = downSince.get(action.replica);
        if (since !== undefined && action.at > since)
          push(bars, lane, {
            kind: 'down',
            start: since,
            end: action.at,
            label: `replica ${action.replica} down`,
          });
        downSince.delete(action.replica);
        break;
      }
      case 'partition':
        closePartition(action.at);
        partition = {
          start: action.at,
          label: `partition ${action.groups.map((group) => `{${group.join(', ')}}`).join(' ')}`,
        };
        break;
      case 'heal':
        closePartition(action.at);
        for (const key of cuts.keys()) closeCut(key, action.at);
        break;
      case 'cut': {
        const key = linkKey(action.from, action.to);
        if (!cuts.has(key))
          cuts.set(key, { start: action.at, label: `link ${action.from} → ${action.to} cut` });
        break;
      }
      case 'mend':
        closeCut(linkKey(action.from, action.to), action.at);
        break;
      default:
        break;
    }
  }
  for (const [replica, since] of downSince)
    if (end > since)
      push(bars, `replica-${replica}`, { kind: 'down', start: since, end, label: `replica ${replica} down` });
  closePartition(end);
  for (const key of cuts.keys()) closeCut(key, end);

  const ids = new Set<LaneId>([...bars.keys(), ...markers.keys()]);
  const replicaIds = [...ids]
    .filter((id): id is `replica-${number}` => id.startsWith('replica-'))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  const laneIds: LaneId[] = [...replicaIds];
  if (ids.has('network')) laneIds.push('network');
  if (ids.has('clients')) laneIds.push('clients');
  return laneIds.map((id) => ({
    id,
    label: id === 'network' ? 'network' : id === 'clients' ? 'clients' : `replica ${id.slice(8)}`,
    bars: bars.get(id) ?? [],
    markers: markers.get(id) ?? [],
  }));
}

/** The latest time any action is planned at (0 with none). */
export function lastActionTime(actions: readonly Action[]): number {
  let last = 0;
  for (const action of actions) if (action.at > last) last = action.at;
  return last;
}

/**
 * The action list with action `index` moved to `at` (kept in time order; among actions at the same
 * millisecond, a moved one goes last, as if taken then), or removed when `at` is null; and where the
 * moved action now is (-1 when removed).
 */
export function editActions(
  actions: readonly Action[],
  index: number,
  at: number | null,
): { actions: Action[]; index: number } {
  const rest = actions.filter((_, i) => i !== index).sort((a, b) => a.at - b.at);
  if (at === null) return { actions: rest, index: -1 };
  const moved = { ...actions[index], at } as Action;
  const position = rest.findIndex((action) => action.at > at);
  if (position === -1) return { actions: [...rest, moved], index: rest.length };
  return { actions: [...rest.slice(0, position), moved, ...rest.slice(position)], index: position };
}

/** The actions with action `index` shown at `at`, order and indices unchanged (a drag in progress). */
export function previewMove(actions: readonly Action[], index: number, at: number): Action[] {
  return actions.map((action, i) => (i === index ? ({ ...action, at } as Action) : action));
}

/** Actions that name a message by id: moving an earlier action renumbers the messages they meant. */
export function namesMessageById(action: Action): boolean {
  return (action.type === 'drop' && action.id !== undefined) || action.type === 'duplicate';
}
