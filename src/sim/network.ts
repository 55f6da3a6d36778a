/**
 * The network model: directed links that can be cut, partitions as groups, random latency with a
 * floor and a cap, drop and duplicate rates, and drop rules from the scenario. Reordering falls out
 * of random latency.
 */
import type { MessageType, NodeId } from '../protocol/index.ts';
import type { Rng } from './rng.ts';
import type { LossReason } from './trace.ts';
import type { NetworkParams } from './scenario-types.ts';

interface DropRule {
  readonly from?: NodeId;
  readonly to?: NodeId;
  readonly message?: MessageType;
  remaining: number;
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

/**
 * One message's trip as the network decided it. Network.route() fills in and returns the same
 * object every time (valid until the next route): no object per message on the hot path.
 */
export interface Trip {
  /** When it arrives, or, for a lost message, when it would have. */
  deliverAt: number;
  /** Why it is lost, or null when it arrives. */
  lossReason: LossReason | null;
  /** When a network duplicate of it arrives, or null when there is none. */
  duplicateDeliverAt: number | null;
}

export class Network {
  params: NetworkParams;
  /** Directed links cut by hand ("from>to"). */
  cuts = new Set<string>();
  /** Replica -> group index; clients not listed reach everyone. null when not partitioned. */
  groups: Map<NodeId, number> | null = null;
  rules: DropRule[] = [];

  private readonly trip: Trip = { deliverAt: 0, lossReason: null, duplicateDeliverAt: null };

  constructor(params: NetworkParams) {
    this.params = params;
  }

  /** Why a message from -> to cannot pass right now, or null when the link is up. */
  blocked(from: NodeId, to: NodeId): LossReason | null {
    if (this.cuts.size > 0 && this.cuts.has(linkKey(from, to))) return 'cut';
    if (this.groups !== null) {
      const a = this.groups.get(from);
      const b = this.groups.get(to);
      if (a !== undefined && b !== undefined && a !== b) return 'partition';
    }
    return null;
  }

  /**
   * Decides one message's trip. Always three draws (latency, drop, duplicate), so rates never shift
   * later draws. The trip returned is reused by the next call.
   */
  route(from: NodeId, to: NodeId, type: MessageType, now: number, rng: Rng): Trip {
    const latency = this.params.latencyMs;
    const min = latency[0];
    const max = latency[1];
    const deliverAt = now + rng.int(min, max);
    const dropDraw = rng.next();
    const duplicateDraw = rng.next();
    let lossReason: LossReason | null =
      this.cuts.size > 0 || this.groups !== null ? this.blocked(from, to) : null;
    if (lossReason === null && this.rules.length > 0 && this.matchRule(from, to, type)) lossReason = 'rule';
    if (lossReason === null && dropDraw < this.params.dropRate) lossReason = 'network';
    const duplicated = lossReason === null && duplicateDraw < this.params.duplicateRate;
    const trip = this.trip;
    trip.deliverAt = deliverAt;
    trip.lossReason = lossReason;
    trip.duplicateDeliverAt = duplicated ? now + rng.int(min, max) : null;
    return trip;
  }

  private matchRule(from: NodeId, to: NodeId, type: MessageType): boolean {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.from !== undefined && rule.from !== from) continue;
      if (rule.to !== undefined && rule.to !== to) continue;
      if (rule.message !== undefined && rule.message !== type) continue;
      rule.remaining--;
      if (rule.remaining === 0) this.rules = this.rules.filter((r) => r.remaining > 0);
      return true;
    }
    return false;
  }

  addRule(rule: DropRule): void {
    this.rules = [...this.rules, rule];
  }

  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to));
  }

  mend(from: NodeId, to: NodeId): void {
    this.cuts.delete(linkKey(from, to));
  }

  partition(groups: readonly (readonly NodeId[])[]): void {
    const map = new Map<NodeId, number>();
    groups.forEach((group, index) => group.forEach((node) => map.set(node, index)));
    this.groups = map;
  }

  heal(): void {
    this.cuts.clear();
    this.groups = null;
  }

  isHealed(): boolean {
    return this.cuts.size === 0 && this.groups === null && this.params.dropRate === 0;
  }

  cutLinks(): { from: string; to: string }[] {
    return [...this.cuts].map((key) => {
      const [from, to] = key.split('>');
      return { from, to };
    });
  }

  clone(): Network {
    const copy = new Network(this.params);
    copy.cuts = new Set(this.cuts);
    copy.groups = this.groups === null ? null : new Map(this.groups);
    copy.rules = this.rules.map((rule) => ({ ...rule }));
    return copy;
  }
}
