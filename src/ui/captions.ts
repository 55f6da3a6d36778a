/** Captions for trace events, computed on demand and cached per event object. */
import { eventCaption } from '../sim/caption.ts';
import type { MessageRecord, TraceEvent } from '../sim/trace.ts';
import { messageSummary } from '../sim/caption.ts';
import { nodeName } from './format.ts';

const eventCaptions = new WeakMap<TraceEvent, string>();
const messageLabels = new WeakMap<MessageRecord, string>();

export function captionOf(event: TraceEvent, messages: readonly MessageRecord[]): string {
  let caption = eventCaptions.get(event);
  if (caption === undefined) {
    caption = eventCaption(event, messages);
    eventCaptions.set(event, caption);
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
