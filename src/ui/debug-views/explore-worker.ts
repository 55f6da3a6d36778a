/// <reference lib="webworker" />
/**
 * One explorer worker in the page: the worker side of src/explore/worker-protocol.ts (the same code
 * the `sim explore` threads run). A scenario crossing into the worker is validated again by the schema.
 */
import {
  handleToWorker,
  type FromWorker,
  type ToWorker,
  type WorkerState,
} from '../../explore/worker-protocol.ts';
import { parseScenario, ScenarioError } from '../../scenario/schema.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker's postMessage has no origin
const post = (reply: FromWorker) => scope.postMessage(reply);
const state: WorkerState = { core: null };

scope.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as ToWorker;
  if (typeof data !== 'object' || data === null || typeof data.type !== 'string')
    return post({ type: 'error', message: 'explore worker: a request must be an object with a type' });
  if (data.type === 'init') {
    try {
      const scenario = parseScenario(data.scenario);
      return handleToWorker(state, { ...data, scenario }, post);
    } catch (error) {
      const message = error instanceof ScenarioError ? error.message : String(error);
      return post({ type: 'error', message: `explore worker: invalid scenario: ${message}` });
    }
  }
  handleToWorker(state, data, post);
});
