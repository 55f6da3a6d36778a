/** Helpers for the workspace's tabs, shared by the browser tests. */
import { expect, type Page } from '@playwright/test';

/** Opens a tab of the side panel, the dock or (on a phone) the one tab bar, by its name. */
export async function openTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}
