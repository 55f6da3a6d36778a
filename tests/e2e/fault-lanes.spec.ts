/**
 * Fault lanes under the timeline: every scenario action is a marker that can be dragged to another
 * time or deleted, and the run is recomputed from there.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parseScenario } from '../../src/scenario/schema.ts';
import { decodeLink, encodeLink } from '../../src/ui/link.ts';

function card(page: Page, replica: number): Locator {
  return page.getByRole('region', { name: `Replica ${replica}`, exact: true });
}

const scenario = parseScenario({
  version: 1,
  name: 'Primary crash to drag around',
  seed: 7,
  replicas: 3,
  clients: 1,
  network: { latencyMs: [10, 30] },
  workload: { requestsPerClient: 1000, keys: 2 },
  until: 20000,
  actions: [
    { at: 1000, type: 'crash', replica: 0 },
    { at: 4000, type: 'restart', replica: 0 },
    { at: 1500, type: 'cut', from: 1, to: 2 },
    { at: 2000, type: 'heal' },
  ],
});

/** Drags `marker` to virtual time `time` along the fault lanes. */
async function dragTo(page: Page, marker: Locator, time: number): Promise<void> {
  const lanes = page.getByRole('group', { name: 'Fault lanes' });
  const max = Number(await page.getByRole('slider', { name: 'Timeline' }).getAttribute('max'));
  const track = (await lanes.locator('.fault-lanes-tracks').boundingBox())!;
  const handle = (await marker.boundingBox())!;
  const y = handle.y + handle.height / 2;
  await page.mouse.move(handle.x + handle.width / 2, y);
  await page.mouse.down();
  const x = track.x + (track.width * time) / max;
  await page.mouse.move(x - 20, y, { steps: 5 });
  await page.mouse.move(x, y, { steps: 5 });
  await page.mouse.up();
}

test('dragging a fault marker changes the run; deleting one does too', async ({ page }) => {
  await page.goto(`/${encodeLink(scenario, 2500)}`);
  await expect(card(page, 0)).toContainText('crashed');
  const lanes = page.getByRole('group', { name: 'Fault lanes' });
  await expect(lanes).toBeVisible();
  // Bars for the crash interval and the cut link, one marker per action.
  await expect(lanes.getByRole('button')).toHaveCount(4);
  await expect(lanes.locator('.fault-bar-down')).toHaveCount(1);
  await expect(lanes.locator('.fault-bar-cut')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('fault-lanes.png') });

  // Move the crash past the cursor: at 2.5 s replica 0 is up again, still the primary of view 0.
  await dragTo(page, lanes.getByRole('button', { name: /^replica 0 crashed at/ }), 3000);
  await expect(page.getByText(/Moved "replica 0 crashed" from 1(\.0+)? s to 3(\.0+)? s/)).toBeVisible();
  await expect(card(page, 0)).not.toContainText('crashed');
  await expect(card(page, 0)).toContainText('primary');
  await expect(lanes.getByRole('button', { name: /^replica 0 crashed at 3(\.0+)? s/ })).toBeVisible();
  // The address bar follows the edit without pressing Share: the link holds the moved crash.
  await expect
    .poll(() => {
      const link = decodeLink(new URL(page.url()).hash);
      return link?.ok === true ? link.payload.scenario.actions.find((a) => a.type === 'crash')?.at : null;
    })
    .toBe(3000);

  // Arrow keys move a focused marker by 10 ms without stepping the cursor; Delete removes it.
  const crash = lanes.getByRole('button', { name: /^replica 0 crashed at/ });
  await crash.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(lanes.getByRole('button', { name: /^replica 0 crashed at 2\.99/ })).toBeFocused();
  // Moving it before the heal at 2 s changes its place in the action list; focus follows it.
  for (let press = 0; press < 10; press++) await page.keyboard.press('Shift+ArrowLeft');
  await expect(lanes.getByRole('button', { name: /^replica 0 crashed at 1\.99/ })).toBeFocused();
  await page.keyboard.press('Delete');
  await expect(lanes.getByRole('button', { name: /^replica 0 crashed/ })).toHaveCount(0);
  await expect(lanes.getByRole('button')).toHaveCount(3);

  // Click selects a marker: its detail row deletes it with a button.
  await lanes.getByRole('button', { name: /^network healed/ }).click();
  const detail = page.getByRole('group', { name: 'Selected action' });
  await expect(detail).toContainText('network healed');
  // A cleared time field puts the old time back rather than moving the action to 0 ms.
  const field = detail.getByLabel('Time of the selected action in milliseconds');
  await field.fill('');
  await field.blur();
  await expect(field).toHaveValue('2000');
  await expect(lanes.getByRole('button', { name: /^network healed at 2(\.0+)? s/ })).toBeVisible();
  await detail.getByRole('button', { name: 'Delete' }).click();
  await expect(lanes.getByRole('button')).toHaveCount(2);
  // The cut is never mended now: its bar runs to the end of the lanes.
  await expect(lanes.locator('.fault-bar-cut')).toHaveCount(1);
});
