import { describe, expect, it } from 'vitest';
import { fitLabel } from './LinearizabilityView.tsx';

describe('linearizability view labels', () => {
  it('are cut to their bar with an ellipsis, never mid-character', () => {
    expect(fitLabel('put k0 1', 100)).toBe('put k0 1');
    expect(fitLabel('put k0 c0.12345 → ok', 60)).toBe('put k0 c0…');
    expect(fitLabel('get 😀😀😀😀😀😀😀😀😀😀😀😀', 30)).toBe('get …');
    expect([...fitLabel('😀😀😀😀😀😀😀😀😀😀😀😀', 30)]).toEqual(['😀', '😀', '😀', '😀', '…']);
    expect(fitLabel('anything', 6)).toBe('');
  });
});
