/** Small helpers shared by the TCP server, client and cluster: addresses, ids, logging, backoff. */
import { randomBytes } from 'node:crypto';
import { defaultTiming, type Timing } from '../../protocol/index.ts';
import { UsageError } from '../args.ts';

export { UsageError };

export interface Address {
  readonly host: string;
  readonly port: number;
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

/** C0 and C1 controls (ANSI escapes among them), line and paragraph separators, bidi marks. */
const unprintableRange = String.raw`\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069`;
const unprintable = new RegExp(`[${unprintableRange}]`, 'g');
const unprintableOrBackslash = new RegExp(`[${unprintableRange}\\\\]`, 'g');

/**
 * Text from the network (ops, results, reasons) made safe for one log line: control characters,
 * ANSI escapes, line and paragraph separators and bidirectional overrides are written as escapes,
 * so nobody can forge a log line or repaint the terminal. Backslashes are doubled too, so that an
 * escape written out is never confused with one that was typed; a line that was already made
 * printable (a replica's, shown by the cluster command) keeps its backslashes with `escaped`.
 */
export function printable(text: string, escaped = false): string {
  return text.replace(escaped ? unprintable : unprintableOrBackslash, (char) => {
    if (char === '\\') return '\\\\';
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    const code = char.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One line on stderr, stamped with the time and the speaker; the text made printable. */
export function stderrLog(speaker: string): LogSink {
  return (text) => void process.stderr.write(`${clockLabel()} ${speaker}: ${printable(text)}\n`);
}

export const backoffMsMin = 50;
export const backoffMsMax = 1_000;

/** Reconnect delay after `attempt` failures: doubling from 50 ms to 1 s, with ±20 % jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(backoffMsMax, backoffMsMin * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}
