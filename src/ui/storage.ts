/**
 * Small localStorage helpers: every read is validated, and a corrupted entry is discarded (and
 * reported once through `onCorrupt`) instead of breaking the page. Storage may be unavailable
 * (private mode, quota): then nothing persists and nothing throws.
 */
export type Corruption = (key: string) => void;

let corruptionListener: Corruption | null = null;

/** Who is told when a stored value was corrupted and discarded (the app shows a notice). */
export function onCorrupt(listener: Corruption | null): void {
  corruptionListener = listener;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Reads `key`; `validate` returns null for a value of the wrong shape (then the entry is removed). */
export function readStored<T>(key: string, validate: (value: unknown) => T | null): T | null {
  const store = storage();
  if (store === null) return null;
  let text: string | null;
  try {
    text = store.getItem(key);
  } catch {
    return null;
  }
  if (text === null) return null;
  let parsed: T | null = null;
  try {
    parsed = validate(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (parsed === null) {
    removeStored(key);
    corruptionListener?.(key);
  }
  return parsed;
}

export function writeStored(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or privacy mode: the value simply does not persist.
  }
}

export function removeStored(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing to do.
  }
}
