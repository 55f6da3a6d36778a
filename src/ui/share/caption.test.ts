import { describe, expect, it } from 'vitest';
import { captionBandPx, exportCaption, withCaption } from './caption.ts';

describe('the caption of an exported picture', () => {
  it('names the scenario, the seed and the moment', () => {
    expect(exportCaption('view change', 7, 4600, 321)).toBe('view change · seed 7 · 4.600 s · event 321');
    expect(exportCaption('', 2012, 0, 0)).toBe('scenario · seed 2012 · 0.000 s · event 0');
  });

  it('adds a band under the picture and keeps the root element first', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="520" viewBox="0 0 640 520"><g/></svg>';
    const out = withCaption(svg, 'a <b> & "c"');
    expect(out).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(out).toContain(`height="${520 + captionBandPx}"`);
    expect(out).toContain(`viewBox="0 0 640 ${520 + captionBandPx}"`);
    expect(out).toContain('a &#60;b&#62; &#38; &#34;c&#34;</text>');
    expect(out.endsWith('</g></svg>')).toBe(true);
  });

  it('scales the band to a viewBox of another size', () => {
    const svg = '<svg width="320" height="260" viewBox="0 0 640 520"></svg>';
    const out = withCaption(svg, 'x');
    expect(out).toContain('height="284"');
    expect(out).toContain(`viewBox="0 0 640 ${520 + 48}"`);
  });

  it('leaves a picture without a declared size alone', () => {
    expect(withCaption('<svg></svg>', 'x')).toBe('<svg></svg>');
  });
});
