/**
 * Notable events (what "next / previous notable event" jumps between) and the timeline's markers,
 * read from the trace. The marker index scans the trace incrementally and is cut back when the run
 * forks.
 */
import type { TraceEvent, TraceReader } from '../sim/trace.ts';

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

/** The marker event `index` contributes to the timeline, if any. */
export function markerOf(trace: TraceReader, index: number): Marker | null {
  const kind = trace.eventKind(index);
  const at = { index, time: trace.eventTime(index) };
  // Actions and crash-stops are rare: only they are read whole.
  if (kind === 'crash-stop' || kind === 'action') return actionMarker(trace.event(index), at);
  const count = trace.eventNoteCount(index);
  if (count === 0) return null;
  const node = trace.eventNode(index);
  for (let nth = 0; nth < count; nth++) {
    const note = trace.eventNote(index, nth);
    if (note.kind === 'view-started' && note.primary === node)
      return { kind: 'view', ...at, label: `view ${note.view} started, primary ${note.primary}` };
  }
  return null;
}

function actionMarker(event: TraceEvent, at: { index: number; time: number }): Marker | null {
  if (event.kind === 'crash-stop')
    return { kind: 'violation', ...at, label: `protocol assertion failed: ${event.error}` };
  if (event.kind !== 'action') return null;
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

/**
 * Notable for the transport's jump buttons: commits by a primary, view changes, crashes, restarts,
 * recoveries, the person's own actions and violations.
 */
export function isNotable(trace: TraceReader, index: number): boolean {
  const kind = trace.eventKind(index);
  if (kind === 'crash-stop' || kind === 'action') return true;
  const count = trace.eventNoteCount(index);
  for (let nth = 0; nth < count; nth++) {
    switch (trace.eventNote(index, nth).kind) {
      case 'view-change-started':
      case 'view-started':
      case 'recovered':
      case 'recovery-started':
        return true;
      case 'executed': {
        // A commit is decided by the primary: it executes on prepare_ok (or on the request itself
        // when f = 0). Backups executing later only follow.
        if (kind !== 'deliver') break;
        const id = trace.eventMessageId(index);
        const type = id < trace.messageCount ? trace.messageBody(id).type : undefined;
        if (type === 'prepare_ok' || type === 'request') return true;
        break;
      }
      default:
        break;
    }
  }
  return false;
}

/** What a jump looks for: Shift+arrows take any notable event, the letter keys one kind. */
export type JumpKind = 'notable' | 'view' | 'crash' | 'violation' | 'lost' | 'commit' | 'match';

export const jumpKindLabels: Record<JumpKind, string> = {
  notable: 'notable event',
  view: 'view change',
  crash: 'crash or restart',
  violation: 'violation',
  lost: 'lost message',
  commit: 'commit',
  match: 'event log match',
};

function hasNote(trace: TraceReader, index: number, kinds: readonly string[]): boolean {
  const count = trace.eventNoteCount(index);
  for (let nth = 0; nth < count; nth++) if (kinds.includes(trace.eventNote(index, nth).kind)) return true;
  return false;
}

/** A commit decided by the primary (the event that executes an op on prepare_ok or request). */
export function isCommit(trace: TraceReader, index: number): boolean {
  if (trace.eventKind(index) !== 'deliver' || !hasNote(trace, index, ['executed'])) return false;
  const id = trace.eventMessageId(index);
  const type = id < trace.messageCount ? trace.messageBody(id).type : undefined;
  return type === 'prepare_ok' || type === 'request';
}

function isCrashOrRestart(trace: TraceReader, index: number): boolean {
  if (trace.eventKind(index) !== 'action') return false;
  const event = trace.event(index);
  return event.kind === 'action' && (event.action.type === 'crash' || event.action.type === 'restart');
}

/**
 * Whether event `index` is a target of a jump of `kind`. `violationEvents` holds the events at which
 * a checker objected (they are not trace events); `matches` tests the event log's filter.
 */
export function isJumpTarget(
  trace: TraceReader,
  index: number,
  kind: JumpKind,
  violationEvents: ReadonlySet<number>,
  matches: (index: number) => boolean,
): boolean {
  switch (kind) {
    case 'notable':
      return isNotable(trace, index);
    case 'view':
      return hasNote(trace, index, ['view-change-started', 'view-started']);
    case 'crash':
      return isCrashOrRestart(trace, index);
    case 'violation':
      return violationEvents.has(index) || trace.eventKind(index) === 'crash-stop';
    case 'lost':
      return trace.eventKind(index) === 'lose';
    case 'commit':
      return isCommit(trace, index);
    case 'match':
      return matches(index);
  }
}

/** Markers of a run's trace, scanned as the trace grows and cut back when it forks. */
export class MarkerIndex {
  private scanned = 0;
  markers: readonly Marker[] = [];

  /** Scans new events; returns true when a marker was added. */
  scan(trace: TraceReader): boolean {
    const count = trace.eventCount;
    if (count < this.scanned) this.truncate(count);
    const added: Marker[] = [];
    for (let index = this.scanned; index < count; index++) {
      const marker = markerOf(trace, index);
      if (marker !== null) added.push(marker);
    }
    this.scanned = count;
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
