/** Built-in scenarios. The default one is what the first page load plays. */
import { parseScenario } from './schema.ts';
import type { Scenario } from '../sim/scenario-types.ts';

/** 5 replicas, 2 clients and a steady workload: something meaningful moves at once. */
export const defaultScenario: Scenario = parseScenario({
  version: 1,
  name: 'Five replicas, steady workload',
  seed: 2012,
  replicas: 5,
  clients: 2,
  stateMachine: 'kv',
  network: { latencyMs: [20, 60] },
  workload: { requestsPerClient: 100000, keys: 4 },
  until: 600000,
  actions: [],
});
