/** Tour progress: the last step reached per tour (0-based), and whether the tour was finished. */
import { readStored, removeStored, writeStored } from '../storage.ts';

export const progressKey = 'vsr-scope.tour-progress.v1';

export interface TourProgress {
  /** The furthest step reached (0-based). */
  readonly step: number;
  readonly finished: boolean;
}

export type ProgressMap = Readonly<Record<string, TourProgress>>;

export function validateProgress(value: unknown): ProgressMap | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, TourProgress> = {};
  for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) return null;
    const { step, finished } = entry as Record<string, unknown>;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || typeof finished !== 'boolean')
      return null;
    out[id] = { step, finished };
  }
  return out;
}

export function loadProgress(): ProgressMap {
  return readStored(progressKey, validateProgress) ?? {};
}

/** Records that `step` of tour `id` was reached (progress only moves forward). */
export function recordProgress(id: string, step: number, finished: boolean): ProgressMap {
  const all = loadProgress();
  const previous = all[id];
  const next: TourProgress = {
    step: Math.max(step, previous?.step ?? 0),
    finished: finished || (previous?.finished ?? false),
  };
  const updated = { ...all, [id]: next };
  writeStored(progressKey, updated);
  return updated;
}

export function clearProgress(): void {
  removeStored(progressKey);
}
