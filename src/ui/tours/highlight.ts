/**
 * What a tour step points at, as words (for the narration and screen readers) and as a stylesheet
 * that outlines the matching elements of the cards and the cluster view. Only numbers and a fixed
 * vocabulary reach the stylesheet: nothing from a link is inserted.
 */
import type { Counter, Highlight } from '../../scenario/tours/index.ts';
import { messageGlyphPath, messageStyles } from '../palette.ts';

const counterNames: Record<Counter, string> = {
  view: 'view number',
  status: 'status',
  op: 'op-number',
  commit: 'commit-number',
  quorum: 'quorum tally',
  'client-table': 'client table',
  nonce: 'recovery nonce',
};

export function describeHighlight(highlight: Highlight): string {
  switch (highlight.kind) {
    case 'replica':
      return `replica ${highlight.replica}`;
    case 'log-cell':
      return `op ${highlight.op} in replica ${highlight.replica}'s log`;
    case 'counter':
      return `replica ${highlight.replica}'s ${counterNames[highlight.counter]}`;
    case 'message': {
      const from = highlight.from === undefined ? '' : ` from ${highlight.from}`;
      const to = highlight.to === undefined ? '' : ` to ${highlight.to}`;
      return `${highlight.type} messages${from}${to} (ringed in the cluster view)`;
    }
  }
}

const counterSelector: Record<Counter, string> = {
  view: '.numbers > span:nth-child(1)',
  op: '.numbers > span:nth-child(2)',
  commit: '.numbers > span:nth-child(3)',
  status: '.badge.status',
  nonce: '.numbers > span:nth-child(5)',
  quorum: '.tally',
  'client-table': '.state-details',
};

function card(replica: number): string {
  return `.card[aria-label="Replica ${Math.trunc(replica)}"]`;
}

function selectors(highlight: Highlight): string[] {
  switch (highlight.kind) {
    case 'replica':
      return [card(highlight.replica)];
    case 'log-cell':
      return [`${card(highlight.replica)} .log li[value="${Math.trunc(highlight.op)}"]`];
    case 'counter':
      return [`${card(highlight.replica)} ${counterSelector[highlight.counter]}`];
    case 'message':
      // The in-flight list's items carry their type only as the glyph: select by its shape and colour.
      return [
        'details.in-flight > summary',
        `details.in-flight button.message-item:has(path[d="${messageGlyphPath(highlight.type, 70)}"][fill="${messageStyles[highlight.type].color}"])`,
      ];
  }
}

export function highlightCss(highlights: readonly Highlight[]): string {
  const all = highlights.flatMap(selectors);
  if (all.length === 0) return '';
  const cells = all.filter((selector) => selector.includes(' .log '));
  const others = all.filter((selector) => !selector.includes(' .log '));
  let css = '';
  if (others.length > 0)
    css += `${others.join(',\n')} {\n  outline: 3px solid #d4006a;\n  outline-offset: 2px;\n}\n`;
  // Log cells sit in a scrolling strip that would clip an outline: draw it inside the cell.
  if (cells.length > 0) css += `${cells.join(',\n')} {\n  box-shadow: inset 0 0 0 3px #d4006a;\n}\n`;
  return css;
}
