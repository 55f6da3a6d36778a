/** Shared by the tour files: scenarios with a fixed latency, so that narration can count milliseconds. */
import type { Scenario } from '../../sim/scenario-types.ts';
import { parseScenario } from '../schema.ts';

/** Every tour's network delivers in exactly this many ms unless the tour says otherwise. */
export const tourLatencyMs = 10;

/** A validated scenario with the tours' defaults: seed 1, fixed latency, default timing. */
export function tourScenario(name: string, fields: Record<string, unknown>): Scenario {
  return parseScenario({
    version: 1,
    name,
    seed: 1,
    network: { latencyMs: [tourLatencyMs, tourLatencyMs] },
    ...fields,
  });
}
