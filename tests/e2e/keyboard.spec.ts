/**
 * Space only plays and pauses: with any control focused, it must never also press that control
 * (a second Cut link, a duplicate request, Settings reopened after Esc). Jumps by kind and the skip
 * link to the debugging views.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openTab } from './workspace.ts';

interface DebugState {
  playing: boolean;
  actions: number;
  time: number;
}

async function debugState(page: Page): Promise<DebugState> {
  return page.evaluate(() => window.vsrScopeDebug!.state());
}

async function openPaused(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => window.vsrScopeDebug !== undefined);
  // Let the run commit something, then pause with the transport.
  await expect(page.getByRole('region', { name: 'Replica 0', exact: true })).toContainText(/commit [1-9]/, {
    timeout: 10_000,
  });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
}

/**
 * Focuses `control` and presses Space twice: each press toggles play, and neither presses the
 * control (the scenario's actions stay as they were).
 */
async function spaceOn(page: Page, control: Locator, what: string): Promise<void> {
  await control.focus();
  const before = await debugState(page);
  await page.keyboard.press('Space');
  await expect
    .poll(async () => (await debugState(page)).playing, { message: `Space on ${what} plays` })
    .toBe(!before.playing);
  await page.keyboard.press('Space');
  await expect
    .poll(async () => (await debugState(page)).playing, { message: `Space again on ${what} pauses` })
    .toBe(before.playing);
  const after = await debugState(page);
  expect(after.actions, `Space on ${what} must not add an action`).toBe(before.actions);
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

test('Space plays and pauses and never presses a focused fault button', async ({ page }) => {
  await openPaused(page);
  const buttons: string[] = [];
  // The replica cards: crash, fire timeout, isolate.
  await openTab(page, 'Replicas');
  const card = page.getByRole('region', { name: 'Replica 1', exact: true });
  for (const name of ['Crash replica 1', 'Fire timeout of replica 1', 'Isolate replica 1']) {
    await spaceOn(page, card.getByRole('button', { name, exact: true }), name);
    buttons.push(name);
  }
  // Break things: partitions, a cut link, a request, the workload, the network.
  await openTab(page, 'Break things');
  const controls = page.getByRole('region', { name: 'Faults and requests' });
  for (const name of [
    'Isolate primary',
    'Minority / majority split',
    'Heal all',
    'Cut link',
    'Mend link',
    'Send request',
    'Start steady workload',
    'Apply network settings',
  ]) {
    const button = controls.getByRole('button', { name, exact: true });
    if ((await button.count()) === 0 || (await button.isDisabled())) continue;
    await spaceOn(page, button, name);
    buttons.push(name);
  }
  expect(buttons).toEqual(
    expect.arrayContaining(['Crash replica 1', 'Fire timeout of replica 1', 'Cut link', 'Send request']),
  );
  // A crashed replica's Restart button, made by clicking (Enter would do too).
  await openTab(page, 'Replicas');
  await card.getByRole('button', { name: 'Crash replica 1', exact: true }).click();
  const crashed = await debugState(page);
  expect(crashed.actions).toBeGreaterThan(0);
  await spaceOn(page, card.getByRole('button', { name: 'Restart replica 1', exact: true }), 'Restart');
  // The transport's own buttons and the top bar's.
  for (const name of ['Step forward', 'Step back', 'Tours', 'Share', 'Help'])
    await spaceOn(page, page.getByRole('button', { name, exact: true }).first(), name);
});

test('Settings closed with Esc: Space then plays, it does not reopen Settings', async ({ page }) => {
  await openPaused(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Settings' })).toHaveCount(0);
  await spaceOn(page, page.getByRole('button', { name: 'Settings', exact: true }), 'Settings after Esc');
});

test('Enter still presses a focused button', async ({ page }) => {
  await openPaused(page);
  await openTab(page, 'Replicas');
  const before = await debugState(page);
  await page.getByRole('button', { name: 'Crash replica 2', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await debugState(page)).actions).toBe(before.actions + 1);
});

test('letter keys jump by kind: C reaches the crash at once, past every commit', async ({ page }) => {
  const scenario = {
    version: 1,
    seed: 7,
    replicas: 3,
    clients: 2,
    until: 10_000,
    actions: [{ at: 4600, type: 'crash', replica: 0 }],
  };
  await page.goto('/');
  await page.waitForFunction(() => window.vsrScopeDebug !== undefined);
  await page.evaluate((json) => window.vsrScopeDebug!.load(json), scenario);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.keyboard.press('Home');
  await page.locator('body').focus();
  await page.keyboard.press('c');
  await expect.poll(async () => (await debugState(page)).time).toBe(4600);
  await page.keyboard.press('v');
  await expect.poll(async () => (await debugState(page)).time).toBeGreaterThan(4600);
  await page.keyboard.press('Shift+C');
  await expect.poll(async () => (await debugState(page)).time).toBe(4600);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('next / previous crash or restart');
  await expect(help).toContainText('next / previous match of the event log search');
});

test('a skip link takes the keyboard to the debugging views', async ({ page }) => {
  await page.goto('/');
  // The page has rendered and holds the focus before the first Tab.
  await expect(page.getByRole('group', { name: /Cluster view/ })).toBeVisible();
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the debugging views' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'Space-time', exact: true })).toBeFocused();
});
