/**
 * Peer authentication with a cluster secret (`--secret-file`): challenge-response HMAC-SHA256.
 *
 * Every hello carries a fresh random nonce. Between two replicas that hold the secret, the replica
 * that dialed proves first: HMAC(secret, "dialer", its id, the acceptor's id, the acceptor's nonce,
 * its own nonce). The accepting replica checks it and only then proves itself the same way with
 * the role "acceptor". Neither side takes a protocol message before the other's proof checked out.
 * The role, both ids and both nonces are in the MAC, so a proof answers one challenge, on one
 * connection, in one direction; and since the acceptor proves only to a dialer that has already
 * proven itself, a stranger cannot use a replica as an oracle for proofs.
 *
 * What it does not do: encrypt, or protect frames after the handshake against someone on the
 * network path (see the README's trust model). Without a secret, replicas accept replica hellos
 * from loopback addresses only.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isIP } from 'node:net';
import { UsageError } from './common.ts';

export const secretBytesMin = 16;
export const secretFileBytesMax = 4096;

export type AuthRole = 'dialer' | 'acceptor';

export interface ClusterSecret {
  readonly key: Buffer;
  /** A warning about the file (for example: readable by others), or null. */
  readonly warning: string | null;
}

/** Reads a secret file: at most secretFileBytesMax bytes, trailing whitespace dropped. */
export function readSecretFile(path: string): ClusterSecret {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`--secret-file: cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`--secret-file: ${path} is not a regular file`);
    if (stat.size > secretFileBytesMax)
      throw new UsageError(
        `--secret-file: ${path} is ${stat.size} bytes, the limit is ${secretFileBytesMax}`,
      );
    const buffer = Buffer.alloc(secretFileBytesMax + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > secretFileBytesMax)
        throw new UsageError(`--secret-file: ${path} is longer than ${secretFileBytesMax} bytes`);
    }
    const key = Buffer.from(buffer.subarray(0, length).toString('utf8').trimEnd(), 'utf8');
    if (key.length < secretBytesMin)
      throw new UsageError(
        `--secret-file: the secret in ${path} is ${key.length} bytes, at least ${secretBytesMin} are needed (e.g. openssl rand -hex 32 > ${path})`,
      );
    const warning =
      (stat.mode & 0o077) !== 0
        ? `${path} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`
        : null;
    return { key, warning };
  } finally {
    closeSync(fd);
  }
}

/** 16 random bytes as 32 hex digits: one per connection and direction. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The proof that `prover` holds the secret, answering `verifier`'s nonce on this connection. */
export function authProof(
  secret: Buffer,
  role: AuthRole,
  prover: number,
  verifier: number,
  verifierNonce: string,
  proverNonce: string,
): string {
  return createHmac('sha256', secret)
    .update(`vsr-scope peer auth v1\n${role}\n${prover}\n${verifier}\n${verifierNonce}\n${proverNonce}`)
    .digest('hex');
}

/** Compares two proofs in constant time. */
export function proofMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether an address (as a socket reports it, or a host name from --peers) is this machine's loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
