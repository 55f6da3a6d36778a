/**
 * Length-prefixed frames: a 4-byte big-endian unsigned body length, then the body (UTF-8 JSON, see
 * wire-schema.ts). The decoder refuses a frame from its header when the length is over the limit,
 * so an oversized frame never gets buffered; what it does buffer is charged to a ByteBudget shared
 * by every connection of its class, and given back when the frame completes or the decoder is
 * cleared. Any byte sequence is safe: the decoder either returns frames or throws FrameError.
 */
import { frameBytesMax } from './wire-schema.ts';

export const frameHeaderBytes = 4;
/** A chunk smaller than this that stays buffered is copied, so it does not pin a larger read buffer. */
const compactBytesMax = 4 * 1024;
/**
 * A frame body at least this long, once this much of it has arrived, is assembled in one buffer of
 * its own (charged in full to the budget) instead of a list of read buffers: a block that large is
 * mapped on its own and goes back to the system when the frame is done or the connection closes.
 */
export const assembleBytesMin = 1024 * 1024;

export class FrameError extends Error {
  override name = 'FrameError';
}

/** Frames one body; throws FrameError when it is over the limit (the caller drops the message). */
export function encodeFrame(body: string, bytesMax = frameBytesMax): Buffer {
  const length = Buffer.byteLength(body, 'utf8');
  if (length > bytesMax) throw new FrameError(`frame of ${length} bytes exceeds the ${bytesMax}-byte limit`);
  const frame = Buffer.allocUnsafe(frameHeaderBytes + length);
  frame.writeUInt32BE(length, 0);
  frame.write(body, frameHeaderBytes, 'utf8');
  return frame;
}

/** Bytes that a class of connections may hold in incomplete frames, all of them together. */
export class ByteBudget {
  used = 0;

  constructor(
    readonly name: string,
    readonly bytesMax: number,
  ) {}

  /** Charges `bytes`; false (and nothing charged) when that would exceed the budget. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.bytesMax) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** Reassembles frames from a byte stream, chunk by chunk, without quadratic copying. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length announced by the last header, while its body is incomplete. */
  private expected: number | null = null;
  /** What `budget` is charged for: the bytes held between calls. */
  private charged = 0;
  /** A large frame's body being assembled (`expected` bytes), and how much of it has arrived. */
  private assembly: Buffer | null = null;
  private assembled = 0;

  /**
   * `bytesMax` is the largest body accepted; a connection raises it once it knows who speaks.
   * `budget`, when given, is charged for every byte held between pushes.
   */
  constructor(
    public bytesMax = frameBytesMax,
    private budget: ByteBudget | null = null,
  ) {}

  /** Bytes received but not yet returned as frames. */
  get pendingBytes(): number {
    return this.buffered + this.assembled;
  }

  /** Moves what is held from one budget to another (a connection that changed class). */
  setBudget(budget: ByteBudget | null): void {
    this.budget?.give(this.charged);
    this.budget = budget;
    if (budget !== null && !budget.take(this.charged)) {
      this.clear();
      throw new FrameError(`the ${budget.name} buffers are full (${budget.bytesMax} bytes)`);
    }
  }

  /** Adds a chunk and returns the frame bodies it completes; throws FrameError on an oversized header or an exhausted budget. */
  push(input: Buffer): Buffer[] {
    const bodies: Buffer[] = [];
    let chunk = input;
    if (this.assembly !== null) {
      const used = Math.min(chunk.length, this.assembly.length - this.assembled);
      chunk.copy(this.assembly, this.assembled, 0, used);
      this.assembled += used;
      chunk = chunk.subarray(used);
      if (this.assembled < this.assembly.length) return (this.recharge(), bodies);
      bodies.push(this.assembly);
      this.assembly = null;
      this.assembled = 0;
      this.expected = null;
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.expected === null) {
        if (this.buffered < frameHeaderBytes) break;
        const length = this.take(frameHeaderBytes).readUInt32BE(0);
        if (length > this.bytesMax) {
          this.clear();
          throw new FrameError(`frame of ${length} bytes exceeds the ${this.bytesMax}-byte limit`);
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) {
        if (this.expected >= assembleBytesMin && this.buffered >= assembleBytesMin) this.startAssembly();
        break;
      }
      bodies.push(this.take(this.expected));
      this.expected = null;
    }
    this.compactTail();
    this.recharge();
    return bodies;
  }

  /** Moves the part of a large frame received so far into a buffer of the frame's size. */
  private startAssembly(): void {
    const assembly = Buffer.allocUnsafeSlow(this.expected!);
    this.assembled = this.buffered;
    this.take(this.buffered).copy(assembly, 0);
    this.assembly = assembly;
  }

  /** Drops everything held and gives it back to the budget (a closed connection). */
  clear(): void {
    this.chunks = [];
    this.buffered = 0;
    this.expected = null;
    this.assembly = null;
    this.assembled = 0;
    this.recharge();
  }

  private recharge(): void {
    // An assembly is held whole from its start, whatever has arrived of it.
    const held = this.buffered + (this.assembly?.length ?? 0);
    if (held === this.charged) return;
    if (this.budget === null) {
      this.charged = held;
      return;
    }
    if (held < this.charged) {
      this.budget.give(this.charged - held);
      this.charged = held;
      return;
    }
    if (!this.budget.take(held - this.charged)) {
      const name = this.budget.name;
      const bytesMax = this.budget.bytesMax;
      this.clear();
      throw new FrameError(`the ${name} buffers are full (${bytesMax} bytes)`);
    }
    this.charged = held;
  }

  /** A small chunk left over after a frame may be a view of a 64 KiB read: keep only its bytes. */
  private compactTail(): void {
    const last = this.chunks.length - 1;
    if (last < 0) return;
    const chunk = this.chunks[last];
    if (chunk.length >= compactBytesMax || chunk.buffer.byteLength <= 2 * chunk.length) return;
    const copy = Buffer.allocUnsafeSlow(chunk.length);
    chunk.copy(copy);
    this.chunks[last] = copy;
  }

  private take(count: number): Buffer {
    if (count === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length >= count) {
      const out = first.subarray(0, count);
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      this.buffered -= count;
      return out;
    }
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0];
      const used = Math.min(chunk.length, count - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.buffered -= count;
    return out;
  }
}
