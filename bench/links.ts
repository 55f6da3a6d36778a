/**
 * Link sizes: how long a scenario link is for the built-in scenarios, the tours' scenarios, and a
 * 200-action scenario (every kind of action a person takes), against the 32 KB limit.
 */
import { defaultScenario, scenarioWithActions } from '../src/scenario/builtin.ts';
import { tours } from '../src/scenario/tours/index.ts';
import { encodeLink, linkBytesMax } from '../src/ui/link.ts';

export function benchLinks(print: (line: string) => void = console.log): void {
  const bytes = (scenario: Parameters<typeof encodeLink>[0]) => encodeLink(scenario, 12_345).length;
  print(`default scenario: ${bytes(defaultScenario)} B`);
  const tourSizes = tours.map((tour) => bytes(tour.scenario));
  print(
    `tours (${tours.length}): ${Math.min(...tourSizes)} to ${Math.max(...tourSizes)} B, median ${[...tourSizes].sort((a, b) => a - b)[tourSizes.length >> 1]} B`,
  );
  for (const count of [200, 1000])
    print(`${count}-action scenario: ${bytes(scenarioWithActions(count)).toLocaleString('en-US')} B`);
  print(`limit: ${linkBytesMax.toLocaleString('en-US')} B`);
}

if (/[/.]links(\.bundle\.mjs|\.ts)$/.test(process.argv[1] ?? '')) benchLinks();
