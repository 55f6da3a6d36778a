/**
 * The part of the canvas 2D API our views draw with, and a painter that records those calls as
 * SVG. The canvas views (messages in flight, the space-time diagram) draw through `Painter`, so the
 * exact same drawing code paints the screen and writes the exported SVG.
 */

type Paint = string | CanvasGradient | CanvasPattern;

export interface Painter {
  fillStyle: Paint;
  strokeStyle: Paint;
  lineWidth: number;
  globalAlpha: number;
  font: string;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, width: number, height: number): void;
  fillRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  setLineDash(segments: number[]): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, radius: number, start: number, end: number): void;
  arcTo(x1: number, y1: number, x2: number, y2: number, radius: number): void;
  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void;
  quadraticCurveTo(x1: number, y1: number, x: number, y: number): void;
  ellipse(x: number, y: number, rx: number, ry: number, rotation: number, start: number, end: number): void;
  rect(x: number, y: number, width: number, height: number): void;
  closePath(): void;
  stroke(): void;
  fill(): void;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Records canvas calls as SVG elements (scale + translate transforms only, as our views use). */
export class SvgPainter implements Painter {
  fillStyle: Paint = '#000';
  strokeStyle: Paint = '#000';
  lineWidth = 1;
  globalAlpha = 1;
  font = '10px sans-serif';
  private dash = '';
  private scaleX = 1;
  private scaleY = 1;
  private offsetX = 0;
  private offsetY = 0;
  private path: string[] = [];
  private readonly elements: string[] = [];

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  private x(value: number): string {
    return num(this.scaleX * value + this.offsetX);
  }

  private y(value: number): string {
    return num(this.scaleY * value + this.offsetY);
  }

  private opacity(): string {
    return this.globalAlpha < 1 ? ` opacity="${num(this.globalAlpha)}"` : '';
  }

  setTransform(a: number, _b: number, _c: number, d: number, e: number, f: number): void {
    this.scaleX = a;
    this.scaleY = d;
    this.offsetX = e;
    this.offsetY = f;
  }

  clearRect(): void {
    // The export starts from a white background; clearing draws nothing.
  }

  fillRect(x: number, y: number, width: number, height: number): void {
    this.elements.push(
      `<rect x="${this.x(x)}" y="${this.y(y)}" width="${num(width * this.scaleX)}" height="${num(height * this.scaleY)}" fill="${escapeXml(String(this.fillStyle))}"${this.opacity()}/>`,
    );
  }

  fillText(text: string, x: number, y: number): void {
    this.elements.push(
      `<text x="${this.x(x)}" y="${this.y(y)}" style="font: ${escapeXml(this.font)}" fill="${escapeXml(String(this.fillStyle))}"${this.opacity()}>${escapeXml(text)}</text>`,
    );
  }

  setLineDash(segments: number[]): void {
    this.dash = segments.length === 0 ? '' : segments.map((s) => num(s * this.scaleX)).join(' ');
  }

  beginPath(): void {
    this.path = [];
  }

  moveTo(x: number, y: number): void {
    this.path.push(`M${this.x(x)} ${this.y(y)}`);
  }

  lineTo(x: number, y: number): void {
    this.path.push(`L${this.x(x)} ${this.y(y)}`);
  }

  arc(x: number, y: number, radius: number, start: number, end: number): void {
    const r = num(radius * this.scaleX);
    const point = (angle: number) =>
      `${this.x(x + radius * Math.cos(angle))} ${this.y(y + radius * Math.sin(angle))}`;
    this.path.push(`${this.path.length === 0 ? 'M' : 'L'}${point(start)}`);
    if (Math.abs(end - start) >= 2 * Math.PI - 1e-9) {
      // A full circle is two half arcs: one SVG arc cannot start and end at the same point.
      this.path.push(`A${r} ${r} 0 1 1 ${point(start + Math.PI)}`, `A${r} ${r} 0 1 1 ${point(start)}`);
      return;
    }
    const large = Math.abs(end - start) > Math.PI ? 1 : 0;
    this.path.push(`A${r} ${r} 0 ${large} ${end > start ? 1 : 0} ${point(end)}`);
  }

  arcTo(x1: number, y1: number): void {
    // Not used by our views' shapes; approximated by a corner.
    this.lineTo(x1, y1);
  }

  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void {
    this.path.push(`C${this.x(x1)} ${this.y(y1)} ${this.x(x2)} ${this.y(y2)} ${this.x(x)} ${this.y(y)}`);
  }

  quadraticCurveTo(x1: number, y1: number, x: number, y: number): void {
    this.path.push(`Q${this.x(x1)} ${this.y(y1)} ${this.x(x)} ${this.y(y)}`);
  }

  ellipse(
    x: number,
    y: number,
    rx: number,
    _ry: number,
    _rotation: number,
    start: number,
    end: number,
  ): void {
    this.arc(x, y, rx, start, end);
  }

  rect(x: number, y: number, width: number, height: number): void {
    this.moveTo(x, y);
    this.lineTo(x + width, y);
    this.lineTo(x + width, y + height);
    this.lineTo(x, y + height);
    this.closePath();
  }

  closePath(): void {
    this.path.push('Z');
  }

  stroke(): void {
    if (this.path.length === 0) return;
    const dash = this.dash === '' ? '' : ` stroke-dasharray="${this.dash}"`;
    this.elements.push(
      `<path d="${this.path.join('')}" fill="none" stroke="${escapeXml(String(this.strokeStyle))}" stroke-width="${num(this.lineWidth * this.scaleX)}"${dash}${this.opacity()}/>`,
    );
  }

  fill(): void {
    if (this.path.length === 0) return;
    this.elements.push(
      `<path d="${this.path.join('')}" fill="${escapeXml(String(this.fillStyle))}"${this.opacity()}/>`,
    );
  }

  /** The drawn elements, without the enclosing <svg> (to append into another SVG). */
  body(): string {
    return this.elements.join('\n');
  }

  /** A standalone SVG document with a white background. */
  toSvg(): string {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}"><rect width="100%" height="100%" fill="#ffffff"/>\n${this.body()}\n</svg>`;
  }
}
