/**
 * The debugging views in the built app: the space-time diagram (linked to the cursor and the
 * inspector), the violation explorer and the linearizability view. Selected by role and name only.
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeLink } from '../../src/ui/link.ts';
import { mutationScenarios } from '../../src/scenario/mutation-scenarios.ts';
import { Run } from '../../src/sim/run.ts';
import { checkHistory, extractHistory } from '../../src/sim/history.ts';
import { parseScenario } from '../../src/scenario/schema.ts';
import { openTab } from './workspace.ts';

async function shot(page: Page, name: string, target?: ReturnType<Page['getByRole']>): Promise<void> {
  if (target !== undefined) await target.screenshot({ path: test.info().outputPath(`${name}.png`) });
  else await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

async function eventCount(page: Page): Promise<number> {
  const text = await page.getByRole('group', { name: 'Status' }).innerText();
  return Number(/event\s+(\d+)/.exec(text)![1]);
}

function percentile(values: number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

test('clicking an arrow in the space-time diagram moves the cursor and opens the inspector', async ({
  page,
}) => {
  const scenario = mutationScenarios['commit-without-quorum'].scenario;
  await page.goto(`/${encodeLink({ ...scenario, mutation: 'none' }, 120)}`);
  const diagram = page.getByRole('figure', { name: 'Space-time diagram' });
  await expect(diagram).toBeVisible();
  const arrows = diagram.getByRole('button', { name: /^(prepare|request|reply|commit|prepare_ok) from / });
  await expect(arrows.first()).toBeVisible();
  const before = await eventCount(page);
  const arrow = diagram.getByRole('button', { name: /^request from client c0 to replica 0/ }).first();
  const name = (await arrow.getAttribute('aria-label'))!;
  await arrow.click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector).toBeVisible();
  await expect(inspector).toContainText('request');
  await expect(inspector).toContainText(name.split(',')[0].replace(/^request /, ''));
  expect(await eventCount(page)).not.toBe(before);
  // Zoom and pan buttons change the window; filters hide a message type.
  await diagram.getByRole('button', { name: 'Zoom out' }).click();
  await diagram.getByRole('button', { name: 'Pan left' }).click();
  await diagram.getByText('Diagram filters').click();
  await diagram.getByRole('checkbox', { name: 'request', exact: true }).uncheck();
  await expect(diagram.getByRole('button', { name: /^request from / })).toHaveCount(0);
  await diagram.getByRole('checkbox', { name: 'request', exact: true }).check();
  await shot(page, 'space-time-diagram', diagram);
});

test('a mutation scenario shows the violation explorer with the involved replicas highlighted', async ({
  page,
}) => {
  const { scenario } = mutationScenarios['commit-without-quorum'];
  // The violation the UI's run finds, computed here with the same simulator.
  const run = new Run(scenario);
  run.extendTo(scenario.until);
  const expected = run.head.violations[0];
  expect(expected).toBeDefined();
  await page.goto(`/${encodeLink(scenario, scenario.until)}`);
  const panel = page.getByRole('region', { name: 'Violation' });
  await expect(panel).toBeVisible();
  await expect(panel).toContainText(expected.checker);
  await expect(panel).toContainText('The rule:');
  const involved = panel.getByRole('list', { name: 'Involved replicas' }).getByRole('listitem');
  await expect(involved).toHaveText([...new Set(expected.replicas ?? [])].map((r) => `replica ${r}`));
  await expect(panel.getByRole('table')).toBeVisible();
  await shot(page, 'violation-panel', panel);
  await openTab(page, 'Space-time');
  await shot(page, 'violation-diagram', page.getByRole('figure', { name: 'Space-time diagram' }));
  await openTab(page, 'Violation');
  // Shrinking runs in a worker and offers the minimal scenario.
  await panel.getByRole('button', { name: 'Shrink', exact: true }).click();
  await expect(panel.getByRole('link', { name: 'Link to the minimal scenario' })).toBeVisible({
    timeout: 45_000,
  });
  await expect(panel.getByRole('button', { name: 'Load the minimal scenario' })).toBeVisible();
  await shot(page, 'violation-shrunk', panel);
});

test('the linearizability view highlights the illegal operations of a bad history', async ({ page }) => {
  const { scenario } = mutationScenarios['ignore-client-table'];
  // The run halts at the first violation (at-most-once); the bad history shows past it.
  const run = new Run(scenario, { checkers: [] });
  run.extendTo(scenario.until);
  const result = checkHistory(extractHistory(run.journal), scenario);
  expect(result.linearizable).toBe(false);
  await page.goto(`/${encodeLink(scenario, scenario.until)}`);
  await openTab(page, 'Linearizability');
  const view = page.getByRole('region', { name: 'Linearizability' });
  await expect(view).toContainText('linearizable');
  await view.getByRole('checkbox', { name: /Check the history past the violation/ }).check();
  await expect(view).toContainText('not linearizable');
  const illegal = view.getByRole('list', { name: 'Illegal operations' }).getByRole('listitem');
  await expect(illegal).toHaveCount(result.illegal!.operations.length);
  // The view opens on the latest operations at a readable size; Fit all shows every one.
  await view.getByRole('button', { name: 'Fit all' }).click();
  await expect(view.getByRole('img', { name: /, illegal$/ })).toHaveCount(result.illegal!.operations.length);
  await view.scrollIntoViewIfNeeded();
  await shot(page, 'linearizability-view', view);
});

test('the space-time diagram pans a 100,000-event run smoothly', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const diagram = page.getByRole('figure', { name: 'Space-time diagram' });
  await expect(diagram).toBeVisible();
  const events = await page.evaluate(() => {
    const debug = window.vsrScopeDebug!;
    debug.load(
      {
        version: 1,
        name: 'long run',
        seed: 7,
        replicas: 5,
        clients: 3,
        stateMachine: 'kv',
        network: { latencyMs: [20, 60] },
        workload: { requestsPerClient: 100000, keys: 4 },
        until: 2_000_000,
        actions: [],
      },
      1,
    );
    const count = debug.compute(100_000);
    debug.seek(Math.floor(count / 2));
    return count;
  });
  expect(events).toBeGreaterThanOrEqual(100_000);
  const report: Record<string, { p50: number; p95: number; frames: number; arrows: number }> = {};
  for (const [label, zoomOuts] of [
    ['default window (400 ms)', 0],
    ['zoomed out 8x (3.2 s)', 3],
    ['zoomed out 64x (25.6 s)', 3],
  ] as const) {
    await diagram.scrollIntoViewIfNeeded();
    for (let i = 0; i < zoomOuts; i++) await diagram.getByRole('button', { name: 'Zoom out' }).click();
    const canvasBox = (await diagram.locator('canvas').boundingBox())!;
    await page.evaluate(() => window.vsrScopeSpaceTime!.clear());
    // Near the top lanes: the dock may show only part of a tall diagram (its panel scrolls).
    const y = canvasBox.y + Math.min(canvasBox.height / 2, 60);
    // A notice (the memory policy's, on a long run) sits over the dock's corner: dismiss it first.
    for (const dismiss of await page.getByRole('button', { name: 'Dismiss notice' }).all())
      await dismiss.click();
    for (let sweep = 0; sweep < 4; sweep++) {
      await page.mouse.move(canvasBox.x + canvasBox.width * 0.8, y);
      await page.mouse.down();
      await page.mouse.move(canvasBox.x + canvasBox.width * 0.2, y, { steps: 40 });
      await page.mouse.up();
    }
    const samples = await page.evaluate(() => window.vsrScopeSpaceTime!.samples.slice());
    const ms = samples.map((s) => s.ms);
    report[label] = {
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      frames: ms.length,
      arrows: Math.max(...samples.map((s) => s.arrows)),
    };
  }
  console.log(`space-time draw while panning ${events} events: ${JSON.stringify(report, null, 1)}`);
  test.info().annotations.push({ type: 'draw-ms', description: JSON.stringify(report) });
  expect(report['default window (400 ms)'].p95).toBeLessThan(16);
  await shot(page, 'space-time-100k', diagram);
});

test('the event log filters by node and message type and searches the captions', async ({ page }) => {
  const scenario = mutationScenarios['commit-without-quorum'].scenario;
  await page.goto(`/${encodeLink({ ...scenario, mutation: 'none' }, 2000)}`);
  await openTab(page, 'Event log');
  const log = page.getByRole('region', { name: 'Event log' });
  const entries = log.getByRole('listitem').getByRole('button');
  await expect(entries.first()).toBeVisible();
  await log.getByRole('combobox', { name: 'Message type' }).selectOption('prepare_ok');
  await expect(entries.first()).toBeVisible();
  for (const text of await entries.allInnerTexts())
    expect(text.toLowerCase()).toMatch(/prepare_?ok|prepareok/);
  await log.getByRole('combobox', { name: 'Message type' }).selectOption('');
  await log.getByRole('searchbox', { name: 'Search' }).fill('view 1');
  await expect(entries.first()).toBeVisible();
  for (const text of await entries.allInnerTexts()) expect(text.toLowerCase()).toContain('view 1');
  await log.getByRole('searchbox', { name: 'Search' }).fill('no such event anywhere');
  await expect(log).toContainText('No event matches the filters.');
});

test('the state diff shows what changed between two moments and between two replicas', async ({ page }) => {
  const scenario = mutationScenarios['commit-without-quorum'].scenario;
  await page.goto(`/${encodeLink({ ...scenario, mutation: 'none' }, 5)}`);
  await openTab(page, 'State diff');
  const diff = page.getByRole('region', { name: 'State diff' });
  await diff.getByRole('button', { name: 'Pin this moment as A' }).click();
  await page.evaluate(() => {
    const debug = window.vsrScopeDebug!;
    debug.seek(debug.compute(400));
  });
  const table = diff.getByRole('table', { name: 'Differences' });
  await expect(table).toContainText('commit-number');
  await expect(table).toContainText('log op 1');
  await expect(table).toContainText('client table c0');
  await diff.getByRole('radio', { name: 'two replicas' }).check();
  await expect(diff.getByRole('combobox', { name: 'Replica B' })).toBeVisible();
  await shot(page, 'state-diff', diff);
});

test('the find-a-bug panel fuzzes in workers and finds a mutation’s counterexample', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await openTab(page, 'Find a bug');
  const panel = page.getByRole('region', { name: 'Find a bug' });
  await panel.getByRole('combobox', { name: 'Mutation' }).selectOption('commit-without-quorum');
  await panel.getByRole('button', { name: 'Start fuzzing' }).click();
  await expect(panel.getByRole('button', { name: 'Stop fuzzing' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Open the failing scenario' })).toBeVisible({
    timeout: 90_000,
  });
  const status = await panel.getByRole('status').innerText();
  console.log(`browser fuzz (commit-without-quorum): ${status}`);
  await panel.getByRole('button', { name: 'Open the failing scenario' }).click();
  await expect(page.getByRole('region', { name: 'Violation' })).toBeVisible();
  await openTab(page, 'Find a bug');
  // With no mutation it keeps finding nothing until stopped.
  await panel.getByRole('combobox', { name: 'Mutation' }).selectOption('none');
  await panel.getByRole('button', { name: 'Start fuzzing' }).click();
  await expect(panel.getByRole('status')).toContainText(/[1-9]\d* seeds checked/, { timeout: 30_000 });
  await page.waitForTimeout(3000);
  await panel.getByRole('button', { name: 'Stop fuzzing' }).click();
  const none = await panel.getByRole('status').innerText();
  console.log(`browser fuzz (none): ${none}`);
  await expect(panel.getByRole('button', { name: 'Open the failing scenario' })).toHaveCount(0);
});

test('the diagram draws lane names over the arrows; the history stays readable on a phone', async ({
  page,
}) => {
  const { scenario } = mutationScenarios['ignore-client-table'];
  await page.goto(`/${encodeLink(scenario, 1500)}`);
  // The run holds a violation, which opens its own tab; the diagram is one tab over.
  await openTab(page, 'Space-time');
  const diagram = page.getByRole('figure', { name: 'Space-time diagram' });
  await expect(diagram).toBeVisible();
  // The exported SVG is painted by the same code as the screen: the names come after the cursor line.
  await page.getByText('Import / Export', { exact: true }).click();
  const menu = page.getByRole('group', { name: 'Import and export' });
  const pending = page.waitForEvent('download');
  await menu.getByRole('button', { name: 'Export diagram SVG', exact: true }).click();
  const { readFile } = await import('node:fs/promises');
  const svg = await readFile(await (await pending).path(), 'utf8');
  expect(svg.lastIndexOf('stroke="#CC3311"')).toBeGreaterThan(0);
  expect(svg.indexOf('>replica 0</text>')).toBeGreaterThan(svg.lastIndexOf('stroke="#CC3311"'));
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 390, height: 800 });
  await openTab(page, 'Linearizability');
  const view = page.getByRole('region', { name: 'Linearizability' });
  const history = view.getByRole('group', { name: 'Client history' });
  await history.scrollIntoViewIfNeeded();
  const box = (await history.boundingBox())!;
  // Drawn at its own size (scrolling sideways), not scaled down to fit 390 px.
  expect(box.width).toBeGreaterThanOrEqual(640);
  await expect(view.getByText(/^\d+ ms$/).first()).toBeAttached();
  await shot(page, 'lin-phone', view);
});

test('the linearizability view checks the append-only log too', async ({ page }) => {
  const scenario = parseScenario({
    version: 1,
    name: 'log history',
    replicas: 3,
    clients: 2,
    stateMachine: 'log',
    until: 3000,
    actions: [
      { at: 10, type: 'request', client: 0, op: 'append a' },
      { at: 10, type: 'request', client: 1, op: 'append b' },
      { at: 400, type: 'request', client: 0, op: 'len' },
      { at: 400, type: 'request', client: 1, op: 'read 1' },
    ],
  });
  await page.goto(`/${encodeLink(scenario, scenario.until)}`);
  await openTab(page, 'Linearizability');
  const view = page.getByRole('region', { name: 'Linearizability' });
  await expect(view).toContainText('linearizable (4 operations)');
  await expect(view).not.toContainText('key-value state machine only');
});
