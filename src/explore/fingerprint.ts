/**
 * A state's fingerprint for the explorer: a 53-bit hash of everything that decides what can happen
 * next and what the safety checkers will say about it. Two worlds with the same fingerprint are
 * treated as one state, so the hash must cover all of that and nothing path-dependent:
 *
 * - every replica's whole state (log, views, status, tallies, client table, crash vector, nonce,
 *   entropy) and every client's, field by field, with its times relative to the clock (timesOf);
 * - the messages in flight as a multiset of (from, to, message): ids and send times are left out,
 *   they name a message but do not change what it does; messages the network has already doomed
 *   (cut links, partitions) are left out too, they can only be lost;
 * - the network's cuts, partition and drop rules, paused replicas and their inboxes, the fault
 *   generator's state (a restart draws the new incarnation's entropy from it);
 * - what the checkers remember of the past that can still turn into a violation: the ops committed
 *   at each op-number, each replica's commit-number, the primary and start of each view, requests
 *   issued, executed and acknowledged. Their records of where and when (event indices, message
 *   ids, which replica executed first) are left out: they only word a violation's evidence.
 *
 * Objects are hashed by walking their own fields in order; maps and sets as unordered collections
 * (their insertion order depends on the path); append-only logs and arrays as sequences.
 */
import { AppendOnly } from '../protocol/append-only.ts';
import { timerKinds, type Replica } from '../protocol/replica.ts';
import { kindCode } from '../sim/event-queue.ts';
import type { MessageRecord } from '../sim/trace.ts';
import type { World } from '../sim/world.ts';

/** Fields that are caches, configuration shared by every state, or path-dependent evidence. */
const skippedFields = new Set([
  // Replica and client: configuration, a speed-only cache.
  'config',
  'vectorSeenFrom',
  'jitterView',
  'jitter',
  // Checkers: where and when something happened (event indices, message ids, first executor).
  'committedReplicas',
  'committedViews',
  'committedEvents',
  'digests',
  'restartedAt',
  'checkedPrefixes',
  'inFlight',
  'executedReplicas',
  // Network: the trip object route() reuses.
  'trip',
  // Times, hashed relative to the clock by timesOf() (replicas), or never read in controlled mode
  // (a client's retry timer does not fire there; when it invoked its request only dates the history).
  'deadlines',
  'primaryHeardAt',
  'retryAt',
  'invokedAt',
]);

const m1 = 0x9e3779b1;
const m2 = 0x85ebca77;

/** Hashes of strings seen so far (states repeat the same few: names, ops, message types). */
const stringDigests = new Map<string, number>();
const stringDigestsMax = 100_000;

function stringDigest(s: string): number {
  const known = stringDigests.get(s);
  if (known !== undefined) return known;
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  if (stringDigests.size < stringDigestsMax) stringDigests.set(s, h);
  return h;
}

/** The fields of an object to hash, in order, and their names' digests. */
interface Fields {
  readonly names: string[];
  readonly digests: number[];
}

/** Per class, the fields to hash, in declaration order (every instance has the same). */
const classFields = new Map<unknown, Fields>();

function fieldsOf(value: object): Fields {
  const constructor = (value as { constructor?: unknown }).constructor;
  const isClass = constructor !== Object && constructor !== undefined;
  if (isClass) {
    const known = classFields.get(constructor);
    if (known !== undefined) return known;
  }
  const names: string[] = [];
  for (const key in value)
    if (!skippedFields.has(key) && typeof (value as Record<string, unknown>)[key] !== 'function')
      names.push(key);
  const fields = { names, digests: names.map(stringDigest) };
  if (isClass) classFields.set(constructor, fields);
  return fields;
}

/**
 * Digests of objects that never change once made: the entries of append-only logs and the messages
 * (shared between states, so each is hashed once).
 */
const frozenDigests = new WeakMap<object, number>();

/** One reusable hasher per nesting depth of maps and sets: no allocation per entry. */
const childHashers: Hasher[] = [];

function childHasher(depth: number): Hasher {
  while (childHashers.length <= depth) childHashers.push(new Hasher(childHashers.length));
  return childHashers[depth];
}

/** Two 32-bit lanes mixed independently: 53 bits of the result are used. */
class Hasher {
  h1 = 0x811c9dc5;
  h2 = 0x01000193;

  /** How deeply nested in maps and sets this hasher works (its entries' hasher is one deeper). */
  constructor(readonly depth = 0) {}

  reset(): void {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x01000193;
  }

  int(x: number): void {
    this.h1 = Math.imul(this.h1 ^ x, m1);
    this.h1 ^= this.h1 >>> 15;
    this.h2 = Math.imul(this.h2 ^ x, m2) + 0x6b43a9b5;
    this.h2 ^= this.h2 >>> 13;
  }

  num(x: number): void {
    if ((x | 0) === x) this.int(x);
    else if (x === Infinity) this.int(0x7f800000);
    else {
      this.int(0x7fc00001);
      this.int(stringDigest(String(x)));
    }
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'number':
        this.int(1);
        return this.num(value);
      case 'string':
        this.int(2);
        return this.int(stringDigest(value));
      case 'boolean':
        return this.int(value ? 3 : 4);
      case 'undefined':
        return this.int(5);
      case 'bigint':
        this.int(6);
        return this.int(stringDigest(value.toString()));
      case 'object':
        if (value === null) return this.int(7);
        return this.object(value);
      default:
        return this.int(8);
    }
  }

  /** An object that never changes: hashed once, then its digest. */
  frozen(value: unknown): void {
    if (typeof value !== 'object' || value === null) return this.value(value);
    let digest = frozenDigests.get(value);
    if (digest === undefined) {
      digest = digestOf(value);
      frozenDigests.set(value, digest);
    }
    this.int(13);
    this.num(digest);
  }

  private object(value: object): void {
    if (value instanceof Map || value instanceof Set) {
      this.int(value instanceof Map ? 9 : 10);
      this.int(value.size);
      // Order does not count (it depends on the path): each entry is hashed on its own and the
      // digests are added up.
      let sum1 = 0;
      let sum2 = 0;
      const entry = childHasher(this.depth + 1);
      for (const item of value.entries()) {
        entry.reset();
        entry.value(item[0]);
        entry.value(item[1]);
        sum1 = (sum1 + entry.h1) | 0;
        sum2 = (sum2 + entry.h2) | 0;
      }
      this.int(sum1);
      this.int(sum2);
      return;
    }
    if (value instanceof AppendOnly) {
      this.int(14);
      this.int(value.length);
      for (let i = 0; i < value.length; i++) this.frozen(value.at(i));
      return;
    }
    const sequence = value as { length?: unknown; at?: unknown };
    if (typeof sequence.length === 'number' && typeof sequence.at === 'function') {
      const at = sequence.at as (index: number) => unknown;
      const length = sequence.length;
      this.int(11);
      this.int(length);
      for (let i = 0; i < length; i++) this.value(at.call(value, i));
      return;
    }
    const record = value as Record<string, unknown>;
    const { names, digests } = fieldsOf(value);
    this.int(12);
    this.int(names.length);
    for (let i = 0; i < names.length; i++) {
      this.int(digests[i]);
      this.value(record[names[i]]);
    }
  }

  digest(): number {
    // 21 bits of one lane and 32 of the other: an exact integer below 2^53.
    return (this.h1 >>> 11) * 0x100000000 + (this.h2 >>> 0);
  }
}

/** The 53-bit digest of one value, walked as the fingerprint walks it. */
export function digestOf(value: unknown): number {
  const hasher = new Hasher();
  hasher.value(value);
  return hasher.digest();
}

/** The digest of a message in flight: who sends what to whom, not its id or timing. */
export function messageDigest(record: MessageRecord): number {
  let digest = frozenDigests.get(record);
  if (digest !== undefined) return digest;
  const hasher = new Hasher();
  hasher.value(record.from);
  hasher.value(record.to);
  hasher.frozen(record.message);
  digest = hasher.digest();
  frozenDigests.set(record, digest);
  return digest;
}

/** Messages in flight that can still arrive (not doomed by the network), by id. */
export function liveMessages(world: World): MessageRecord[] {
  return world.queue.queuedMessages(kindCode.deliver).sort((a, b) => a.id - b.id);
}

/**
 * A replica's times as the protocol reads them, relative to the clock: it only ever compares a
 * time with `now` (a deadline that has passed, how long ago it heard its primary), never reads the
 * clock's absolute value, and nothing sent carries a time. So two states a time shift apart behave
 * alike, and the fingerprint leaves the clock out. A deadline already passed fires now, however long
 * ago it passed (controlled mode fires nothing by itself), so it counts as 0; a primary heard longer
 * ago than the replica's primary timeout counts as that timeout (pre_view_change compares the two).
 */
function timesOf(replica: Replica, now: number, hasher: Hasher): void {
  const deadlines = replica.deadlines;
  for (const timer of timerKinds) {
    const deadline = deadlines[timer];
    hasher.int(deadline === Infinity ? -1 : Math.max(0, deadline - now));
  }
  hasher.int(Math.min(now - replica.primaryHeardAt, replica.primaryTimeoutMs()));
}

/**
 * The fingerprint of an explored state: the world, and the crashes its path has used. With `asSet`
 * (the set network), the messages in flight count as a set.
 */
export function fingerprint(world: World, crashesUsed: number, asSet = false): number {
  const hasher = new Hasher();
  hasher.int(crashesUsed);
  hasher.value(world.replicas);
  for (const replica of world.replicas) if (replica !== null) timesOf(replica, world.now, hasher);
  hasher.value(world.clients);
  let inFlight = liveMessages(world).map(messageDigest);
  inFlight.sort((a, b) => a - b);
  // The set network: copies of a message count once.
  if (asSet) inFlight = inFlight.filter((digest, i) => i === 0 || digest !== inFlight[i - 1]);
  hasher.int(inFlight.length);
  for (const digest of inFlight) hasher.num(digest);
  hasher.value(world.network);
  hasher.value(world.paused);
  hasher.value(world.pausedInbox.map((inbox) => inbox.map(messageDigest)));
  hasher.value(world.rngs.faults);
  hasher.value(world.checkers);
  return hasher.digest();
}
