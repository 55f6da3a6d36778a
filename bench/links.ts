/**
 * Link sizes: how long a scenario link is for the built-in scenarios, the tours' scenarios, and a
 * 200-action scenario (every kind of action a person takes), against the 32 KB limit.
 */
import { defaultScenario } from '../src/scenario/builtin.ts';
import { parseScenario } from '../src/scenario/schema.ts';
import { tours } from '../src/scenario/tours/index.ts';
import type { Action } from '../src/sim/scenario-types.ts';
import { encodeLink, linkBytesMax } from '../src/ui/link.ts';

function manyActions(count: number) {
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
  return parseScenario({ ...defaultScenario, until: 100 + count * 37 + 1000, actions });
}

export function benchLinks(print: (line: string) => void = console.log): void {
  const bytes = (scenario: Parameters<typeof encodeLink>[0]) => encodeLink(scenario, 12_345).length;
  print(`default scenario: ${bytes(defaultScenario)} B`);
  const tourSizes = tours.map((tour) => bytes(tour.scenario));
  print(
    `tours (${tours.length}): ${Math.min(...tourSizes)} to ${Math.max(...tourSizes)} B, median ${[...tourSizes].sort((a, b) => a - b)[tourSizes.length >> 1]} B`,
  );
  for (const count of [200, 1000])
    print(`${count}-action scenario: ${bytes(manyActions(count)).toLocaleString('en-US')} B`);
  print(`limit: ${linkBytesMax.toLocaleString('en-US')} B`);
}

if (/[/.]links(\.bundle\.mjs|\.ts)$/.test(process.argv[1] ?? '')) benchLinks();
