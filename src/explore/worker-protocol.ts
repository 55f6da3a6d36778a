/**
 * The messages between the explorer's coordinator and its workers, and the worker's side of the
 * conversation. The same handler runs in a Node worker thread (src/node/explore-worker.ts), in a
 * browser Web Worker (src/ui) and in-process (one worker, tests): only the transport differs.
 *
 * Every request gets exactly one reply; `progress` messages may come before an `expanded` reply.
 */
import type { Scenario } from '../sim/scenario-types.ts';
import type { ExploreNetwork } from './state-space.ts';
import { ExploreCore, type Batch, type FoundViolation } from './worker-core.ts';

export type ToWorker =
  | {
      readonly type: 'init';
      readonly scenario: Scenario;
      readonly at: number;
      readonly depth: number;
      readonly crashes: number;
      readonly network: ExploreNetwork;
      readonly index: number;
      readonly count: number;
    }
  | { readonly type: 'expand' }
  | { readonly type: 'admit'; readonly batches: readonly Batch[] };

export type FromWorker =
  | { readonly type: 'ready'; readonly violation: FoundViolation | null; readonly frontier: number }
  | { readonly type: 'progress'; readonly expanded: number }
  | {
      readonly type: 'expanded';
      readonly batches: Batch[];
      readonly violations: FoundViolation[];
      readonly expanded: number;
      readonly generated: number;
    }
  | { readonly type: 'admitted'; readonly added: number; readonly frontier: number }
  | { readonly type: 'error'; readonly message: string };

/** A worker's state between messages: its core, once initialised. */
export interface WorkerState {
  core: ExploreCore | null;
}

/** Handles one request, posting its reply (and any progress before it). Never throws. */
export function handleToWorker(
  state: WorkerState,
  message: ToWorker,
  post: (reply: FromWorker) => void,
): void {
  try {
    switch (message.type) {
      case 'init': {
        const { scenario, at, depth, crashes, network, index, count } = message;
        const core = new ExploreCore({ scenario, at, depth, crashes, network }, index, count);
        state.core = core;
        return post({ type: 'ready', violation: core.startViolation(), frontier: core.frontierSize });
      }
      case 'expand': {
        const core = requireCore(state);
        const result = core.expand((expanded) => post({ type: 'progress', expanded }));
        return post({ type: 'expanded', ...result });
      }
      case 'admit': {
        const core = requireCore(state);
        const added = core.admit(message.batches);
        return post({ type: 'admitted', added, frontier: core.frontierSize });
      }
    }
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

function requireCore(state: WorkerState): ExploreCore {
  if (state.core === null) throw new Error('explorer worker: init must come first');
  return state.core;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isBatch(value: unknown): boolean {
  return (
    isRecord(value) &&
    Array.isArray(value.fingerprints) &&
    Array.isArray(value.paths) &&
    value.fingerprints.length === value.paths.length &&
    value.fingerprints.every(isCount) &&
    value.paths.every((path) => typeof path === 'string')
  );
}

function isFound(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.path === 'string' &&
    typeof value.checker === 'string' &&
    typeof value.message === 'string'
  );
}

/**
 * A worker's reply as data crossing a boundary: its shape is checked before it is trusted, and a
 * malformed one is named (the page stops exploring and says why).
 */
export function checkFromWorker(value: unknown): FromWorker | string {
  if (!isRecord(value) || typeof value.type !== 'string') return 'not a reply';
  switch (value.type) {
    case 'ready':
      return (value.violation === null || isFound(value.violation)) && isCount(value.frontier)
        ? (value as FromWorker)
        : 'a malformed ready';
    case 'progress':
      return isCount(value.expanded) ? (value as FromWorker) : 'a malformed progress';
    case 'expanded':
      return Array.isArray(value.batches) &&
        value.batches.every(isBatch) &&
        Array.isArray(value.violations) &&
        value.violations.every(isFound) &&
        isCount(value.expanded) &&
        isCount(value.generated)
        ? (value as FromWorker)
        : 'a malformed expansion';
    case 'admitted':
      return isCount(value.added) && isCount(value.frontier)
        ? (value as FromWorker)
        : 'a malformed admission';
    case 'error':
      return typeof value.message === 'string' ? (value as FromWorker) : 'a malformed error';
    default:
      return `an unknown reply '${value.type}'`;
  }
}
