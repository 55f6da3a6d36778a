/**
 * Quorum counting. Votes are counted per distinct replica (a bitmask: at most 9 replicas), and
 * add() reports reaching the threshold exactly once: duplicates and late votes change nothing.
 */
import { assert } from './assert.ts';
import type { ReplicaId } from './types.ts';

export class QuorumTally {
  private mask = 0;
  private votes = 0;
  private fired = false;

  constructor(readonly threshold: number) {
    assert(threshold >= 0, 'a quorum threshold is never negative');
  }

  /** Records a vote; returns true exactly once, on the vote that reaches the threshold. */
  add(replica: ReplicaId): boolean {
    const bit = 1 << replica;
    if ((this.mask & bit) === 0) {
      this.mask |= bit;
      this.votes++;
    }
    return this.checkReached();
  }

  /**
   * Takes back a vote (its voter restarted and forgot it: crash vectors). Returns whether there was
   * one. A quorum that already fired stays fired: what it triggered was sent.
   */
  remove(replica: ReplicaId): boolean {
    const bit = 1 << replica;
    if ((this.mask & bit) === 0) return false;
    this.mask &= ~bit;
    this.votes--;
    return true;
  }

  /** For a zero threshold the quorum is reached with no vote at all. */
  checkReached(): boolean {
    if (this.fired || this.votes < this.threshold) return false;
    this.fired = true;
    return true;
  }

  has(replica: ReplicaId): boolean {
    return (this.mask & (1 << replica)) !== 0;
  }

  get count(): number {
    return this.votes;
  }

  get reached(): boolean {
    return this.votes >= this.threshold;
  }

  voters(): ReplicaId[] {
    const out: ReplicaId[] = [];
    for (let replica = 0; replica < 32; replica++) if (this.has(replica)) out.push(replica);
    return out;
  }

  clone(): QuorumTally {
    const copy = new QuorumTally(this.threshold);
    copy.mask = this.mask;
    copy.votes = this.votes;
    copy.fired = this.fired;
    return copy;
  }
}

/**
 * The highest op-number held by at least `required` of the given replicas, from each replica's
 * cumulative acknowledgement ("I hold everything up to n"). Used by the primary to commit.
 */
export function ackWatermark(acks: ArrayLike<number>, exclude: ReplicaId, required: number): number {
  if (required <= 0) return Infinity;
  // At most 8 others: counting beats sorting, and allocates nothing on this hot path.
  let best = 0;
  for (let candidate = 0; candidate < acks.length; candidate++) {
    if (candidate === exclude || acks[candidate] <= best) continue;
    let holders = 0;
    for (let replica = 0; replica < acks.length; replica++)
      if (replica !== exclude && acks[replica] >= acks[candidate]) holders++;
    if (holders >= required) best = acks[candidate];
  }
  return best;
}
