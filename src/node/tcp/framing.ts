/**
 * Length-prefixed frames: a 4-byte big-endian unsigned body length, then the body (UTF-8 JSON, see
 * wire-schema.ts). The decoder refuses a frame from its header when the length is over the limit,
 * so an oversized frame never gets buffered.
 */
import { frameBytesMax } from './wire-schema.ts';

export const frameHeaderBytes = 4;

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

/** Reassembles frames from a byte stream, chunk by chunk, without quadratic copying. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length announced by the last header, while its body is incomplete. */
  private expected: number | null = null;

  /** The largest body accepted; a connection raises it once it knows who speaks. */
  constructor(public bytesMax = frameBytesMax) {}

  /** Bytes received but not yet returned as frames. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns the frame bodies it completes; throws FrameError on an oversized header. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const bodies: Buffer[] = [];
    for (;;) {
      if (this.expected === null) {
        if (this.buffered < frameHeaderBytes) break;
        const length = this.take(frameHeaderBytes).readUInt32BE(0);
        if (length > this.bytesMax)
          throw new FrameError(`frame of ${length} bytes exceeds the ${this.bytesMax}-byte limit`);
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      bodies.push(this.take(this.expected));
      this.expected = null;
    }
    return bodies;
  }

  private take(count: number): Buffer {
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
