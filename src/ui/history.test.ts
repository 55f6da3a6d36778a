import { describe, expect, it } from 'vitest';
import { defaultScenario } from '../scenario/builtin.ts';
import { linkBytesMax } from './link.ts';
import { createAppStore, setAppStore } from './store.ts';
import { linkFits, tooLargeNotice } from './history.ts';

describe('the address bar', () => {
  it('refuses a link over the limit, saying so once per stretch of too-large links', () => {
    const store = createAppStore(defaultScenario, false);
    setAppStore(store);
    const big = '#s=' + 'A'.repeat(linkBytesMax);
    expect(linkFits('#s=abc')).toBe(true);
    expect(linkFits(big)).toBe(false);
    expect(linkFits(big + 'B')).toBe(false);
    expect(store.getState().notices.map((n) => n.text)).toEqual([tooLargeNotice]);
    expect(tooLargeNotice).toContain('Export scenario JSON');
    // Back under the limit, then over it again: a new notice.
    expect(linkFits('#s=abc')).toBe(true);
    expect(linkFits(big)).toBe(false);
    expect(store.getState().notices).toHaveLength(2);
  });
});
