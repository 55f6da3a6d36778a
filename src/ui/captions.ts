/** Captions for trace events and messages, computed on demand and cached. */
import { eventCaption, messageSummary } from '../sim/caption.ts';
import type { MessageRecord, TraceReader } from '../sim/trace.ts';
import { nodeName } from './format.ts';

/** Cached captions per trace at most: a text search over a long run must not keep them all. */
const captionsMax = 50_000;

interface CaptionCache {
  readonly revision: number;
  readonly captions: Map<number, string>;
}

const eventCaptions = new WeakMap<TraceReader, CaptionCache>();
const messageLabels = new WeakMap<MessageRecord, string>();

/**
 * The caption of event `index` of `trace`. Cached by index until the trace is cut back: the event
 * log's text search reads thousands of captions on every update.
 */
export function captionOf(trace: TraceReader, index: number): string {
  let cache = eventCaptions.get(trace);
  if (cache === undefined || cache.revision !== trace.revision) {
    cache = { revision: trace.revision, captions: new Map() };
    eventCaptions.set(trace, cache);
  }
  let caption = cache.captions.get(index);
  if (caption === undefined) {
    if (cache.captions.size >= captionsMax) cache.captions.clear();
    caption = eventCaption(trace.event(index), trace);
    cache.captions.set(index, caption);
  }
  return caption;
}

/** The accessible name of a message in flight: `prepare op 7 … from replica 0 to replica 2`. */
export function messageLabel(record: MessageRecord): string {
  let label = messageLabels.get(record);
  if (label === undefined) {
    label = `${messageSummary(record.message)} from ${nodeName(record.from)} to ${nodeName(record.to)}${record.duplicateOf !== null ? ' (duplicate)' : ''}`;
    messageLabels.set(record, label);
  }
  return label;
}
