/**
 * The caption an exported picture carries under it: the scenario's name, its seed and the moment,
 * so that a PNG pasted into a bug report still says which run it shows. Pure string work on the
 * exported SVG document (its root keeps its first attributes in place).
 */
import { formatTime } from '../format.ts';

/** Height of the caption band, in the picture's own units. */
export const captionBandPx = 24;

export function exportCaption(name: string, seed: number, time: number, event: number): string {
  return `${name.trim() === '' ? 'scenario' : name.trim()} · seed ${seed} · ${formatTime(time)} · event ${event}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * `svg` with a band added below it holding `caption`: the root's height (and viewBox) grow by the
 * band. Returns `svg` unchanged when its root declares no height.
 */
export function withCaption(svg: string, caption: string): string {
  const root = /<svg\b[^>]*>/.exec(svg);
  if (root === null) return svg;
  const tag = root[0];
  const heightMatch = /\sheight="([\d.]+)"/.exec(tag);
  const widthMatch = /\swidth="([\d.]+)"/.exec(tag);
  if (heightMatch === null || widthMatch === null) return svg;
  const height = Number(heightMatch[1]);
  let band = captionBandPx;
  let bandTop = height;
  let left = 8;
  let next = tag.replace(heightMatch[0], ` height="${height + captionBandPx}"`);
  const viewBox = /\sviewBox="([-\d.]+)[ ,]+([-\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)"/.exec(tag);
  if (viewBox !== null) {
    const [x, y, w, h] = viewBox.slice(1).map(Number);
    // The band in viewBox units, so that the text keeps its size on screen.
    band = (captionBandPx * h) / height;
    bandTop = y + h;
    left = x + (8 * w) / Number(widthMatch[1]);
    next = next.replace(viewBox[0], ` viewBox="${x} ${y} ${w} ${h + band}"`);
  }
  const scale = band / captionBandPx;
  const text =
    `<g class="export-caption"><rect x="${viewBox === null ? 0 : Number(viewBox[1])}" y="${bandTop}" width="100%" height="${band}" fill="#ffffff"/>` +
    `<text x="${left}" y="${bandTop + 16 * scale}" font-family="system-ui, sans-serif" font-size="${12 * scale}" fill="#1b1f24">${escapeXml(caption)}</text></g>`;
  const end = svg.lastIndexOf('</svg>');
  return svg.slice(0, root.index) + next + svg.slice(root.index + tag.length, end) + text + svg.slice(end);
}
