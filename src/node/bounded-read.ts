/**
 * Reading input files with a size limit that holds before anything is read: a regular file's size
 * is checked first, and anything else (a pipe, stdin, /dev/zero) is read at most up to the limit
 * plus one byte, enough to tell that it is too large.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class InputTooLargeError extends Error {
  override name = 'InputTooLargeError';
}

const chunkBytes = 64 * 1024;

/** The text of `path` (or of stdin, for 0), as UTF-8; throws InputTooLargeError past `bytesMax`. */
export function readTextBounded(path: string | 0, bytesMax: number): string {
  const fd = path === 0 ? 0 : openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new Error('is a directory');
    if (stat.isFile() && stat.size > bytesMax)
      throw new InputTooLargeError(`it is ${stat.size} bytes, the limit is ${bytesMax}`);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= bytesMax) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, bytesMax + 1 - total));
      const read = readRetrying(fd, chunk);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
    }
    if (total > bytesMax) throw new InputTooLargeError(`it is larger than the limit of ${bytesMax} bytes`);
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks, total));
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** readSync, waiting briefly while a non-blocking stdin has nothing yet. */
function readRetrying(fd: number, into: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, into, 0, into.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
