// Redis as the meeting point of the checkout's health: every node writes its own reading (one
// field per node of one hash), and each event's ticker reads them all and combines them — the
// worst latency and lag of any node, the sum of what is queued or in flight. A node that stopped
// writing is dropped after healthStaleMs, so a dead node's last bad reading never holds the rate down.
import { assert } from "@stampede/shared/assert";
import { healthyCheckout, type CheckoutHealth } from "@stampede/shared/core/admission-control";
import { redisKey, type Redis } from "./connection.js";

/** A node's reading older than this is gone (nodes write once a second). */
export const healthStaleMs = 3_000;
/** The most holds a second any node has answered is remembered this long: a new sale starts near it. */
export const paceMemorySeconds = 24 * 3_600;

interface StoredReading extends CheckoutHealth {
  atMs: number;
}

export interface CombinedHealth extends CheckoutHealth {
  /** Nodes whose reading is fresh. */
  nodes: number;
}

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

export function combineHealth(readings: readonly CheckoutHealth[]): CheckoutHealth {
  return readings.reduce<CheckoutHealth>(
    (all, r) => ({
      overloadRefusals: all.overloadRefusals + r.overloadRefusals,
      holdP95Ms: maxOf(all.holdP95Ms, r.holdP95Ms),
      settlementLagMs: maxOf(all.settlementLagMs, r.settlementLagMs),
      poolWaits: Math.max(all.poolWaits, r.poolWaits),
      holdsInFlight: all.holdsInFlight + r.holdsInFlight,
      webhooksWaiting: all.webhooksWaiting + r.webhooksWaiting,
      // A node that does not know the figure yet (an older one) adds nothing.
      holdsPerSecond: all.holdsPerSecond + (r.holdsPerSecond ?? 0),
    }),
    healthyCheckout,
  );
}

export class CheckoutHealthStore {
  private readonly key: string;
  private readonly paceKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = redisKey(prefix, "checkout-health");
    this.paceKey = redisKey(prefix, "checkout-pace");
  }

  async publish(nodeId: string, health: CheckoutHealth, nowMs: number): Promise<void> {
    assert(nodeId.length > 0, "empty node id");
    const stored: StoredReading = { ...health, atMs: nowMs };
    await this.redis.hset(this.key, nodeId, JSON.stringify(stored));
    if (health.holdsPerSecond > ((await this.pace()) ?? 0)) {
      await this.redis.set(this.paceKey, String(health.holdsPerSecond), "EX", paceMemorySeconds);
    }
  }

  /** The most holds a second one node has answered lately (null: none remembered). Two nodes racing
   * to raise it may leave the lower of their two: it is a starting point, not a promise. */
  async pace(): Promise<number | null> {
    const value = Number(await this.redis.get(this.paceKey));
    return Number.isFinite(value) && value > 0 ? value : null;
  }

  /** Every fresh node's reading combined; stale nodes are removed. */
  async read(nowMs: number): Promise<CombinedHealth> {
    const all = await this.redis.hgetall(this.key);
    const fresh: CheckoutHealth[] = [];
    const stale: string[] = [];
    for (const [node, text] of Object.entries(all)) {
      const reading = parseReading(text);
      if (reading && nowMs - reading.atMs <= healthStaleMs) fresh.push(reading);
      else stale.push(node);
    }
    if (stale.length > 0) await this.redis.hdel(this.key, ...stale);
    return { ...combineHealth(fresh), nodes: fresh.length };
  }
}

function parseReading(text: string): StoredReading | null {
  try {
    const r = JSON.parse(text) as Partial<StoredReading>;
    return typeof r.atMs === "number" && typeof r.holdsInFlight === "number" ? (r as StoredReading) : null;
  } catch {
    return null;
  }
}
