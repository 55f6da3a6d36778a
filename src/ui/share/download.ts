/** Browser-side downloads and the cluster view as an image (its SVG plus the messages in flight). */
import { drawMessages } from '../message-canvas.ts';
import { clusterLayout } from '../layout.ts';
import { appStore } from '../store.ts';
import { SvgPainter } from '../svg-painter.ts';

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadText(name: string, text: string, type = 'application/json'): void {
  download(name, new Blob([text], { type }));
}

const styleProperties = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'display',
  'visibility',
];

/** The cluster view's SVG as a standalone document (computed styles inlined, so no stylesheet is needed). */
export function clusterSvgText(): string | null {
  const svg = document.querySelector<SVGSVGElement>('svg.cluster');
  if (svg === null) return null;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((element, index) => {
    const computed = getComputedStyle(element);
    const style = styleProperties.map((name) => `${name}:${computed.getPropertyValue(name)}`).join(';');
    copies[index].setAttribute('style', style);
  });
  const box = svg.viewBox.baseVal;
  // Messages in flight live on a canvas over the SVG; the same drawing code writes them as SVG.
  const messages = messagesSvg(box.width, box.height);
  if (messages !== '') {
    const group = new DOMParser().parseFromString(
      `<svg xmlns="http://www.w3.org/2000/svg"><g class="messages">${messages}</g></svg>`,
      'image/svg+xml',
    ).documentElement.firstElementChild;
    if (group !== null) clone.append(document.importNode(group, true));
  }
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(box.width));
  clone.setAttribute('height', String(box.height));
  return new XMLSerializer().serializeToString(clone);
}

/** The messages in flight (and fading losses) at the cursor, as SVG elements in the cluster's coordinates. */
function messagesSvg(width: number, height: number): string {
  const state = appStore().getState();
  const frame = state.frame;
  if (frame === null) return '';
  const painter = new SvgPainter(width, height);
  const layout = clusterLayout(frame.replicas.length, frame.clients.length, width, height);
  const selectedId = state.selection?.kind === 'message' ? state.selection.id : -1;
  drawMessages(
    painter,
    { width, height, pixelRatio: 1 },
    layout,
    frame.inFlight,
    frame.fading,
    frame.time,
    selectedId,
    true,
  );
  return painter.body();
}

/** Draws an SVG document onto a canvas (2x) and returns it as PNG. */
export async function svgToPng(svgText: string, width: number, height: number): Promise<Blob> {
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      image.addEventListener('load', () => resolve(), { once: true });
      image.addEventListener('error', () => reject(new Error('the SVG could not be drawn')), { once: true });
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2D canvas');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob === null ? reject(new Error('PNG encoding failed')) : resolve(blob)),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
