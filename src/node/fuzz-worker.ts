/** A fuzz worker thread: runs its share of the seeds and reports to the campaign (fuzz-command.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type WorkerJob, type WorkerMessage } from './fuzz-command.ts';

if (parentPort !== null) {
  const port = parentPort;
  const post = (message: WorkerMessage): void => port.postMessage(message);
  try {
    runJob(workerData as WorkerJob, post);
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
