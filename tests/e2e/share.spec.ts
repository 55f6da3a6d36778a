/**
 * Sharing and teaching in Debian's Chromium, against the built app: links open the same run at the
 * same moment, bad links explain themselves, every tour can be walked to its end, back/forward move
 * between loaded scenarios. Selected by role and accessible name only.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { tours } from '../../src/scenario/tours/index.ts';
import { defaultScenario } from '../../src/scenario/builtin.ts';
import { decodeLink, encodeLink, linkBytesMax } from '../../src/ui/link.ts';
import type { Scenario } from '../../src/sim/scenario-types.ts';

function card(page: Page, replica: number): Locator {
  return page.getByRole('region', { name: `Replica ${replica}`, exact: true });
}

async function open(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(card(page, 0)).toBeVisible();
}

async function status(page: Page): Promise<string> {
  return page.getByRole('group', { name: 'Status' }).innerText();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/share-${name}.png`, fullPage: true });
}

test('a shared link opens the same state at the same moment in a fresh context', async ({
  page,
  browser,
}) => {
  const scenario = {
    ...defaultScenario,
    actions: [{ at: 900, type: 'crash' as const, replica: 0 }],
  };
  await open(page, encodeLink(scenario, 2500));
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = page.url();
  const before = [await status(page)];
  for (let replica = 0; replica < scenario.replicas; replica++)
    before.push(await card(page, replica).innerText());
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(url);
  await expect(card(other, 0)).toBeVisible();
  const after = [await status(other)];
  for (let replica = 0; replica < scenario.replicas; replica++)
    after.push(await card(other, replica).innerText());
  expect(after).toEqual(before);
  expect(before[0]).toContain('2.500');
  await context.close();
});

test('a corrupted link shows the message and falls back to the default scenario', async ({ page }) => {
  const good = encodeLink(defaultScenario, 1000);
  await open(page, good.slice(0, Math.floor(good.length / 2)) + 'zz');
  await expect(page.getByRole('alert')).toContainText('This link could not be opened');
  await expect(page.getByRole('alert')).toContainText('corrupted');
  await open(page, '#tour=no-such-tour');
  await expect(page.getByRole('alert')).toContainText('there is no tour');
});

test('the tour gallery is reachable from the first screen', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Tours', exact: true }).click();
  const gallery = page.getByRole('dialog', { name: 'Tours' });
  await expect(gallery).toBeVisible();
  for (const tour of tours)
    await expect(gallery.getByRole('link', { name: tour.title, exact: true })).toBeVisible();
  await shot(page, 'tour-gallery');
  await gallery.getByRole('link', { name: tours[0].title, exact: true }).click();
  const panel = page.getByRole('region', { name: 'Tour' });
  await expect(panel).toContainText(tours[0].steps[0].title);
  await expect(panel).toContainText(tours[0].steps[0].section);
  await page.getByRole('button', { name: 'Next step' }).click();
  await expect(panel).toContainText(tours[0].steps[1].title);
  await shot(page, 'tour-step');
  expect(page.url()).toContain(`#tour=${tours[0].id}&step=2`);
  // Progress survives a reload.
  await page.reload();
  await expect(panel).toContainText(tours[0].steps[1].title);
  await page.getByRole('button', { name: 'All tours' }).click();
  await expect(page.getByRole('dialog', { name: 'Tours' })).toContainText(
    `step 2 of ${tours[0].steps.length} reached`,
  );
});

for (const tour of tours)
  test(`tour "${tour.id}" can be walked to its end`, async ({ page }) => {
    await open(page, `#tour=${tour.id}`);
    const panel = page.getByRole('region', { name: 'Tour' });
    for (const [index, step] of tour.steps.entries()) {
      await expect(panel).toContainText(`Step ${index + 1} of ${tour.steps.length}`);
      await expect(panel).toContainText(step.title);
      await expect(panel).toContainText(step.section);
      const at = (step.at / 1000).toFixed(3);
      await expect(page.getByRole('group', { name: 'Status' })).toContainText(at);
      await page
        .getByRole('button', { name: index === tour.steps.length - 1 ? 'Finish tour' : 'Next step' })
        .click();
    }
    await expect(panel).toContainText('Try it yourself');
    await expect(panel).toContainText(tour.tryIt.slice(0, 40));
    // The run is left live for the learner.
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled();
  });

test('back and forward move between loaded scenarios and tours', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Tours', exact: true }).click();
  await page.getByRole('link', { name: tours[2].title, exact: true }).click();
  const panel = page.getByRole('region', { name: 'Tour' });
  await expect(panel).toContainText(tours[2].steps[0].title);
  await page.getByRole('button', { name: 'All tours' }).click();
  await page.getByRole('link', { name: tours[4].title, exact: true }).click();
  await expect(panel).toContainText(tours[4].steps[0].title);
  await page.goBack();
  await expect(panel).toContainText(tours[2].steps[0].title);
  await page.goBack();
  await expect(panel).toHaveCount(0);
  await page.goForward();
  await expect(panel).toContainText(tours[2].steps[0].title);
  // A new run from Settings is one more history entry; back returns to the tour.
  await page.getByRole('button', { name: 'Close tour' }).click();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Seed').fill('31337');
  await settings.getByRole('button', { name: 'New run' }).click();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('seed 31337');
  expect(page.url()).toContain('#s=');
  // Closing the tour gave its history entry the run's own link: back returns to that run, not the tour.
  await page.goBack();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText(`seed ${tours[2].scenario.seed}`);
  await expect(panel).toHaveCount(0);
  expect(page.url()).toContain('#s=');
  await page.goForward();
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('seed 31337');
  await expect(panel).toHaveCount(0);
});

/** The scenario the address bar's link holds (fails the test if it holds none). */
function addressScenario(page: Page): Scenario {
  const link = decodeLink(new URL(page.url()).hash);
  if (link?.ok !== true) throw new Error(`the address bar holds no scenario link: ${page.url()}`);
  return link.payload.scenario;
}

test('closing or finishing a tour gives the address bar the scenario link at once', async ({ page }) => {
  const tour = tours[0];
  await open(page, `#tour=${tour.id}`);
  const panel = page.getByRole('region', { name: 'Tour' });
  await expect(panel).toContainText(tour.steps[0].title);
  expect(page.url()).toContain('#tour=');
  await page.getByRole('button', { name: 'Close tour' }).click();
  await expect.poll(() => page.url()).toContain('#s=');
  expect(addressScenario(page)).toEqual(tour.scenario);
  // Finishing: the last step, then Finish tour. "Try it yourself" shows once.
  await open(page, `#tour=${tour.id}&step=${tour.steps.length}`);
  await expect(panel).toContainText(tour.steps.at(-1)!.title);
  await page.getByRole('button', { name: 'Finish tour' }).click();
  await expect(panel.getByText('Try it yourself', { exact: true })).toHaveCount(1);
  await expect.poll(() => page.url()).toContain('#s=');
  expect(addressScenario(page)).toEqual(tour.scenario);
});

test('a bad scenario link and a bad tour link fall back alike: default scenario, playing, link replaced', async ({
  page,
}) => {
  const good = encodeLink(defaultScenario, 1000);
  for (const [bad, problem] of [
    [good.slice(0, Math.floor(good.length / 2)) + 'zz', 'corrupted'],
    ['#tour=no-such-tour', 'there is no tour'],
  ] as const) {
    // A fresh load each time (a hash-only change would not reload the page).
    await page.goto('about:blank');
    await page.goto(`/${bad}`);
    await expect(card(page, 0)).toBeVisible();
    await expect(page.getByRole('alert')).toContainText(problem);
    await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await expect.poll(() => page.url()).toContain('#s=');
    expect(addressScenario(page)).toEqual(defaultScenario);
    // The problem is still said after the address bar changed.
    await expect(page.getByRole('alert')).toContainText(problem);
  }
});

test('a scenario too large for a link leaves the address bar alone and says how to save it', async ({
  page,
}) => {
  // Random ops do not compress: thousands of them make a link well over the limit.
  let state = 7;
  const noise = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state.toString(36);
  };
  const actions = Array.from({ length: 4000 }, (_, index) => ({
    at: 10 + index,
    type: 'request' as const,
    client: 0,
    op: `put k${noise()} ${noise()}${noise()}`,
  }));
  const big = { ...defaultScenario, until: 10_000, actions };
  expect(encodeLink(big, 0).length).toBeGreaterThan(linkBytesMax);
  await open(page, encodeLink({ ...defaultScenario, seed: 99 }, 0));
  const before = page.url();
  await importJson(page, 'big.json', JSON.stringify(big));
  await expect(page.getByRole('status').getByText(/too large for a link/)).toHaveCount(1);
  await expect(page.getByRole('status').getByText(/too large for a link/)).toContainText(
    'Export scenario JSON',
  );
  await page.waitForTimeout(800);
  expect(page.url()).toBe(before);
});

async function openImportExport(page: Page): Promise<Locator> {
  const menu = page.getByRole('group', { name: 'Import and export' });
  if (!(await menu.isVisible())) await page.getByText('Import / Export', { exact: true }).click();
  await expect(menu).toBeVisible();
  return menu;
}

async function downloadText(page: Page, button: string): Promise<string> {
  const menu = await openImportExport(page);
  const pending = page.waitForEvent('download');
  await menu.getByRole('button', { name: button, exact: true }).click();
  const file = await pending;
  const path = await file.path();
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8');
}

async function importJson(page: Page, name: string, text: string): Promise<void> {
  const menu = await openImportExport(page);
  await menu
    .getByLabel('Import scenario or trace JSON')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

test('export then import a scenario gives the same run', async ({ page }) => {
  const scenario = {
    ...defaultScenario,
    seed: 77,
    actions: [
      { at: 700, type: 'crash' as const, replica: 0 },
      { at: 2600, type: 'restart' as const, replica: 0 },
    ],
  };
  await open(page, encodeLink(scenario, 0));
  const json = await downloadText(page, 'Export scenario JSON');
  expect(JSON.parse(json)).toEqual(scenario);
  const trace = JSON.parse(await downloadText(page, 'Export trace JSON'));
  expect(trace.format).toBe('vsr-scope-trace');
  // A different run, then the import brings the exported one back.
  await open(page);
  await importJson(page, 'exported.json', json);
  await expect(page.getByRole('group', { name: 'Status' })).toContainText('seed 77');
  await page.keyboard.press('Escape');
  for (let index = 0; index < 40; index++) await page.getByRole('button', { name: 'Step forward' }).click();
  const imported = await status(page);
  const cards: string[] = [];
  for (let replica = 0; replica < scenario.replicas; replica++)
    cards.push(await card(page, replica).innerText());
  await open(page, encodeLink(scenario, 0));
  for (let index = 0; index < 40; index++) await page.getByRole('button', { name: 'Step forward' }).click();
  expect(await status(page)).toBe(imported);
  for (let replica = 0; replica < scenario.replicas; replica++)
    expect(await card(page, replica).innerText()).toBe(cards[replica]);
  // The cluster view exports as SVG (with the messages in flight, drawn on a canvas on screen) and PNG.
  await page.getByRole('tab', { name: 'Inspector', exact: true }).click();
  const inFlight = Number(
    /Messages in flight: (\d+)/.exec(await page.getByText(/Messages in flight: \d+/).innerText())![1],
  );
  expect(inFlight).toBeGreaterThan(0);
  const clusterSvg = await downloadText(page, 'Export cluster SVG');
  expect(clusterSvg).toContain('<svg');
  expect(clusterSvg).toMatch(/<g class="messages"[^>]*>\s*<path d="M/);
  // Every exported picture says which run and which moment it shows.
  expect(clusterSvg).toMatch(/<text[^>]*>[^<]*· seed 77 · \d+\.\d{3} s · event \d+<\/text>/);
  // The space-time diagram exports its visible window: lanes, arrows and the cursor line.
  const diagramSvg = await downloadText(page, 'Export diagram SVG');
  expect(diagramSvg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(diagramSvg).toContain('>replica 0</text>');
  expect(diagramSvg).toContain('stroke="#CC3311"');
  expect(diagramSvg).toContain('· seed 77 · ');
  for (const button of ['Export cluster PNG', 'Export diagram PNG']) {
    const menu = await openImportExport(page);
    const png = page.waitForEvent('download');
    await menu.getByRole('button', { name: button }).click();
    const file = await png;
    expect(file.suggestedFilename()).toMatch(/-(cluster|space-time)\.png$/);
    await file.saveAs(
      test.info().outputPath(file.suggestedFilename().replace(/^.*-(cluster|space-time)/, '$1')),
    );
  }
});

test('an invalid import names the first problem and its path', async ({ page }) => {
  await open(page);
  const bad = {
    ...defaultScenario,
    actions: [
      { at: 10, type: 'crash', replica: 1 },
      { at: 20, type: 'crash', replica: 7 },
    ],
  };
  await importJson(page, 'bad.json', JSON.stringify(bad));
  const alert = page.getByRole('alert', { name: 'Import problem' });
  await expect(alert).toContainText('actions[1].replica');
  await shot(page, 'import-error');
  await importJson(page, 'broken.json', '{"version": 1,');
  await expect(alert).toContainText('not valid JSON');
});

test('a trace from a real cluster replays read-only', async ({ page }) => {
  await open(page, encodeLink({ ...defaultScenario, until: 3000 }, 2000));
  const trace = JSON.parse(await downloadText(page, 'Export trace JSON'));
  delete trace.scenario;
  trace.source = 'tcp';
  // As merge-traces records a replica stopped by SIGTERM: its crash action, with the reason it stopped.
  const end = trace.events.at(-1).time;
  trace.events.push({
    index: trace.events.length,
    time: end,
    firstSent: trace.messages.length,
    sentCount: 0,
    notes: null,
    kind: 'action',
    node: 2,
    action: { at: end, type: 'crash', replica: 2 },
    stop: 'SIGTERM',
  });
  await importJson(page, 'cluster.json', JSON.stringify(trace));
  const replay = page.getByRole('dialog', { name: 'Recorded trace (read-only)' });
  await expect(replay).toBeVisible();
  await expect(replay.getByRole('note')).toContainText('fault buttons');
  await expect(replay.getByRole('status')).toContainText(
    `event ${trace.events.length} of ${trace.events.length}`,
  );
  await expect(replay.getByRole('region', { name: 'Trace event log' })).toContainText(
    'replica 2 stopped cleanly (SIGTERM): not a crash',
  );
  // The recorded trace has its own space-time diagram: clicking an arrow moves the replay's cursor.
  const diagram = replay.getByRole('figure', { name: 'Recorded trace diagram' });
  await expect(diagram).toBeVisible();
  const arrow = diagram
    .getByRole('list', { name: 'Visible messages and events' })
    .getByRole('button')
    .first();
  const name = (await arrow.getAttribute('aria-label'))!;
  await arrow.click();
  await expect(replay.getByText(/^Selected: /)).toBeVisible();
  await expect(replay.getByRole('status')).not.toContainText(`event ${trace.events.length} of`);
  expect(name).toMatch(/ from (replica|client) .* to (replica|client) /);
  await replay.getByRole('button', { name: 'Trace start' }).click();
  await expect(replay.getByRole('status')).toContainText(`event 0 of`);
  await replay.getByRole('button', { name: 'Trace step forward' }).click();
  await expect(replay.getByRole('status')).toContainText(`event 1 of`);
  await expect(replay.getByRole('region', { name: 'Trace event log' })).toContainText(/\S/);
  await shot(page, 'trace-replay');
  await replay.getByRole('button', { name: 'Close recorded trace' }).click();
  await expect(replay).toBeHidden();
});

test('recent scenarios persist, can be cleared, and a corrupted store is discarded with a notice', async ({
  page,
}) => {
  await open(page, encodeLink({ ...defaultScenario, seed: 4242 }, 0));
  await page.reload();
  await expect(card(page, 0)).toBeVisible();
  let menu = await openImportExport(page);
  await expect(menu.getByRole('button', { name: /seed 4242/ })).toBeVisible();
  await menu.getByRole('button', { name: 'Clear recent scenarios' }).click();
  await expect(menu.getByText('None yet.')).toBeVisible();
  await page.evaluate(() => {
    localStorage.setItem('vsr-scope.recent.v1', '[{"broken"');
    localStorage.setItem('vsr-scope.tour-progress.v1', '42');
  });
  await page.reload();
  await expect(card(page, 0)).toBeVisible();
  await expect(page.getByText(/was corrupted and has been discarded/).first()).toBeVisible();
  menu = await openImportExport(page);
  await expect(menu).toBeVisible();
});

test('a tour step that points at messages rings them in place and scrolls nothing', async ({ page }) => {
  const found = tours
    .flatMap((tour) => tour.steps.map((step, index) => ({ tour, step, index })))
    .find(({ step }) => step.highlight.some((h) => h.kind === 'message'))!;
  await open(page, `#tour=${found.tour.id}&step=${found.index + 1}`);
  const panel = page.getByRole('region', { name: 'Tour' });
  await expect(panel).toContainText(found.step.title);
  await expect(panel).toContainText('ringed in the cluster view');
  await expect(page.getByRole('group', { name: /Cluster view/ })).toBeInViewport();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  // The same messages are listed, as toggle buttons, in the Inspector's list of messages in flight.
  await page.getByRole('tab', { name: 'Inspector', exact: true }).click();
  await page.getByText(/Messages in flight: \d+/).click();
  const item = page.getByRole('button', { pressed: false, name: / from (replica|client) .+ to / }).first();
  await expect(item).toBeVisible();
  await expect(item).toBeInViewport();
});

test('the Import / Export menu closes like a menu, reads well and fits a phone', async ({ page }) => {
  await open(page);
  let menu = await openImportExport(page);
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  menu = await openImportExport(page);
  await page.getByRole('tab', { name: 'Event log', exact: true }).click();
  await expect(menu).toBeHidden();
  menu = await openImportExport(page);
  await expect(menu.getByRole('heading', { name: 'Recent scenarios', level: 2 })).toBeVisible();
  const contrast = await menu.getByText('Or drop a JSON file anywhere on the page.').evaluate((element) => {
    const rgb = (text: string) => (text.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const [lr, lg, lb] = [r, g, b].map((c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    let background = element as HTMLElement | null;
    while (background !== null && getComputedStyle(background).backgroundColor === 'rgba(0, 0, 0, 0)')
      background = background.parentElement;
    const fg = luminance(rgb(getComputedStyle(element).color));
    const bg = luminance(
      rgb(background === null ? 'rgb(255,255,255)' : getComputedStyle(background).backgroundColor),
    );
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  });
  expect(contrast).toBeGreaterThanOrEqual(4.5);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 390, height: 800 });
  menu = await openImportExport(page);
  const box = (await menu.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
});

test('the tour gallery shows two-digit numbers whole', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Tours', exact: true }).click();
  const gallery = page.getByRole('dialog', { name: 'Tours' });
  const list = gallery.getByRole('list').first();
  const last = gallery.getByRole('link', { name: tours.at(-1)!.title, exact: true });
  // The marker ("15.") sits in the list's left padding: that padding must hold three characters.
  const padding = await list.evaluate((element) => Number.parseFloat(getComputedStyle(element).paddingLeft));
  const fontSize = await last.evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize));
  expect(padding).toBeGreaterThanOrEqual(fontSize * 2.2);
});
