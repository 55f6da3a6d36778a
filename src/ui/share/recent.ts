/** The last scenarios loaded (at most 10), as links, in localStorage. */
import type { Scenario } from '../../sim/scenario-types.ts';
import { encodeLink, linkBytesMax } from '../link.ts';
import { readStored, removeStored, writeStored } from './storage.ts';

export const recentKey = 'vsr-scope.recent.v1';
export const recentMax = 10;

export interface RecentEntry {
  readonly name: string;
  readonly hash: string;
  readonly loadedAt: number;
}

export function validateRecent(value: unknown): RecentEntry[] | null {
  if (!Array.isArray(value) || value.length > recentMax) return null;
  const out: RecentEntry[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) return null;
    const { name, hash, loadedAt } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name.length > 200) return null;
    if (typeof hash !== 'string' || !hash.startsWith('#s=') || hash.length > linkBytesMax) return null;
    if (typeof loadedAt !== 'number' || !Number.isFinite(loadedAt)) return null;
    out.push({ name, hash, loadedAt });
  }
  return out;
}

export function loadRecent(): RecentEntry[] {
  return readStored(recentKey, validateRecent) ?? [];
}

export function recordRecent(scenario: Scenario, now = Date.now()): RecentEntry[] {
  const hash = encodeLink(scenario, 0);
  if (hash.length > linkBytesMax) return loadRecent();
  const name = `${scenario.name || 'scenario'} · seed ${scenario.seed} · ${scenario.actions.length} actions`;
  const next = [{ name, hash, loadedAt: now }, ...loadRecent().filter((entry) => entry.hash !== hash)].slice(
    0,
    recentMax,
  );
  writeStored(recentKey, next);
  return next;
}

export function clearRecent(): void {
  removeStored(recentKey);
}
