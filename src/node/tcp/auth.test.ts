import { chmodSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authProof, isLoopback, proofMatches, readSecretFile } from './auth.ts';

const dir = mkdtempSync(join(tmpdir(), 'vsr-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cluster secret', () => {
  it('reads a secret file, bounded, and says when others may read it', () => {
    const path = join(dir, 'secret');
    writeFileSync(path, 'a'.repeat(64) + '\n');
    chmodSync(path, 0o600);
    expect(readSecretFile(path)).toEqual({ key: Buffer.from('a'.repeat(64)), warning: null });
    chmodSync(path, 0o644);
    expect(readSecretFile(path).warning).toMatch(/readable by other users \(mode 644\)/);
    writeFileSync(path, 'short\n');
    expect(() => readSecretFile(path)).toThrow(/is 5 bytes, at least 16 are needed/);
    truncateSync(path, 10_000);
    expect(() => readSecretFile(path)).toThrow(/is 10000 bytes, the limit is 4096/);
    expect(() => readSecretFile('/dev/zero')).toThrow(/is not a regular file/);
    expect(() => readSecretFile(join(dir, 'missing'))).toThrow(/cannot open/);
  });

  it('proves one direction of one connection: role, ids and both nonces are in the MAC', () => {
    const key = Buffer.alloc(32, 7);
    const proof = authProof(key, 'dialer', 1, 2, 'a'.repeat(32), 'b'.repeat(32));
    expect(proofMatches(proof, authProof(key, 'dialer', 1, 2, 'a'.repeat(32), 'b'.repeat(32)))).toBe(true);
    for (const other of [
      authProof(key, 'acceptor', 1, 2, 'a'.repeat(32), 'b'.repeat(32)),
      authProof(key, 'dialer', 2, 1, 'a'.repeat(32), 'b'.repeat(32)),
      authProof(key, 'dialer', 1, 2, 'b'.repeat(32), 'a'.repeat(32)),
      authProof(Buffer.alloc(32, 8), 'dialer', 1, 2, 'a'.repeat(32), 'b'.repeat(32)),
    ])
      expect(proofMatches(proof, other)).toBe(false);
    expect(proofMatches(proof, 'ab')).toBe(false);
  });

  it('tells loopback addresses from others', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost'])
      expect(isLoopback(address), address).toBe(true);
    for (const address of ['10.0.0.1', '0.0.0.0', '::', '::ffff:10.0.0.1', 'example.com', undefined])
      expect(isLoopback(address), String(address)).toBe(false);
  });
});
