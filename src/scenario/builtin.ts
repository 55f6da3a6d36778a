/** Built-in scenarios. The default one is what the first page load plays. */
import { parseScenario } from './schema.ts';
import type { Action, Scenario } from '../sim/scenario-types.ts';

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

/**
 * The default scenario with `count` actions of every kind a person takes, one every 37 ms: the
 * long scenario that link sizes and link round trips are measured on.
 */
export function scenarioWithActions(count: number, until = 100 + count * 37 + 1000): Scenario {
  const actions: Action[] = [];
  for (let index = 0; index < count; index++) {
    const at = 100 + index * 37;
    const replica = index % defaultScenario.replicas;
    const kind = index % 5;
    if (kind === 0) actions.push({ at, type: 'crash', replica });
    else if (kind === 1) actions.push({ at, type: 'restart', replica });
    else if (kind === 2) actions.push({ at, type: 'request', client: 0, op: `put k${index} ${index}` });
    else if (kind === 3) actions.push({ at, type: 'drop', message: 'prepare', count: 1 });
    else actions.push({ at, type: 'timeout', replica });
  }
  return parseScenario({ ...defaultScenario, until, actions });
}
