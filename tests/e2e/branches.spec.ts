import { expect, test, type Page } from '@playwright/test';
import { encodeLink } from '../../src/ui/link.ts';
import { parseScenario } from '../../src/scenario/schema.ts';
import { openTab } from './workspace.ts';

const scenario = parseScenario({
  version: 1,
  name: 'branches',
  replicas: 3,
  clients: 1,
  until: 6000,
  workload: { requestsPerClient: 20, keys: 2 },
});

async function shot(page: Page, name: string, target?: ReturnType<Page['getByRole']>): Promise<void> {
  const options = { path: `test-results/screenshots/${name}.png` };
  await (target ?? page).screenshot(options);
}

test('acting in the past forks a branch; switching, links and comparing keep both futures', async ({
  page,
  context,
}) => {
  await page.goto(`/${encodeLink(scenario, 3000)}`);
  await openTab(page, 'Branches');
  const panel = page.getByRole('region', { name: 'Branches' });
  const list = panel.getByRole('list', { name: 'Branches of this run' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  // Back to 1 s and crash replica 1 there: the future after 1 s is kept as the first branch.
  await page.getByRole('slider', { name: 'Timeline' }).fill('1000');
  await page
    .getByRole('region', { name: 'Replica 1', exact: true })
    .getByRole('button', { name: 'Crash replica 1' })
    .click();
  await expect(page.getByRole('status').filter({ hasText: 'this is a new branch' })).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  const second = list.getByRole('button', { name: /replica 1 crashed at 1\.001 s/ });
  await expect(second).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('region', { name: 'Replica 1', exact: true })).toContainText('crashed');
  // The first branch still has its own future: replica 1 never crashed there.
  await list.getByRole('button', { name: 'the run as loaded' }).click();
  await expect(list.getByRole('button', { name: 'the run as loaded' })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(page.getByRole('region', { name: 'Replica 1', exact: true })).not.toContainText('crashed');
  // Compare the two: they part at the crash.
  for (const item of await list.getByRole('listitem').all()) await item.getByRole('checkbox').check();
  const compare = panel.getByRole('group', { name: 'Compare two branches' });
  await expect(compare.getByRole('status')).toContainText('They part at');
  await expect(compare.getByRole('status')).toContainText('1.001 s');
  await expect(compare.getByRole('status')).toContainText('replica 1 crashed');
  await expect(compare.getByRole('img')).toHaveCount(2);
  await expect(compare.getByRole('table')).toContainText('crashed');
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'branches-compare', panel);
  // The second branch's link reopens that branch, with the branch it forked from.
  await second.click();
  await expect(second).toHaveAttribute('aria-current', 'true');
  await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#s=/);
  await page.waitForTimeout(600); // the address bar follows after a quiet moment
  const hash = await page.evaluate(() => window.location.hash);
  const other = await context.newPage();
  await other.goto(`/${hash}`);
  await openTab(other, 'Branches');
  const reopened = other
    .getByRole('region', { name: 'Branches' })
    .getByRole('list', { name: 'Branches of this run' });
  await expect(reopened.getByRole('listitem')).toHaveCount(2);
  await expect(reopened.getByRole('button', { name: /replica 1 crashed/ })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(other.getByRole('region', { name: 'Replica 1', exact: true })).toContainText('crashed');
});

test('the same run with and without a mutation is one click', async ({ page }) => {
  const { mutationScenarios } = await import('../../src/scenario/mutation-scenarios.ts');
  const broken = mutationScenarios['longest-log-wins'].scenario;
  await page.goto(`/${encodeLink({ ...broken, mutation: 'none' }, 0)}`);
  await openTab(page, 'Branches');
  const panel = page.getByRole('region', { name: 'Branches' });
  await panel.getByRole('combobox').selectOption('longest-log-wins');
  await panel.getByRole('button', { name: 'Branch and compare' }).click();
  const compare = panel.getByRole('group', { name: 'Compare two branches' });
  await expect(compare.getByRole('status')).toContainText('They part at');
  await expect(panel.getByRole('list', { name: 'Branches of this run' }).getByRole('listitem')).toHaveCount(
    2,
  );
});
