// Where an event's admission controller keeps its state (so a ticker that takes over the lease
// carries on from the same rate), its recent steps (what the dashboard charts: the rate against
// the checkout's latency), and the fans refused at a hold for want of stock lately (stock-aware
// admission stops waiting for them: fansAboutToOrder). One key each, under the event's hash tag.
import type { CheckoutHealth, SteerReason, SteerState } from "@stampede/shared/core/admission-control";
import type { AdmissionMode } from "@stampede/shared/api/events";
import type { Redis } from "../connection.js";
import type { WaitingRoomKeys } from "./keys.js";

/** Steps kept for the chart: ten minutes at one a second. */
export const steerLogMax = 600;

export interface SteeringRecord {
  mode: AdmissionMode;
  state: SteerState;
  /** Why the rate is what it is (manual: the operator set it). */
  reason: SteerReason | "manual";
  health: CheckoutHealth;
  /** Fans the stock left could still serve (auto), null when not counted (manual). */
  stockRoom: number | null;
  atMs: number;
}

/** One step on the chart. */
export interface SteerPoint {
  atMs: number;
  ratePerMinute: number;
  reason: SteerReason | "manual";
  holdP95Ms: number | null;
  settlementLagMs: number | null;
}

export class SteeringStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: (eventId: string) => WaitingRoomKeys,
  ) {}

  async load(eventId: string): Promise<SteeringRecord | null> {
    const text = await this.redis.get(this.keys(eventId).steer);
    return text ? parse<SteeringRecord>(text) : null;
  }

  /** Saves the state; with a point, adds it to the chart's log (trimmed to steerLogMax). */
  async save(eventId: string, record: SteeringRecord, point?: SteerPoint): Promise<void> {
    const k = this.keys(eventId);
    const tx = this.redis.multi().set(k.steer, JSON.stringify(record));
    if (point) tx.lpush(k.steerlog, JSON.stringify(point)).ltrim(k.steerlog, 0, steerLogMax - 1);
    await tx.exec();
  }

  /** A fan was refused at a hold for want of stock (once per fan: a later refusal moves its time). */
  async noteStockRefusal(eventId: string, fanId: string, atMs: number, keptMs: number): Promise<void> {
    const key = this.keys(eventId).refused;
    await this.redis
      .multi()
      .zadd(key, atMs, fanId)
      .zremrangebyscore(key, "-inf", `(${atMs - keptMs}`)
      .pexpire(key, keptMs)
      .exec();
  }

  /** Fans refused for want of stock at sinceMs or later. */
  async stockRefusedSince(eventId: string, sinceMs: number): Promise<number> {
    return this.redis.zcount(this.keys(eventId).refused, sinceMs, "+inf");
  }

  /** The last `count` steps, oldest first. */
  async history(eventId: string, count = steerLogMax): Promise<SteerPoint[]> {
    const items = await this.redis.lrange(this.keys(eventId).steerlog, 0, count - 1);
    return items
      .map((text) => parse<SteerPoint>(text))
      .filter((p): p is SteerPoint => p !== null)
      .reverse();
  }
}

function parse<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
