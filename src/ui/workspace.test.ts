import { describe, expect, it } from 'vitest';
import { parseWorkspace, sideWidthMax, dockHeightMin } from './workspace.ts';

describe('the stored workspace', () => {
  it('reads back what was written', () => {
    const stored = {
      side: 'log',
      dock: 'fuzz',
      sideWidth: 500,
      dockHeight: 300,
      presenter: true,
      phone: 'state-diff',
    };
    expect(parseWorkspace(stored)).toEqual({ ...stored, alert: null });
  });

  it('clamps sizes out of range instead of laying out an unusable screen', () => {
    const parsed = parseWorkspace({
      side: 'replicas',
      dock: 'violation',
      sideWidth: 1e9,
      dockHeight: -5,
      presenter: false,
    });
    expect(parsed?.sideWidth).toBe(sideWidthMax);
    expect(parsed?.dockHeight).toBe(dockHeightMin);
  });

  it('refuses unknown tabs, wrong types and non-objects (the defaults apply)', () => {
    const good = { side: 'replicas', dock: 'space-time', sideWidth: 500, dockHeight: 300, presenter: false };
    expect(parseWorkspace({ ...good, side: 'debugger' })).toBeNull();
    expect(parseWorkspace({ ...good, phone: 'debugger' })?.phone).toBe('replicas');
    expect(parseWorkspace({ ...good, dock: '__proto__' })).toBeNull();
    expect(parseWorkspace({ ...good, sideWidth: 'wide' })).toBeNull();
    expect(parseWorkspace({ ...good, dockHeight: Number.NaN })).toBeNull();
    expect(parseWorkspace({ ...good, presenter: 'yes' })).toBeNull();
    expect(parseWorkspace(null)).toBeNull();
    expect(parseWorkspace([good])).toBeNull();
  });
});
