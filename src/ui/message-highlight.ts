/**
 * Messages the tour's narration points at, drawn with a ring in the cluster view where they are:
 * the narration never scrolls the page to them. A tiny store of its own so that the cluster view
 * and the tour panel do not import each other.
 */
import { createStore } from 'zustand/vanilla';
import type { MessageRecord } from '../sim/trace.ts';

export interface MessageHighlight {
  readonly type: string;
  readonly from?: number | string;
  readonly to?: number | string;
}

export const messageHighlightStore = createStore<{ readonly highlights: readonly MessageHighlight[] }>()(
  () => ({ highlights: [] }),
);

export function setMessageHighlights(highlights: readonly MessageHighlight[]): void {
  messageHighlightStore.setState({ highlights });
}

/** Whether `record` is one of the messages pointed at. */
export function matchesHighlight(highlights: readonly MessageHighlight[], record: MessageRecord): boolean {
  return highlights.some(
    (h) =>
      h.type === record.message.type &&
      (h.from === undefined || h.from === record.from) &&
      (h.to === undefined || h.to === record.to),
  );
}
