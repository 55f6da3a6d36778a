/** Whether the random workload is on at a moment of a run, read from the scenario alone. */
import type { Scenario } from '../sim/scenario-types.ts';

/**
 * On when the last `workload` action at or before `time` asks for requests, or, with none, when the
 * scenario starts with a workload. (A workload that ran out of requests still counts as on.)
 */
export function workloadOnAt(scenario: Scenario, time: number): boolean {
  let on = (scenario.workload?.requestsPerClient ?? 0) > 0;
  let latest = -1;
  for (const action of scenario.actions)
    if (action.type === 'workload' && action.at <= time && action.at >= latest) {
      latest = action.at;
      on = action.requestsPerClient > 0;
    }
  return on;
}
