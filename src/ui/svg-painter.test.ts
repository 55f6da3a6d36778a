import { describe, expect, it } from 'vitest';
import { SvgPainter, escapeXml } from './svg-painter.ts';

describe('SVG painter', () => {
  it('records paths, rectangles and text with their styles', () => {
    const painter = new SvgPainter(100, 50);
    painter.strokeStyle = '#123456';
    painter.lineWidth = 2;
    painter.beginPath();
    painter.moveTo(1, 2);
    painter.lineTo(3, 4);
    painter.stroke();
    painter.fillStyle = 'red';
    painter.globalAlpha = 0.5;
    painter.fillRect(0, 0, 10, 5);
    painter.globalAlpha = 1;
    painter.font = '10px sans-serif';
    painter.fillText('a < b & "c"', 5, 6);
    expect(painter.body().split('\n')).toEqual([
      '<path d="M1 2L3 4" fill="none" stroke="#123456" stroke-width="2"/>',
      '<rect x="0" y="0" width="10" height="5" fill="red" opacity="0.5"/>',
      '<text x="5" y="6" style="font: 10px sans-serif" fill="red">a &#60; b &#38; &#34;c&#34;</text>',
    ]);
    expect(painter.toSvg()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="100" height="50"/);
  });

  it('applies scale and translation, and draws a full circle as two arcs', () => {
    const painter = new SvgPainter(100, 100);
    painter.setTransform(2, 0, 0, 2, 10, 20);
    painter.beginPath();
    painter.arc(0, 0, 5, 0, 2 * Math.PI);
    painter.fill();
    expect(painter.body()).toBe('<path d="M20 20A10 10 0 1 1 0 20A10 10 0 1 1 20 20" fill="#000"/>');
  });

  it('skips empty paths and escapes every XML special character', () => {
    const painter = new SvgPainter(1, 1);
    painter.beginPath();
    painter.stroke();
    painter.fill();
    expect(painter.body()).toBe('');
    expect(escapeXml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });
});
