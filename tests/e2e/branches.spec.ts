/**
 * The Branches panel in the built app: acting in the past forks a branch, the tree shows both,
 * switching is a click, each branch has its own link, and Compare shows where two branches part.
 */
import { expect, test, type Page } from '@playwright/test';
import { defaultScenario } from '../../src/scenario/builtin.ts';
import { encodeLink } from '../../src/ui/link.ts';

function card(page: Page, replica: number) {
  return page.getByRole('region', { name: `Replica ${replica}`, exact: true });
}

test('acting in the past forks a branch; the panel switches, links and compares branches', async ({
  page,
}) => {
  await page.goto(`/${encodeLink(defaultScenario, 1000)}`);
  const panel = page.getByRole('region', { name: 'Branches' });
  await expect(panel.getByRole('list', { name: 'Branch tree' }).getByRole('listitem')).toHaveCount(1);
  // Compute a future, come back, and act in the past.
  await page.evaluate(() => window.vsrScopeDebug!.session.goToTime(3000));
  await page.evaluate(() => window.vsrScopeDebug!.session.seekTime(1000));
  await card(page, 0).getByRole('button', { name: 'Crash replica 0' }).click();
  await expect(page.getByText(/a new branch starts there/)).toBeVisible();
  const tree = panel.getByRole('list', { name: 'Branch tree' });
  await expect(tree.getByRole('listitem')).toHaveCount(2);
  const forked = tree.getByRole('button', { name: 'replica 0 crashed at 1.001 s' });
  await expect(forked).toHaveAttribute('aria-current', 'true');
  await expect(card(page, 0)).toContainText('crashed');
  // Compare with the branch left behind: where they part, both diagrams, the state diff.
  await panel.getByRole('button', { name: `Compare with ${defaultScenario.name}` }).click();
  const comparison = panel.getByRole('region', { name: 'Branch comparison' });
  await expect(comparison.getByLabel('First divergence')).toContainText(
    /first diverge at event #\d+, 1\.001 s/,
  );
  await expect(comparison.getByRole('img', { name: 'Stacked space-time diagram' })).toBeVisible();
  await expect(comparison.getByRole('table', { name: 'Branch state diff' })).toContainText('crashed');
  await comparison.screenshot({ path: test.info().outputPath('branch-compare.png') });
  // Switching back is a click: replica 0 runs again on the first branch.
  await tree.getByRole('button', { name: defaultScenario.name, exact: true }).click();
  await expect(tree.getByRole('button', { name: defaultScenario.name, exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(card(page, 0)).not.toContainText('crashed');
  // The forked branch's own link opens that branch, named after the branch it left.
  const href = await tree
    .getByRole('link', { name: 'Link to replica 0 crashed at 1.001 s' })
    .getAttribute('href');
  expect(href).toMatch(/^#s=/);
  await page.goto(`/${href}`);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Branches' }).getByRole('button').first()).toHaveText(
    `replica 0 crashed at 1.001 s (branch of ${defaultScenario.name})`,
  );
  await expect(card(page, 0)).toContainText('crashed');
});

test('a mutated run is one click from its comparison with the correct protocol', async ({ page }) => {
  const { mutationScenarios } = await import('../../src/scenario/mutation-scenarios.ts');
  const { scenario } = mutationScenarios['longest-log-wins'];
  await page.goto(`/${encodeLink(scenario, 3500)}`);
  const panel = page.getByRole('region', { name: 'Branches' });
  await panel.getByRole('button', { name: 'Compare with the correct protocol' }).click();
  const tree = panel.getByRole('list', { name: 'Branch tree' });
  await expect(tree.getByRole('listitem')).toHaveCount(2);
  await expect(tree.getByRole('button', { name: /without longest-log-wins$/ })).toHaveAttribute(
    'aria-current',
    'true',
  );
  const comparison = panel.getByRole('region', { name: 'Branch comparison' });
  await expect(comparison.getByLabel('First divergence')).toContainText(/first diverge at event #\d+/);
  await expect(comparison.getByRole('img', { name: 'Stacked space-time diagram' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Violation' })).toHaveCount(0);
});
