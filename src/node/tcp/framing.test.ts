import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleBytesMin, ByteBudget, encodeFrame, FrameDecoder, FrameError } from './framing.ts';

/** Every length prefix worth trying around a limit, and at the ends of the 32-bit range. */
function boundaryLengths(bytesMax: number): number[] {
  const lengths = [0, 1, 2, 3, 4, bytesMax - 1, bytesMax, bytesMax + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2];
  return [...new Set([...lengths, 2 ** 32 - 1])].filter((n) => n >= 0 && n <= 2 ** 32 - 1);
}

function header(length: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(length, 0);
  return bytes;
}

/** Pushes chunks; returns the bodies, or the FrameError that ended the stream. Anything else throws. */
function decode(
  decoder: FrameDecoder,
  chunks: readonly Buffer[],
): { bodies: Buffer[]; error: FrameError | null } {
  const bodies: Buffer[] = [];
  for (const chunk of chunks) {
    try {
      bodies.push(...decoder.push(chunk));
    } catch (error) {
      if (error instanceof FrameError) return { bodies, error };
      throw error;
    }
  }
  return { bodies, error: null };
}

describe('frame decoder on hostile bytes', () => {
  it('takes four zero bytes as one empty frame instead of crashing', () => {
    const bodies = new FrameDecoder().push(Buffer.alloc(4));
    expect(bodies.map((body) => body.length)).toEqual([0]);
  });

  it('handles every length prefix from 0 to 2^32-1 at the boundaries, whole, truncated and split', () => {
    const bytesMax = 1024;
    for (const length of boundaryLengths(bytesMax)) {
      const fits = length <= bytesMax;
      const body = fits ? Buffer.alloc(length, 0x61) : Buffer.alloc(16, 0x61);
      const stream = Buffer.concat([header(length), body]);
      for (let cut = 0; cut <= stream.length; cut++) {
        const budget = new ByteBudget('test', 1 << 20);
        const decoder = new FrameDecoder(bytesMax, budget);
        const { bodies, error } = decode(decoder, [stream.subarray(0, cut), stream.subarray(cut)]);
        if (fits) {
          expect(error).toBeNull();
          expect(bodies.map((b) => b.length)).toEqual([length]);
        } else {
          expect(error?.message).toMatch(
            new RegExp(`frame of ${length} bytes exceeds the ${bytesMax}-byte limit`),
          );
          expect(bodies).toEqual([]);
        }
        // Whatever happened, the budget holds exactly what the decoder still holds.
        expect(budget.used).toBe(decoder.pendingBytes);
      }
      // Truncated: the stream ends early and nothing is returned, nothing thrown.
      if (fits && length > 0) {
        const decoder = new FrameDecoder(bytesMax);
        expect(decode(decoder, [stream.subarray(0, stream.length - 1)])).toEqual({ bodies: [], error: null });
        expect(decoder.pendingBytes).toBe(stream.length - 1 - 4);
      }
    }
  });

  it('survives random byte streams and random frame soups for a bounded time, and keeps its budget exact', () => {
    const bytesMax = 4096;
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(...boundaryLengths(bytesMax)).map((length) => new Uint8Array(header(length))),
      fc.string({ maxLength: 200 }).map((text) => new Uint8Array(encodeFrame(text))),
      fc.uint8Array({ maxLength: 5000 }),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (chunks, slice) => {
        const budget = new ByteBudget('test', 1 << 20);
        const decoder = new FrameDecoder(bytesMax, budget);
        // The same bytes cut into `slice`-byte pieces.
        const stream = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        const pieces: Buffer[] = [];
        for (let at = 0; at < stream.length; at += slice) pieces.push(stream.subarray(at, at + slice));
        const { bodies, error } = decode(decoder, pieces);
        for (const body of bodies) expect(body.length).toBeLessThanOrEqual(bytesMax);
        expect(budget.used).toBe(error === null ? decoder.pendingBytes : 0);
        expect(decoder.pendingBytes).toBeLessThan(bytesMax + 4 + slice);
      }),
      { numRuns: 2_000, interruptAfterTimeLimit: 3_000 },
    );
  });

  it('reassembles valid frames however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }),
        (texts, cuts) => {
          const stream = Buffer.concat(texts.map((text) => encodeFrame(text)));
          const decoder = new FrameDecoder(1 << 16);
          const bodies: string[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const next = Math.min(stream.length, at + cuts[i % cuts.length]);
            bodies.push(...decoder.push(stream.subarray(at, next)).map((b) => b.toString('utf8')));
            at = next;
          }
          expect(bodies).toEqual(texts);
          expect(decoder.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 2_000 },
    );
  });

  it('assembles a large frame in a buffer of its own, charged whole, and frees it when done or cleared', () => {
    const size = 3 * assembleBytesMin + 17;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = i % 251;
    const stream = Buffer.concat([header(size), body, encodeFrame('{"after":1}')]);
    const budget = new ByteBudget('test', 8 * assembleBytesMin);
    const decoder = new FrameDecoder(1 << 26, budget);
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 65_536) {
      out.push(...decoder.push(stream.subarray(at, at + 65_536)));
      if (out.length === 0 && at > 2 * assembleBytesMin) expect(budget.used).toBe(size);
    }
    expect(out).toHaveLength(2);
    expect(out[0].equals(body)).toBe(true);
    expect(out[1].toString()).toBe('{"after":1}');
    expect(budget.used).toBe(0);
    // A peer that announces a large frame and stops half way holds its budget until it is cleared.
    decoder.push(Buffer.concat([header(size), body.subarray(0, 2 * assembleBytesMin)]));
    expect(budget.used).toBe(size);
    decoder.clear();
    expect(budget.used).toBe(0);
  });

  it('closes a stream that would exceed the shared budget, and gives every byte back', () => {
    const budget = new ByteBudget('test', 10_000);
    const a = new FrameDecoder(1 << 20, budget);
    const b = new FrameDecoder(1 << 20, budget);
    a.push(Buffer.concat([header(9_000), Buffer.alloc(6_000)]));
    expect(budget.used).toBe(6_000);
    expect(() => b.push(Buffer.concat([header(9_000), Buffer.alloc(5_000)]))).toThrow(
      /test buffers are full/,
    );
    expect(budget.used).toBe(6_000);
    expect(b.pendingBytes).toBe(0);
    a.clear();
    expect(budget.used).toBe(0);
  });
});
