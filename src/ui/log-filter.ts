/**
 * The event log's filter (node, message type, text search, notable only), in a small store so that
 * the log and the keyboard's "next / previous search match" share it. `passes` is pure.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { MessageType, NodeId } from '../protocol/index.ts';
import type { TraceReader } from '../sim/trace.ts';
import { captionOf } from './captions.ts';
import { isNotable } from './notable.ts';

export interface LogFilter {
  readonly notableOnly: boolean;
  /** `replica 2`, `client c0` or '' for all. */
  readonly node: string;
  readonly type: MessageType | '';
  readonly search: string;
}

function nodeKey(node: NodeId | null): string {
  if (node === null) return '';
  return typeof node === 'number' ? `replica ${node}` : `client ${node}`;
}

/** Whether event `index` passes the filter (pure, unit-tested). Reads fields, not whole events. */
export function passes(trace: TraceReader, index: number, filter: LogFilter): boolean {
  if (filter.notableOnly && !isNotable(trace, index)) return false;
  const id = trace.eventMessageId(index);
  const recorded = id >= 0 && id < trace.messageCount;
  if (filter.type !== '' && (!recorded || trace.messageBody(id).type !== filter.type)) return false;
  if (filter.node !== '') {
    const involved =
      nodeKey(trace.eventNode(index)) === filter.node ||
      (recorded &&
        (nodeKey(trace.messageFrom(id)) === filter.node || nodeKey(trace.messageTo(id)) === filter.node)) ||
      (trace.eventKind(index) === 'action' && actionReplica(trace, index) === filter.node);
    if (!involved) return false;
  }
  if (filter.search.trim() !== '') {
    const needle = filter.search.trim().toLowerCase();
    if (!captionOf(trace, index).toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** `replica 2` for an action on replica 2, else ''. */
function actionReplica(trace: TraceReader, index: number): string {
  const event = trace.event(index);
  return event.kind === 'action' && 'replica' in event.action ? `replica ${event.action.replica}` : '';
}

export const noFilter: LogFilter = { notableOnly: false, node: '', type: '', search: '' };

export const logFilterStore = createStore<LogFilter>()(() => noFilter);

export function setLogFilter(filter: LogFilter): void {
  logFilterStore.setState(filter, true);
}

export function useLogFilter(): LogFilter {
  return useStore(logFilterStore);
}

/** Whether the filter selects anything narrower than every event. */
export function isFiltering(filter: LogFilter): boolean {
  return filter.notableOnly || filter.node !== '' || filter.type !== '' || filter.search.trim() !== '';
}
