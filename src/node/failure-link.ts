/**
 * The app link of a failing scenario, as `sim fuzz` and `sim shrink` print it: the `#s=` fragment
 * the app itself writes in its address bar (src/scenario/link.ts), landing at the first violation.
 */
import { encodeLink, linkBytesMax } from '../scenario/link.ts';
import type { Scenario } from '../sim/scenario-types.ts';

export interface FailureLink {
  /** The fragment to append to the app's address, or null when it would be too long for a link. */
  readonly link: string | null;
  /** One line to print. */
  readonly line: string;
}

export function failureLink(
  scenario: Scenario,
  violations: readonly { readonly time: number }[],
): FailureLink {
  const link = encodeLink(scenario, violations[0]?.time ?? 0);
  if (link.length > linkBytesMax)
    return {
      link: null,
      line: `link: none, ${link.length} bytes is over the app's ${linkBytesMax}-byte limit for links: import the scenario JSON below (or shrink it first)`,
    };
  return {
    link,
    line: `link (append to the app's address, e.g. http://127.0.0.1:5173/): ${link}`,
  };
}
