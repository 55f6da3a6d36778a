import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { defaultScenario } from '../../src/scenario/builtin.ts';
import { swarmScenario } from '../../src/sim/swarm.ts';
import { hashScenario } from './fixtures/trace-hash-entry.ts';

test('the same scenario gives the same trace hash in Node and in Chromium', async ({ page }) => {
  const bundle = await build({
    entryPoints: ['tests/e2e/fixtures/trace-hash-entry.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'vsrTraceHash',
    target: 'es2022',
  });
  await page.goto('about:blank');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const scenarios = [
    { ...defaultScenario, until: 20_000 },
    swarmScenario(245).scenario,
    swarmScenario(9001).scenario,
  ];
  for (const scenario of scenarios) {
    const inNode = hashScenario(scenario);
    const inBrowser = await page.evaluate(
      (json) =>
        (
          window as unknown as { vsrTraceHash: { hashScenario(j: unknown): string } }
        ).vsrTraceHash.hashScenario(json),
      JSON.parse(JSON.stringify(scenario)) as unknown,
    );
    expect(inBrowser).toBe(inNode);
  }
});
