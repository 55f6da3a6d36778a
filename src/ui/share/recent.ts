/** The last scenarios loaded (at most 10), as links, in localStorage. */
import { scenarioDefaults } from '../../scenario/schema.ts';
import type { Scenario } from '../../sim/scenario-types.ts';
import { encodeLink, linkBytesMax } from '../link.ts';
import { plural } from '../format.ts';
import { readStored, removeStored, writeStored } from '../storage.ts';

export const recentKey = 'vsr-scope.recent.v1';
export const recentMax = 10;
/** A stored label longer than this is not ours; labels are cut to it when recorded. */
export const recentNameMax = 200;

export interface RecentEntry {
  readonly name: string;
  readonly hash: string;
  readonly loadedAt: number;
}

function entryOf(value: unknown): RecentEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const { name, hash, loadedAt } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name.length > recentNameMax) return null;
  if (typeof hash !== 'string' || !hash.startsWith('#s=') || hash.length > linkBytesMax) return null;
  if (typeof loadedAt !== 'number' || !Number.isFinite(loadedAt)) return null;
  return { name, hash, loadedAt };
}

/**
 * The well-formed entries of a stored list: a bad entry is dropped, not the whole list (one odd
 * entry must not wipe a person's history). Null only when the value is not a list at all.
 */
export function validateRecent(value: unknown): RecentEntry[] | null {
  if (!Array.isArray(value)) return null;
  const out: RecentEntry[] = [];
  for (const raw of value.slice(0, recentMax)) {
    const entry = entryOf(raw);
    if (entry !== null) out.push(entry);
  }
  return out;
}

export function loadRecent(): RecentEntry[] {
  return readStored(recentKey, validateRecent) ?? [];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A scenario's label in the list: its name, or, when it has the default name, its settings (two
 * unnamed scenarios are told apart by what differs: "7 replicas · seed 2012").
 */
export function recentName(scenario: Scenario): string {
  const named = scenario.name !== '' && scenario.name !== scenarioDefaults.name && scenario.name !== 'custom';
  const parts = named
    ? [clip(scenario.name, 120), `seed ${scenario.seed}`]
    : [
        plural(scenario.replicas, 'replica'),
        `seed ${scenario.seed}`,
        ...(scenario.mutation === 'none' ? [] : [`broken: ${scenario.mutation}`]),
      ];
  parts.push(plural(scenario.actions.length, 'action'));
  return clip(parts.join(' · '), recentNameMax);
}

export function recordRecent(scenario: Scenario, now = Date.now()): RecentEntry[] {
  const hash = encodeLink(scenario, 0);
  if (hash.length > linkBytesMax) return loadRecent();
  const next = [
    { name: recentName(scenario), hash, loadedAt: now },
    ...loadRecent().filter((entry) => entry.hash !== hash),
  ].slice(0, recentMax);
  writeStored(recentKey, next);
  return next;
}

export function clearRecent(): void {
  removeStored(recentKey);
}
