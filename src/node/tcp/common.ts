/** Small helpers shared by the TCP server, client and cluster: addresses, ids, logging, backoff. */
import { randomBytes } from 'node:crypto';
import { defaultTiming, type Timing } from '../../protocol/index.ts';

export interface Address {
  readonly host: string;
  readonly port: number;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function formatAddress(address: Address): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** `127.0.0.1:7000`, `localhost:7000` or `[::1]:7000`. */
export function parseAddress(text: string): Address {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (match === null) throw new UsageError(`'${text}' is not an address like 127.0.0.1:7000`);
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw new UsageError(`port ${port} in '${text}' is not between 1 and 65535`);
  return { host: match[1] ?? match[2], port };
}

/** A comma-separated list of replica addresses: replica i listens on the i-th. */
export function parsePeers(text: string | undefined): Address[] {
  if (text === undefined || text.trim() === '')
    throw new UsageError(
      '--peers is required: the address of every replica, e.g. 127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002',
    );
  const peers = text.split(',').map(parseAddress);
  if (peers.length % 2 !== 1 || peers.length > 9)
    throw new UsageError(`--peers must list an odd number of replicas from 1 to 9, got ${peers.length}`);
  const seen = new Set(peers.map(formatAddress));
  if (seen.size !== peers.length) throw new UsageError('--peers lists the same address twice');
  return peers;
}

export function parseIntegerOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
  return value;
}

/** Protocol timing scaled by a factor (the defaults suit loopback; a slower network wants more). */
export function scaledTiming(scale: number): Timing {
  const scaled = (ms: number) => Math.max(1, Math.round(ms * scale));
  return {
    heartbeatMs: scaled(defaultTiming.heartbeatMs),
    viewChangeTimeoutMs: scaled(defaultTiming.viewChangeTimeoutMs),
    prepareRetryMs: scaled(defaultTiming.prepareRetryMs),
    recoveryRetryMs: scaled(defaultTiming.recoveryRetryMs),
    clientRetryMs: scaled(defaultTiming.clientRetryMs),
  };
}

export function parseTimingScale(text: string | undefined): number {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0.05 || value > 100)
    throw new UsageError(`--timing-scale must be a number from 0.05 to 100, got '${text}'`);
  return value;
}

/** A random incarnation id: new each time a process starts, so wire ids never repeat. */
export function newIncarnation(): string {
  return randomBytes(4).toString('hex');
}

/** A uint32 of crypto-random entropy for the recovery nonce. */
export function randomUint32(): number {
  return randomBytes(4).readUInt32BE(0);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `12:04:05.123`: local wall-clock time for log lines. */
export function clockLabel(date = new Date()): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export type LogSink = (text: string) => void;

/** One line on stderr, stamped with the time and the speaker. */
export function stderrLog(speaker: string): LogSink {
  return (text) => void process.stderr.write(`${clockLabel()} ${speaker}: ${text}\n`);
}

export const backoffMsMin = 50;
export const backoffMsMax = 1_000;

/** Reconnect delay after `attempt` failures: doubling from 50 ms to 1 s, with ±20 % jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(backoffMsMax, backoffMsMin * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}
