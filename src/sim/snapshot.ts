/** Plain, frozen summaries of a world for the CLI's JSON, the UI and tests. */
import type { NodeId, ReplicaStatus } from '../protocol/index.ts';
import type { World } from './world.ts';

export type ReplicaStatusName = ReplicaStatus | 'crashed';

export interface ReplicaSummary {
  readonly id: number;
  readonly status: ReplicaStatusName;
  readonly view: number;
  readonly opNumber: number;
  readonly commitNumber: number;
  readonly log: readonly { op: string; client: NodeId; request: number }[];
  readonly state: Record<string, string> | string[] | null;
}

export interface ClientSummary {
  readonly id: string;
  readonly sent: number;
  readonly completed: number;
  readonly pending: number;
}

export function summarizeReplicas(world: World): ReplicaSummary[] {
  return world.replicas.map((replica, id) => {
    if (replica === null)
      return { id, status: 'crashed', view: 0, opNumber: 0, commitNumber: 0, log: [], state: null };
    return {
      id,
      status: replica.status,
      view: replica.view,
      opNumber: replica.opNumber,
      commitNumber: replica.commitNumber,
      log: replica.log
        .slice()
        .map((entry) => ({ op: entry.op, client: entry.client, request: entry.request })),
      state: replica.stateMachine.contents(),
    };
  });
}

export function summarizeClients(world: World): ClientSummary[] {
  return world.clients.map((client) => ({
    id: client.id,
    sent: client.requestNumber,
    completed: client.completed,
    pending: (client.pending === null ? 0 : 1) + client.queue.length,
  }));
}
