/**
 * §7 in the browser: a scenario that hands the group over to other slots plays, and the cards show
 * the epoch, the group and the replicas that retired.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parseScenario } from '../../src/scenario/schema.ts';
import { encodeLink } from '../../src/ui/link.ts';

function card(page: Page, replica: number): Locator {
  return page.getByRole('region', { name: `Replica ${replica}`, exact: true });
}

test('a reconfiguration plays: spares join epoch 1, the replicas that left retire', async ({ page }) => {
  const scenario = parseScenario({
    version: 1,
    replicas: 3,
    slots: 5,
    clients: 2,
    workload: { requestsPerClient: 10, keys: 2 },
    until: 6000,
    actions: [{ at: 300, type: 'reconfigure', client: 1, replicas: [2, 3, 4] }],
  });
  await page.goto(`/${encodeLink(scenario, 0)}`);
  await expect(card(page, 4)).toBeVisible();
  await expect(card(page, 4)).toContainText('spare');
  await expect(card(page, 0)).toContainText('epoch 0: group 0 1 2');
  await page.getByLabel('Speed').selectOption('10');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(card(page, 4)).toContainText('epoch 1: group 2 3 4', { timeout: 20_000 });
  await expect(card(page, 0)).toContainText('retired', { timeout: 20_000 });
  await expect(card(page, 3)).toContainText('normal');
  await expect(page.getByRole('alert').filter({ hasText: 'Run stopped' })).toHaveCount(0);
});
