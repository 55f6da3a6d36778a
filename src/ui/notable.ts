/**
 * Notable events (what "next / previous notable event" jumps between) and the timeline's markers,
 * read from the trace. The marker index scans the trace incrementally and is cut back when the run
 * forks.
 */
import type { MessageRecord, TraceEvent } from '../sim/trace.ts';

export type MarkerKind = 'view' | 'crash' | 'restart' | 'network' | 'violation';

export interface Marker {
  readonly kind: MarkerKind;
  /** Index of the event (the cursor lands after it: event count index + 1). */
  readonly index: number;
  readonly time: number;
  readonly label: string;
}

export const markerKindLabels: Record<MarkerKind, string> = {
  view: 'view change',
  crash: 'crash',
  restart: 'restart',
  network: 'partition or link change',
  violation: 'violation',
};

/** The marker an event contributes to the timeline, if any. */
export function markerOf(event: TraceEvent): Marker | null {
  const at = { index: event.index, time: event.time };
  if (event.kind === 'crash-stop')
    return { kind: 'violation', ...at, label: `protocol assertion failed: ${event.error}` };
  if (event.kind === 'action') {
    const action = event.action;
    switch (action.type) {
      case 'crash':
        return { kind: 'crash', ...at, label: `replica ${action.replica} crashed` };
      case 'restart':
        return { kind: 'restart', ...at, label: `replica ${action.replica} restarted` };
      case 'partition':
        return {
          kind: 'network',
          ...at,
          label: `partition ${action.groups.map((g) => `{${g.join(', ')}}`).join(' ')}`,
        };
      case 'heal':
        return { kind: 'network', ...at, label: 'network healed' };
      case 'cut':
        return { kind: 'network', ...at, label: `link ${action.from} → ${action.to} cut` };
      case 'mend':
        return { kind: 'network', ...at, label: `link ${action.from} → ${action.to} mended` };
      default:
        return null;
    }
  }
  if (event.notes !== null)
    for (const note of event.notes)
      if (note.kind === 'view-started' && note.primary === event.node)
        return { kind: 'view', ...at, label: `view ${note.view} started, primary ${note.primary}` };
  return null;
}

/**
 * Notable for the transport's jump buttons: commits by a primary, view changes, crashes, restarts,
 * recoveries, the person's own actions and violations.
 */
export function isNotable(event: TraceEvent, messages: readonly MessageRecord[]): boolean {
  if (event.kind === 'crash-stop' || event.kind === 'action') return true;
  if (event.notes === null || event.notes.length === 0) return false;
  for (const note of event.notes) {
    switch (note.kind) {
      case 'view-change-started':
      case 'view-started':
      case 'recovered':
      case 'recovery-started':
        return true;
      case 'executed': {
        // A commit is decided by the primary: it executes on prepare_ok (or on the request itself
        // when f = 0). Backups executing later only follow.
        if (event.kind !== 'deliver') break;
        const type = messages[event.msgId]?.message.type;
        if (type === 'prepare_ok' || type === 'request') return true;
        break;
      }
      default:
        break;
    }
  }
  return false;
}

/** Markers of a run's trace, scanned as the trace grows and cut back when it forks. */
export class MarkerIndex {
  private scanned = 0;
  markers: readonly Marker[] = [];

  /** Scans new events; returns true when a marker was added. */
  scan(events: readonly TraceEvent[]): boolean {
    if (events.length < this.scanned) this.truncate(events.length);
    const added: Marker[] = [];
    for (let index = this.scanned; index < events.length; index++) {
      const marker = markerOf(events[index]);
      if (marker !== null) added.push(marker);
    }
    this.scanned = events.length;
    if (added.length === 0) return false;
    this.markers = [...this.markers, ...added];
    return true;
  }

  /** Forgets everything from event `length` on (the run forked there). */
  truncate(length: number): void {
    if (length >= this.scanned) return;
    this.scanned = length;
    const kept = this.markers.filter((marker) => marker.index < length);
    if (kept.length !== this.markers.length) this.markers = kept;
  }

  reset(): void {
    this.scanned = 0;
    this.markers = [];
  }
}
