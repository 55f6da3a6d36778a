/**
 * The workspace: one screen that does not scroll at 1280x800 and above, tabs that survive a reload,
 * a violation that opens its tab, tours beside the picture, the phone's tab bar, an open-ended
 * sandbox. Screenshots of each state at 1280x800, 1920x1080 and 390x844 go to test-results/.
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeLink } from '../../src/ui/link.ts';
import { parseScenario } from '../../src/scenario/schema.ts';
import { tours } from '../../src/scenario/tours/index.ts';
import { phoneTabs } from '../../src/ui/workspace.ts';
import { openTab } from './workspace.ts';

const sizes = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '390x844', width: 390, height: 844 },
] as const;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: false });
}

/** The page itself never scrolls on a desktop screen: everything lives in panels. */
async function expectOneScreen(page: Page): Promise<void> {
  const { scroll, inner, y } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollHeight,
    inner: window.innerHeight,
    y: window.scrollY,
  }));
  expect(scroll).toBeLessThanOrEqual(inner);
  expect(y).toBe(0);
}

const violating = parseScenario({
  version: 1,
  name: 'commit without quorum',
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

for (const size of sizes) {
  const desktop = size.width >= 1280;

  test(`first load at ${size.name}`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto('/');
    await expect(page.getByRole('group', { name: /Cluster view/ })).toBeInViewport();
    await expect(page.getByRole('slider', { name: 'Timeline' })).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeInViewport();
    if (desktop) {
      await expectOneScreen(page);
      for (const name of ['Replicas', 'Inspector', 'Break things', 'Event log', 'Space-time', 'Violation'])
        await expect(page.getByRole('tab', { name, exact: true })).toBeInViewport();
    }
    await page.waitForTimeout(600);
    await shot(page, `first-load-${size.name}`);
  });

  test(`a tour step about a message in flight at ${size.name}: narration and message on one screen`, async ({
    page,
  }) => {
    await page.setViewportSize(size);
    await page.goto('/#tour=normal-operation&step=2');
    const panel = page.getByRole('region', { name: 'Tour' });
    await expect(panel).toContainText(tours[0].steps[1].title);
    await expect(panel).toContainText('ringed in the cluster view');
    // Nothing scrolled: the narration and the cluster view (where the ring is) are both in sight.
    await expect(panel.getByRole('heading', { level: 3 })).toBeInViewport();
    await expect(page.getByRole('group', { name: /Cluster view/ })).toBeInViewport({ ratio: 0.6 });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    if (desktop) await expectOneScreen(page);
    // The ring is drawn on the canvas in the tour's colour (#d4006a).
    const ringed = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.message-canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - 0xd4) < 12 && data[i + 1] < 20 && Math.abs(data[i + 2] - 0x6a) < 12) count++;
      return count;
    });
    expect(ringed).toBeGreaterThan(20);
    await shot(page, `tour-message-${size.name}`);
    await page.getByRole('button', { name: 'Presenter mode' }).click();
    await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    if (desktop) {
      await expectOneScreen(page);
      await shot(page, `tour-presenter-${size.name}`);
    }
    await page.getByRole('button', { name: 'Presenter mode' }).click();
  });

  test(`a violation opens and marks its tab at ${size.name}`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto(`/${encodeLink(violating, 0)}`);
    await page.getByLabel('Speed').selectOption('10');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Run stopped' })).toBeVisible({ timeout: 15_000 });
    const tab = page.getByRole('tab', { name: /^Violation/ });
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    await expect(tab).toHaveClass(/alert/);
    await expect(page.getByRole('region', { name: 'Violation' })).toContainText('no-lost-commit');
    if (desktop) {
      await expect(page.getByRole('region', { name: 'Violation' })).toBeInViewport();
      await expectOneScreen(page);
    }
    await shot(page, `violation-${size.name}`);
  });
}

test('phone: the panels are one tab bar under the cluster view and transport', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  const bar = page.getByRole('tablist', { name: 'Panels' });
  await expect(bar.getByRole('tab')).toHaveCount(phoneTabs.length);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await openTab(page, 'Event log');
  await expect(page.getByRole('region', { name: 'Event log' })).toBeVisible();
  // A swipe to the left opens the next tab.
  const panel = page.locator('#phone-panel-log');
  const box = (await panel.boundingBox())!;
  await panel.dispatchEvent('touchstart', {
    touches: [{ identifier: 1, clientX: box.x + 300, clientY: box.y + 40 }],
    changedTouches: [{ identifier: 1, clientX: box.x + 300, clientY: box.y + 40 }],
  });
  await panel.dispatchEvent('touchend', {
    touches: [],
    changedTouches: [{ identifier: 1, clientX: box.x + 60, clientY: box.y + 45 }],
  });
  await expect(page.getByRole('tab', { name: 'Space-time', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.evaluate(() => window.scrollTo(0, 0));
  await bar.scrollIntoViewIfNeeded();
  await shot(page, 'phone-tab-bar-390x844');
});

test('chosen tabs and panel sizes survive a reload; arrows move between tabs', async ({ page }) => {
  await page.goto('/');
  await openTab(page, 'Event log');
  await openTab(page, 'State diff');
  const separator = page.getByRole('separator', { name: 'Resize the debugging views' });
  const before = Number(await separator.getAttribute('aria-valuenow'));
  await separator.focus();
  await page.keyboard.press('ArrowUp');
  await expect(separator).toHaveAttribute('aria-valuenow', String(before + 20));
  const side = page.getByRole('tab', { name: 'Event log', exact: true });
  await side.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Break things', exact: true })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Break things', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Break things', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('tab', { name: 'State diff', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('separator', { name: 'Resize the debugging views' })).toHaveAttribute(
    'aria-valuenow',
    String(before + 20),
  );
  // A corrupted entry falls back to the defaults instead of breaking the page.
  await page.evaluate(() => localStorage.setItem('vsr-scope.workspace.v1', '{"side":"nope"'));
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Replicas', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
});

test('picking a message in the space-time diagram shows the Inspector without moving the page', async ({
  page,
}) => {
  await page.goto('/');
  await page.waitForTimeout(800);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await openTab(page, 'Space-time');
  const arrow = page.getByRole('list', { name: 'Visible messages and events' }).getByRole('button').first();
  await arrow.dispatchEvent('click');
  await expect(page.getByRole('tab', { name: 'Inspector', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('region', { name: 'Inspector' })).toContainText('Message #');
  await expectOneScreen(page);
});

test('"the run is yours now": a finished tour plays on for more than a minute', async ({ page }) => {
  const tour = tours[0];
  await page.goto(`/#tour=${tour.id}&step=${tour.steps.length}`);
  const panel = page.getByRole('region', { name: 'Tour' });
  await panel.getByRole('button', { name: 'Finish tour' }).click();
  await expect(panel).toContainText('The run is yours now');
  const start = await page.evaluate(() => window.vsrScopeDebug!.state());
  await page.getByLabel('Speed').selectOption('100');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect
    .poll(async () => (await page.evaluate(() => window.vsrScopeDebug!.state())).time, { timeout: 30_000 })
    .toBeGreaterThan(start.until + 60_000);
  await expect(page.getByText('The run reached its end')).toHaveCount(0);
});

/** Visible controls without a tooltip (a title on it or on its label) in the page as it is now. */
async function untitledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      'button, select, input:not([type="hidden"]), summary, a[href], [role="separator"]',
    );
    for (const element of controls) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || element.closest('[hidden]') !== null) continue;
      if (element.closest('.sr-only') !== null) continue;
      const titled =
        element.title !== '' ||
        element.closest('label')?.title ||
        (element.id !== '' && document.querySelector(`label[for="${element.id}"][title]`) !== null);
      if (titled) continue;
      const name = element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '';
      const where = element.closest('[aria-label]')?.getAttribute('aria-label') ?? '';
      out.push(`${element.tagName.toLowerCase()} "${name.slice(0, 40)}" in ${where}`);
    }
    return out;
  });
}

test('every control has a tooltip, in every tab', async ({ page }) => {
  await page.goto('/');
  await page.waitForTimeout(500);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const missing = new Set<string>();
  for (const name of ['Replicas', 'Inspector', 'Break things', 'Event log']) {
    await openTab(page, name);
    for (const control of await untitledControls(page)) missing.add(control);
  }
  for (const name of ['Space-time', 'Linearizability', 'State diff', 'Find a bug', 'Violation']) {
    await openTab(page, name);
    for (const control of await untitledControls(page)) missing.add(control);
  }
  await page.locator('details.key > summary').click();
  for (const control of await untitledControls(page)) missing.add(control);
  expect([...missing]).toEqual([]);
});

test('the event log is virtualized: thousands of events, a few dozen rows rendered', async ({ page }) => {
  await page.goto('/');
  await page.waitForFunction(() => window.vsrScopeDebug !== undefined);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const events = await page.evaluate(() => {
    const debug = window.vsrScopeDebug!;
    return debug.seek(debug.compute(6000)) >= 0 ? debug.state().cursorEvent : 0;
  });
  expect(events).toBeGreaterThan(5000);
  await openTab(page, 'Event log');
  const log = page.getByRole('region', { name: 'Event log' });
  const rows = log.getByRole('listitem').getByRole('button');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(80);
  const list = log.getByRole('list');
  const height = await list.evaluate((element) => element.scrollHeight);
  expect(height).toBeGreaterThanOrEqual(events * 24 - 24);
  // The oldest event is one scroll away.
  await list.evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  await expect(
    log
      .getByRole('listitem')
      .filter({ has: page.getByText(/^0\.0\d\d s$/) })
      .first(),
  ).toBeVisible();
  expect(await rows.count()).toBeLessThan(80);
});

test('axe stays clean in every tab of the workspace', async ({ page }) => {
  const { AxeBuilder } = await import('@axe-core/playwright');
  await page.goto('/');
  await page.waitForTimeout(500);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const problems: string[] = [];
  for (const name of [
    'Inspector',
    'Break things',
    'Event log',
    'Linearizability',
    'State diff',
    'Find a bug',
    'Violation',
  ]) {
    await openTab(page, name);
    const results = await new AxeBuilder({ page }).analyze();
    for (const v of results.violations)
      if (v.impact === 'serious' || v.impact === 'critical')
        problems.push(`${name}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  }
  expect(problems).toEqual([]);
});

test('hovering a message in the cluster view shows its card: type, from and to, the paper section', async ({
  page,
}) => {
  await page.goto('/');
  await page.waitForTimeout(900);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const cluster = page.locator('.cluster-wrap');
  const box = (await cluster.boundingBox())!;
  const card = page.getByRole('tooltip');
  // Sweep the picture until the pointer is over a message (they are drawn on a canvas).
  sweep: for (let y = box.y + 10; y < box.y + box.height; y += 6)
    for (let x = box.x + 10; x < box.x + box.width; x += 6) {
      await page.mouse.move(x, y);
      if ((await card.count()) > 0) break sweep;
    }
  await expect(card).toBeVisible();
  await expect(card).toContainText(/(replica|client) \S+ → (replica|client) \S+/);
  await expect(card).toContainText('§4');
  await page.mouse.move(box.x + box.width + 50, box.y);
  await expect(card).toHaveCount(0);
});
