/** An explorer worker thread: the worker side of src/explore/worker-protocol.ts over a MessagePort. */
import { parentPort } from 'node:worker_threads';
import { handleToWorker, type ToWorker, type WorkerState } from '../explore/worker-protocol.ts';

if (parentPort !== null) {
  const port = parentPort;
  const state: WorkerState = { core: null };
  port.on('message', (message: ToWorker) =>
    handleToWorker(state, message, (reply) => port.postMessage(reply)),
  );
}
