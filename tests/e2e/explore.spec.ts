/**
 * "Explore from here" in the built app: the explorer runs in Web Workers from the state on screen,
 * shows its progress, and opens a shortest counterexample as a scenario.
 */
import { expect, test } from '@playwright/test';
import { mutationScenarios } from '../../src/scenario/mutation-scenarios.ts';
import { openTab } from './workspace.ts';
import { encodeLink } from '../../src/ui/link.ts';

test('exploring from a mutation’s start state finds a counterexample and opens it', async ({ page }) => {
  test.setTimeout(120_000);
  const { scenario } = mutationScenarios['start-view-without-quorum'];
  await page.goto(`/${encodeLink(scenario, 150)}`);
  await openTab(page, 'Explore');
  const panel = page.getByRole('region', { name: 'Explore from here' });
  await expect(panel).toContainText('from 0.150 s');
  await panel.getByRole('spinbutton', { name: 'Depth d' }).fill('5');
  await panel.getByRole('spinbutton', { name: 'Crashes k' }).fill('0');
  await panel.getByRole('button', { name: 'Explore from here' }).click();
  const result = panel.getByLabel('Exploration result');
  await expect(result).toContainText(/violation: no-lost-commit after \d choices from 151 ms/, {
    timeout: 90_000,
  });
  console.log(
    `browser explore: ${await panel.getByRole('status').innerText()} | ${await result.innerText()}`,
  );
  await panel.getByRole('button', { name: 'Open the counterexample' }).click();
  await expect(page.getByRole('region', { name: 'Violation' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Violation' })).toContainText('no-lost-commit');
});

test('exploring the correct protocol from the same state is clean, and Stop ends a long search', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { scenario } = mutationScenarios['start-view-without-quorum'];
  await page.goto(`/${encodeLink({ ...scenario, mutation: 'none' }, 150)}`);
  await openTab(page, 'Explore');
  const panel = page.getByRole('region', { name: 'Explore from here' });
  await panel.getByRole('spinbutton', { name: 'Depth d' }).fill('3');
  await panel.getByRole('button', { name: 'Explore from here' }).click();
  await expect(panel.getByLabel('Exploration result')).toContainText(
    /^no violation in [\d,]+ states up to depth 3/,
    {
      timeout: 60_000,
    },
  );
  await panel.getByRole('spinbutton', { name: 'Depth d' }).fill('16');
  await panel.getByRole('button', { name: 'Explore from here' }).click();
  await expect(panel.getByRole('status')).toContainText(/states found/, { timeout: 30_000 });
  await panel.getByRole('button', { name: 'Stop exploring' }).click();
  await expect(panel.getByLabel('Exploration result')).toContainText(/^stopped: no violation in/, {
    timeout: 60_000,
  });
});

test('prints the explorer’s speed in the browser on the view-change tour', async ({ page }) => {
  test.setTimeout(180_000);
  const { viewChangeTour } = await import('../../src/scenario/tours/view-change.ts');
  await page.goto(`/${encodeLink(viewChangeTour.scenario, 884)}`);
  await openTab(page, 'Explore');
  const panel = page.getByRole('region', { name: 'Explore from here' });
  await panel.getByRole('spinbutton', { name: 'Depth d' }).fill('5');
  await panel.getByRole('spinbutton', { name: 'Crashes k' }).fill('1');
  await panel.getByRole('button', { name: 'Explore from here' }).click();
  await expect(panel.getByLabel('Exploration result')).toContainText(
    /^no violation in [\d,]+ states up to depth 5/,
    {
      timeout: 150_000,
    },
  );
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  console.log(
    `browser explore (view-change tour from 885 ms, depth 5, 1 crash, ${cores} cores): ${await panel.getByRole('status').innerText()}`,
  );
});
