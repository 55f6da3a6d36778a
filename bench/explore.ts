/**
 * `npm run bench:explore`: the explorer's speed, headless, beside published model checkers'.
 *
 * The workload is the issue's target: the default view-change tour from the moment replica 1 asks
 * whether the primary is gone (885 ms: 3 replicas, the primary crashed), every choice of the network,
 * up to 1 more crash. It prints states generated per second (each one built, checked by every safety
 * checker and fingerprinted) with 1 and 2 workers, then how deep the search gets with 2 workers in
 * the target's 30 s, and the time for depth 12 when it finishes (`--budget S` changes the 30 s).
 */
import { performance } from 'node:perf_hooks';
import type { ExploreJob, ExploreNetwork } from '../src/explore/state-space.ts';
import { runExplore } from '../src/node/explore-command.ts';
import { viewChangeTour } from '../src/scenario/tours/view-change.ts';

const budgetIndex = process.argv.indexOf('--budget');
const budgetS = budgetIndex > 0 ? Number(process.argv[budgetIndex + 1]) : 30;

const tlcPerCore = 200_000;
const stateright2pc = 1_100_000;

function job(depth: number, network: ExploreNetwork): ExploreJob {
  return { scenario: viewChangeTour.scenario, at: 885, depth, crashes: 1, network };
}

async function rate(depth: number, network: ExploreNetwork, workers: number): Promise<void> {
  const result = await runExplore(job(depth, network), workers);
  const seconds = result.elapsedMs / 1000;
  console.log(
    `${network} network, depth ${depth}, ${workers} worker${workers === 1 ? '' : 's'}: ${result.generated.toLocaleString('en-US')} states generated (${result.states.toLocaleString('en-US')} distinct) in ${seconds.toFixed(1)} s: ${Math.round(result.generated / seconds).toLocaleString('en-US')} states/s, ${Math.round(result.states / seconds).toLocaleString('en-US')} distinct/s`,
  );
}

console.log(
  `published: TLC ~${tlcPerCore.toLocaleString('en-US')} states/s per core; Stateright, two-phase commit with 10 resource managers, ~${stateright2pc.toLocaleString('en-US')} states/s`,
);
for (const workers of [1, 2]) await rate(6, 'exact', workers);
for (const workers of [1, 2]) await rate(7, 'set', workers);

const started = performance.now();
let deepest = 0;
const result = await runExplore(
  job(12, 'set'),
  2,
  (progress) => {
    deepest = progress.depth;
    console.log(
      `  depth ${progress.depth} reached after ${(progress.elapsedMs / 1000).toFixed(1)} s: ${progress.unique.toLocaleString('en-US')} distinct states, frontier ${progress.frontier.toLocaleString('en-US')}`,
    );
  },
  () => performance.now() - started > budgetS * 1000,
);
const seconds = (performance.now() - started) / 1000;
if (result.verdict === 'stopped')
  console.log(
    `target (depth 12, 1 crash, 2 workers, set network, under 30 s): NOT MET: stopped after ${seconds.toFixed(1)} s (it stops between depths) with every state up to depth ${result.depth} checked (${result.states.toLocaleString('en-US')} distinct states; the last depth begun: ${deepest})`,
  );
else
  console.log(
    `target (depth 12, 1 crash, 2 workers, set network, under 30 s): ${result.verdict}, ${result.states.toLocaleString('en-US')} distinct states in ${seconds.toFixed(1)} s${seconds < 30 ? '' : ' (over 30 s)'}`,
  );
