/**
 * The visualizer in Debian's Chromium, against the built app. Everything is selected by role and
 * accessible name (never by CSS class). Screenshots of the main states go to test-results/.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { encodeLink } from '../../src/ui/link.ts';
import { parseScenario } from '../../src/scenario/schema.ts';
import { openTab } from './workspace.ts';

function card(page: Page, replica: number): Locator {
  return page.getByRole('region', { name: `Replica ${replica}`, exact: true });
}

async function open(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(card(page, 0)).toBeVisible();
}

async function setSpeed(page: Page, speed: number): Promise<void> {
  await page.getByLabel('Speed').selectOption(String(speed));
}

async function pause(page: Page): Promise<void> {
  const pauseButton = page.getByRole('button', { name: 'Pause', exact: true });
  if (await pauseButton.isVisible()) await pauseButton.click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
}

/** The cursor's event count, as the status bar shows it. */
async function eventCount(page: Page): Promise<number> {
  const text = await page.getByRole('group', { name: 'Status' }).innerText();
  return Number(/event\s+(\d+)/.exec(text)![1]);
}

async function cardTexts(page: Page, replicas: number): Promise<string[]> {
  const texts: string[] = [];
  for (let replica = 0; replica < replicas; replica++) texts.push(await card(page, replica).innerText());
  return texts;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: false });
}

test('the default scenario plays at once and commits', async ({ page }) => {
  await open(page);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Hint' })).toContainText('crash the primary');
  await expect(card(page, 0)).toContainText('primary');
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await expect(card(page, 0)).toContainText('view 0');
  await expect(card(page, 0)).toContainText('normal');
  await expect(card(page, 0)).toContainText(/op \d+/);
  await expect(page.getByText('checkers: all invariants hold')).toBeVisible();
  await openTab(page, 'Inspector');
  await expect(page.getByText(/Messages in flight: \d+/)).toBeVisible();
  await shot(page, 'default-scenario');
});

test('crashing the primary leads to a higher view with a new primary', async ({ page }) => {
  await open(page);
  await setSpeed(page, 1);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await card(page, 0).getByRole('button', { name: 'Crash replica 0' }).click();
  await expect(card(page, 0)).toContainText('crashed');
  await expect(card(page, 0).getByRole('button', { name: 'Restart replica 0' })).toBeVisible();
  // View 1's primary is replica 1 (v mod n).
  await expect(card(page, 1)).toContainText('primary', { timeout: 15_000 });
  await expect(card(page, 1)).toContainText('view 1');
  await expect(card(page, 1)).toContainText('normal');
  for (const replica of [2, 3, 4]) await expect(card(page, replica)).toContainText('view 1');
  await pause(page);
  await shot(page, 'primary-crashed-view-1');
  // The backups keep committing under the new primary.
  const before = Number(/commit (\d+)/.exec(await card(page, 1).innerText())![1]);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(async () => {
    const after = Number(/commit (\d+)/.exec(await card(page, 1).innerText())![1]);
    expect(after).toBeGreaterThan(before);
  }).toPass({ timeout: 10_000 });
});

test('a restarted replica goes through recovering back to normal', async ({ page }) => {
  await open(page);
  await setSpeed(page, 1);
  await expect(card(page, 2)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await card(page, 2).getByRole('button', { name: 'Crash replica 2' }).click();
  await expect(card(page, 2)).toContainText('crashed');
  await pause(page);
  await card(page, 2).getByRole('button', { name: 'Restart replica 2' }).click();
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect(card(page, 2)).toContainText('recovering');
  // With crash vectors it first learns its own incarnation from f+1 others, then asks for the state.
  await expect(card(page, 2)).toContainText('crash_vector_response');
  await expect(async () => {
    await page.getByRole('button', { name: 'Step forward', exact: true }).click();
    await expect(card(page, 2)).toContainText('recovery_response', { timeout: 100 });
  }).toPass({ timeout: 20_000, intervals: [20] });
  await shot(page, 'replica-recovering');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(card(page, 2)).toContainText('normal', { timeout: 10_000 });
  await expect(card(page, 2)).not.toContainText('recovering');
  await expect(card(page, 2)).toContainText(/commit [1-9]/);
});

test('scrubbing back and forth shows the same states as before', async ({ page }) => {
  await open(page);
  await setSpeed(page, 1);
  await expect(card(page, 0)).toContainText(/commit [1-9]\d/, { timeout: 15_000 });
  await pause(page);
  const atHead = await cardTexts(page, 5);
  const headEvents = await eventCount(page);
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await timeline.fill('400');
  const early = await cardTexts(page, 5);
  expect(early).not.toEqual(atHead);
  const earlyEvents = await eventCount(page);
  await timeline.fill('0');
  await expect(card(page, 0)).toContainText('op 0');
  await timeline.fill('400');
  expect(await cardTexts(page, 5)).toEqual(early);
  expect(await eventCount(page)).toBe(earlyEvents);
  // End of the computed run, by keyboard.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press('End');
  expect(await eventCount(page)).toBe(headEvents);
  expect(await cardTexts(page, 5)).toEqual(atHead);
  // Step back and forth one event at a time.
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step back', exact: true }).click();
  expect(await eventCount(page)).toBe(headEvents - 5);
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  expect(await eventCount(page)).toBe(headEvents);
  expect(await cardTexts(page, 5)).toEqual(atHead);
  await shot(page, 'after-scrubbing');
});

test('dropping a message in flight', async ({ page }) => {
  await open(page);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await pause(page);
  await openTab(page, 'Inspector');
  await page.getByText(/Messages in flight: \d+/).click();
  // Step until a prepare from the primary is on its way.
  const message = page
    .getByRole('button', { name: /^prepare op \d+ .* from replica 0 to replica \d$/ })
    .first();
  for (let step = 0; step < 200 && (await message.count()) === 0; step++)
    await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect(message).toBeAttached();
  await message.click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector).toContainText('in flight');
  const heading = await inspector.getByRole('heading').innerText();
  const id = Number(/Message #(\d+)/.exec(heading)![1]);
  await shot(page, 'message-inspector');
  await inspector.getByRole('button', { name: 'Drop message' }).click();
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await openTab(page, 'Event log');
  const log = page.getByRole('region', { name: 'Event log' });
  await expect(log).toContainText(`message #${id} dropped by hand`);
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect(log).toContainText('lost (by hand)');
  await openTab(page, 'Inspector');
  await expect(inspector.getByRole('button', { name: 'Drop message' })).toBeDisabled();
});

test('keyboard shortcuts', async ({ page }) => {
  await open(page);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  const start = await eventCount(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  expect(await eventCount(page)).toBe(start + 2);
  await page.keyboard.press('ArrowLeft');
  expect(await eventCount(page)).toBe(start + 1);
  await page.keyboard.press('Shift+ArrowRight');
  expect(await eventCount(page)).toBeGreaterThan(start + 1);
  const speed = page.getByLabel('Speed');
  await expect(speed).toHaveValue('0.2');
  await page.keyboard.press(']');
  await expect(speed).toHaveValue('0.5');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(speed).toHaveValue('0.1');
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await shot(page, 'help-dialog');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  // A replica in the ring is a button: Enter brings its card's fault buttons under the keyboard.
  await page.getByRole('button', { name: /^Replica 2: / }).focus();
  await page.keyboard.press('Enter');
  await expect(card(page, 2).getByRole('button', { name: 'Crash replica 2' })).toBeFocused();
  // Crash puts focus on the card, not on the Restart button that takes its place: Space still
  // pauses instead of undoing the crash.
  await page.keyboard.press('Enter');
  await expect(card(page, 2)).toContainText('crashed');
  await expect(card(page, 2)).toBeFocused();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect(card(page, 2)).toContainText('crashed');
});

test('dialogs pause the run and resume it when they close', async ({ page }) => {
  await open(page);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  const status = page.getByRole('group', { name: 'Status' });
  const before = await status.innerText();
  await page.waitForTimeout(400);
  expect(await status.innerText()).toBe(before);
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect(status).not.toHaveText(before);
});

test('the main screen has no serious or critical accessibility problem', async ({ page }) => {
  await open(page);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await pause(page);
  await openTab(page, 'Inspector');
  await page.getByText(/Messages in flight: \d+/).click();
  // Paused at an arbitrary moment: step until a message between replicas is on its way.
  const message = page.getByRole('button', { name: /from replica \d to replica \d/ }).first();
  for (let step = 0; step < 200 && (await message.count()) === 0; step++)
    await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await message.click();
  await expect(page.getByRole('region', { name: 'Inspector' })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`),
  ).toEqual([]);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialogResults = await new AxeBuilder({ page }).include('dialog[open]').analyze();
  expect(dialogResults.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual(
    [],
  );
});

test('bad input is refused with a clear message', async ({ page }) => {
  await open(page, '#s=not-a-valid-link');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be opened' })).toBeVisible();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel(/Cluster size/).fill('4');
  await settings.getByRole('button', { name: 'New run' }).click();
  await expect(settings.getByRole('alert')).toContainText('must be odd');
  await settings.getByLabel(/Cluster size/).fill('3');
  await settings.getByLabel('Seed').fill('42');
  await settings.getByRole('button', { name: 'New run' }).click();
  await expect(settings).toBeHidden();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('seed 42');
  await expect(card(page, 2)).toBeVisible();
  await expect(card(page, 3)).toHaveCount(0);
  await openTab(page, 'Break things');
  const form = page.getByRole('group', { name: 'Client request' });
  await form.getByLabel('Key').fill('');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(form.getByRole('alert')).toContainText('key must not be empty');
  await form.getByLabel('Key').fill('x');
  await form.getByLabel('Value').fill('42');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: "sends 'put x 42'" })).toBeVisible();
});

test('a violation stops the run and shows seed, time and event', async ({ page }) => {
  const scenario = parseScenario({
    version: 1,
    replicas: 3,
    clients: 2,
    seed: 7,
    mutation: 'commit-without-quorum',
    workload: { requestsPerClient: 50, keys: 2 },
    until: 20_000,
    actions: [
      { at: 200, type: 'partition', groups: [[0], [1, 2]] },
      { at: 2500, type: 'heal' },
    ],
  });
  await open(page, encodeLink(scenario, 0));
  await setSpeed(page, 10);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  const stop = page.getByRole('alert').filter({ hasText: 'Run stopped' });
  await expect(stop).toBeVisible({ timeout: 15_000 });
  await expect(stop).toContainText('seed 7');
  await expect(stop).toContainText(/event #\d+/);
  await expect(stop).toContainText('no-lost-commit');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeDisabled();
  await shot(page, 'violation-stop');
});

test('works on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await shot(page, 'phone');
});

test('partitions, cut links and healing are drawn and undone', async ({ page }) => {
  await open(page);
  await setSpeed(page, 1);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await openTab(page, 'Break things');
  await page.getByRole('button', { name: 'Isolate primary' }).click();
  await openTab(page, 'Replicas');
  const cluster = page.getByRole('group', { name: /Cluster view/ });
  await expect(cluster).toContainText('Partitioned: {0} | {1, 2, 3, 4}');
  // The majority elects a new primary; the isolated old primary cannot commit anything new.
  await expect(card(page, 1)).toContainText('primary', { timeout: 15_000 });
  await pause(page);
  await shot(page, 'partition-isolate-primary');
  await openTab(page, 'Break things');
  await page.getByRole('button', { name: 'Heal all' }).click();
  await expect(cluster).not.toContainText('Partitioned');
  await cluster.getByRole('button', { name: 'Link between replica 1 and replica 2' }).dispatchEvent('click');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await inspector.getByRole('button', { name: 'Cut link 1 → 2' }).click();
  await expect(inspector).toContainText('1 → 2: cut; 2 → 1: up');
  await inspector.getByRole('button', { name: 'Mend link' }).click();
  await expect(inspector).toContainText('1 → 2: up; 2 → 1: up');
});

test('respects reduced motion: waits for Play', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await open(page);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Hint' })).toContainText('Press Play');
  expect(await eventCount(page)).toBe(0);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 15_000 });
});

test('a shared link replays the same run and lands at the same moment', async ({ page, browser }) => {
  await open(page);
  await setSpeed(page, 1);
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await card(page, 3).getByRole('button', { name: 'Crash replica 3' }).click();
  await expect(card(page, 3)).toContainText('crashed', { timeout: 10_000 });
  await expect(card(page, 0)).toContainText(/commit [1-9]\d/, { timeout: 10_000 });
  await pause(page);
  await expect(card(page, 3)).toContainText('crashed');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(
    page.getByRole('status').filter({ hasText: /Link (copied|is in the address bar)/ }),
  ).toBeVisible();
  const url = page.url();
  expect(url).toContain('#s=');
  const texts = await cardTexts(page, 5);
  const other = await browser.newPage();
  await other.goto(url);
  await expect(card(other, 3)).toContainText('crashed');
  expect(await cardTexts(other, 5)).toEqual(texts);
  await other.close();
});

test('a view failure shows what failed and a way back, never a blank page', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await open(page);
  await page.evaluate(() => window.vsrScopeDebug!.failView('simulated view failure'));
  const fatal = page.getByRole('alert').filter({ hasText: 'Something in the view failed' });
  await expect(fatal).toBeVisible();
  await expect(fatal).toContainText('simulated view failure');
  await shot(page, 'error-boundary');
  await fatal.getByRole('button', { name: 'Back to the default scenario' }).click();
  await expect(card(page, 0)).toBeVisible();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('seed 2012');
});

test('a steady workload can be switched on and off as a scenario action', async ({ page }) => {
  const quiet = parseScenario({ version: 1, name: 'quiet', seed: 3, replicas: 3, clients: 1, until: 60_000 });
  await open(page, encodeLink(quiet, 0));
  await setSpeed(page, 1);
  await expect(card(page, 0)).toContainText('commit 0');
  await openTab(page, 'Break things');
  const start = page.getByRole('button', { name: 'Start steady workload' });
  await start.click();
  await expect(page.getByRole('button', { name: 'Stop steady workload' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const play = page.getByRole('button', { name: 'Play', exact: true });
  if (await play.isVisible()) await play.click();
  await openTab(page, 'Replicas');
  await expect(card(page, 0)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await openTab(page, 'Break things');
  await page.getByRole('button', { name: 'Stop steady workload' }).click();
  await expect(page.getByRole('button', { name: 'Start steady workload' })).toBeVisible();
  // Both switches are actions of the scenario, shown as markers on the clients' fault lane.
  const lanes = page.getByRole('group', { name: 'Fault lanes' });
  await expect(lanes.getByRole('button', { name: /^steady workload on/ })).toHaveCount(1);
  await expect(lanes.getByRole('button', { name: /^steady workload off/ })).toHaveCount(1);
});

test('Settings chooses the recovery; cards show crash vectors, and a replica can be paused and resumed', async ({
  page,
}) => {
  await open(page);
  await expect(card(page, 2)).toContainText('crash vector [0,0,0,0,0]');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Recovery after a crash').selectOption('paper');
  await expect(settings).toContainText('can start without an op it acknowledged');
  await settings.getByRole('button', { name: 'New run' }).click();
  await expect(settings).toBeHidden();
  // The paper's recovery keeps no crash vector.
  await expect(card(page, 2)).toContainText('view 0');
  await expect(card(page, 2)).not.toContainText('crash vector');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(settings.getByLabel('Recovery after a crash')).toHaveValue('paper');
  await settings.getByLabel('Recovery after a crash').selectOption('crash-vectors');
  await settings.getByRole('button', { name: 'New run' }).click();
  await setSpeed(page, 1);
  await expect(card(page, 2)).toContainText(/commit [1-9]/, { timeout: 10_000 });
  await card(page, 2).getByRole('button', { name: 'Crash replica 2' }).click();
  await card(page, 2).getByRole('button', { name: 'Restart replica 2' }).click();
  await expect(card(page, 2)).toContainText('normal', { timeout: 10_000 });
  // Its own incarnation went up by one with the restart.
  await expect(card(page, 2)).toContainText('crash vector [0,0,1,0,0]');
  await card(page, 1).getByRole('button', { name: 'Pause replica 1' }).click();
  await expect(card(page, 1)).toContainText('paused');
  await expect(card(page, 1)).toContainText(/[1-9]\d* messages? waiting for it/, { timeout: 10_000 });
  await card(page, 1).getByRole('button', { name: 'Resume replica 1' }).click();
  await expect(card(page, 1)).not.toContainText('paused');
  await expect(card(page, 1).getByRole('button', { name: 'Pause replica 1' })).toBeVisible();
});
