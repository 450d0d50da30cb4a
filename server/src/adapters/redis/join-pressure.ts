// How fast joins arrive at an event, per client subnet and overall, for the bot defence
// (services/waiting-room/join-challenge.ts): a sliding minute estimated from two fixed one-minute
// buckets (the previous one weighted by how much of it the window still covers), so a join costs
// one MULTI and no per-join member. Also the "raised until" marks and the used solutions (single use).
// Every key of an event carries its hash tag {<eventId>}: one slot, so the MULTI works on a Redis Cluster.
import { redisKey, type Redis } from "./connection.js";

const minuteMs = 60_000;

export interface JoinPressure {
  /** Joins over the last minute from the subnet, estimated. */
  subnetPerMinute: number;
  eventPerMinute: number;
  /** Until when (ms) the challenge is raised for the subnet / for everyone; 0 when it is not. */
  subnetRaisedUntilMs: number;
  eventRaisedUntilMs: number;
}

export class JoinPressureStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(eventId: string, ...parts: string[]): string {
    return redisKey(this.prefix, "bot", `{${eventId}}`, ...parts);
  }

  /** Counts one join attempt from `subnet` at nowMs, and reads the rates and the raised marks. */
  async count(eventId: string, subnet: string, nowMs: number): Promise<JoinPressure> {
    const minute = Math.floor(nowMs / minuteMs);
    const covered = 1 - (nowMs % minuteMs) / minuteMs;
    const subnetNow = this.key(eventId, "s", subnet, String(minute));
    const eventNow = this.key(eventId, "e", String(minute));
    const results = await this.redis
      .multi()
      .incr(subnetNow)
      .pexpire(subnetNow, 2 * minuteMs)
      .get(this.key(eventId, "s", subnet, String(minute - 1)))
      .incr(eventNow)
      .pexpire(eventNow, 2 * minuteMs)
      .get(this.key(eventId, "e", String(minute - 1)))
      .get(this.key(eventId, "raised", "s", subnet))
      .get(this.key(eventId, "raised", "e"))
      .exec();
    const value = (i: number): number => {
      const entry = results?.[i];
      if (!entry || entry[0]) throw entry?.[0] ?? new Error("join pressure: no answer from Redis");
      return Number(entry[1] ?? 0);
    };
    return {
      subnetPerMinute: value(0) + value(2) * covered,
      eventPerMinute: value(3) + value(5) * covered,
      subnetRaisedUntilMs: value(6),
      eventRaisedUntilMs: value(7),
    };
  }

  /** Raises the challenge for the subnet (or, subnet null, for everyone) until untilMs. */
  async raise(eventId: string, subnet: string | null, untilMs: number, nowMs: number): Promise<void> {
    const key = subnet === null ? this.key(eventId, "raised", "e") : this.key(eventId, "raised", "s", subnet);
    await this.redis.set(key, String(untilMs), "PX", Math.max(1, untilMs - nowMs));
  }

  /** Until when the challenge is raised for everyone (0: not raised). */
  async eventRaisedUntil(eventId: string): Promise<number> {
    return Number((await this.redis.get(this.key(eventId, "raised", "e"))) ?? 0);
  }

  /** Marks a verified solution used (its signature) for ttlMs; false when it was used before. */
  async claim(eventId: string, signature: string, ttlMs: number): Promise<boolean> {
    const key = this.key(eventId, "used", signature);
    return (await this.redis.set(key, "1", "PX", Math.max(1_000, ttlMs), "NX")) === "OK";
  }
}
