/** Tour links: `#tour=<id>` or `#tour=<id>&step=N` (N counts from 1). Nothing in them is executed. */
export const tourPrefix = '#tour=';

export type TourLink =
  | { readonly ok: true; readonly id: string; readonly step: number }
  | { readonly ok: false; readonly problem: string };

export function tourHash(id: string, step = 0): string {
  return `${tourPrefix}${encodeURIComponent(id)}${step > 0 ? `&step=${step + 1}` : ''}`;
}

export function isTourHash(hash: string): boolean {
  return hash.startsWith(tourPrefix);
}

/** Parses a tour link (null when the hash is not one); `knows` says whether a tour id exists. */
export function parseTourHash(hash: string, stepsOf: (id: string) => number | undefined): TourLink | null {
  if (!isTourHash(hash)) return null;
  if (hash.length > 200) return { ok: false, problem: 'the tour link is too long' };
  const [rawId, ...rest] = hash.slice(tourPrefix.length).split('&');
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return { ok: false, problem: 'the tour link is corrupted' };
  }
  const steps = stepsOf(id);
  if (steps === undefined)
    return { ok: false, problem: `there is no tour ${JSON.stringify(id.slice(0, 60))}` };
  let step = 0;
  for (const part of rest) {
    const match = /^step=(\d{1,4})$/.exec(part);
    if (match === null)
      return { ok: false, problem: `the tour link has an unknown part ${JSON.stringify(part.slice(0, 40))}` };
    const n = Number(match[1]);
    if (n < 1 || n > steps) return { ok: false, problem: `tour ${id} has steps 1 to ${steps}, not ${n}` };
    step = n - 1;
  }
  return { ok: true, id, step };
}
