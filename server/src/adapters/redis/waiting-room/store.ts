// The waiting room in Redis: queue numbers, admission ticks, checkout slots, the pre-queue and
// presence, one event per hash tag. Every change that must be atomic is one Lua script call;
// the caller owns the clock (nowMs), so tests drive time and all nodes agree on one tick's now.
// Outcomes come back as values; a reply of the wrong shape is a bug and fails an assertion.
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import { assert } from "@stampede/shared/assert";
import type {
  AdmitOptions,
  AdmittedFan,
  Departures,
  EntryState,
  JoinResult,
  Place,
  SetPreQueueOutcome,
  WaitingRoom,
  WaitingRoomEntry,
  WaitingRoomSnapshot,
} from "@stampede/shared/ports/waiting-room";
import { awayDueBatchFansMax, preQueueOpenBatchFansMax } from "@stampede/shared/limits";
import type { Redis } from "../connection.js";
import type { Coalesced } from "../../batching/coalesce.js";
import { joinBatches, type JoinRequest, type JoinView } from "./join-batch.js";
import { waitingRoomKeys, type WaitingRoomKeys } from "./keys.js";
import { checkTime, int, list, str } from "./replies.js";
import { entryStates, parseJoin, parsePlace, parseSnapshot } from "./room-types.js";
import { withWaitingRoomCommands, type WaitingRoomCommands } from "./scripts.js";

export type {
  Admission,
  AdmitOptions,
  AdmittedFan,
  Departures,
  EntryState,
  JoinResult,
  JoinState,
  Phase,
  Place,
  SetPreQueueOutcome,
  WaitingRoomEntry,
  WaitingRoomSnapshot,
} from "@stampede/shared/ports/waiting-room";

/** Events whose key names are kept: more than the sales that run at once on one install. */
const keyCacheEvents = 1_000;

export class WaitingRoomStore implements WaitingRoom {
  private readonly redis: Redis & WaitingRoomCommands;

  /** Joins of the same moment, one pipeline per event for them all (join-batch.ts). */
  private readonly joins: Coalesced<JoinRequest, JoinView>;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = withWaitingRoomCommands(redis);
    this.joins = joinBatches(this.redis, (eventId) => this.keys(eventId));
  }

  /** Key names of the events recently used: built once per event, not on every call. */
  private readonly keyCache = new LRUCache<string, WaitingRoomKeys>({ max: keyCacheEvents });

  /** The event's key names (for the ticker lease, tests and tools). */
  keys(eventId: string): WaitingRoomKeys {
    let keys = this.keyCache.get(eventId);
    if (!keys) {
      keys = waitingRoomKeys(this.prefix, eventId);
      this.keyCache.set(eventId, keys);
    }
    return keys;
  }

  /** Idempotent: a fan already in line gets the same state and number back. Null: the room has no
   * epoch (never made, or lost with the store's data) — make or rebuild it first (room-restore.ts). */
  async join(eventId: string, fanId: string, nowMs: number): Promise<JoinResult | null> {
    checkTime(nowMs);
    const k = this.keys(eventId);
    return parseJoin(
      await this.redis.wrJoin(k.phase, k.seq, k.q, k.pre, k.preseq, k.active, k.fan(fanId), k.epoch, fanId, nowMs),
    );
  }

  /** join, with presence marked back, the fan's place (when waiting) and the room's snapshot read
   * right after it; batched with the other joins of the moment. joined is null as for join(). */
  joinAndView(eventId: string, fanId: string, nowMs: number): Promise<JoinView> {
    return this.joins({ eventId, fanId, nowMs });
  }

  /** Out of line, and out of the checkout slot if admitted. Returns whether the fan was in. */
  async leave(eventId: string, fanId: string): Promise<boolean> {
    const k = this.keys(eventId);
    return (
      int(await this.redis.wrLeave(k.q, k.pre, k.active, k.away, k.fan(fanId), k.departed, k.departedseq, fanId)) === 1
    );
  }

  /** The fan's rank among those still waiting (ZRANK + 1) and the counters it was read with; null when not waiting. */
  async place(eventId: string, fanId: string): Promise<Place | null> {
    const k = this.keys(eventId);
    return parsePlace(await this.redis.wrPlace(k.q, k.admitted, k.departedseq, fanId));
  }

  /** Departures not yet announced (at most max, oldest first); each is handed out once. */
  async takeDepartures(eventId: string, max: number): Promise<Departures> {
    assert(Number.isSafeInteger(max) && max >= 1, `bad max ${max}`);
    const k = this.keys(eventId);
    const [fromSeq, numbers] = list(await this.redis.wrTakeDepartures(k.departed, k.departedseq, max), 2);
    return { fromSeq: int(fromSeq), numbers: list(numbers).map(int) };
  }

  /** One admission tick (one script call): expired slots out, the next fans in by number. */
  async admit(
    eventId: string,
    options: AdmitOptions,
  ): Promise<{ admitted: AdmittedFan[]; snapshot: WaitingRoomSnapshot }> {
    const { nowMs, admitPerMinute, maxActiveCheckouts, admissionTtlMs, paused } = options;
    checkTime(nowMs);
    assert(Number.isSafeInteger(admitPerMinute) && admitPerMinute >= 1, `bad admitPerMinute ${admitPerMinute}`);
    assert(
      Number.isSafeInteger(maxActiveCheckouts) && maxActiveCheckouts >= 0,
      `bad maxActiveCheckouts ${maxActiveCheckouts}`,
    );
    assert(Number.isSafeInteger(admissionTtlMs) && admissionTtlMs > 0, `bad admissionTtlMs ${admissionTtlMs}`);
    const stockRoom = options.stockRoom ?? -1;
    assert(Number.isSafeInteger(stockRoom) && stockRoom >= -1, `bad stockRoom ${stockRoom}`);
    const k = this.keys(eventId);
    // A random nonce per tick plus the admission counter: unique per admission, even across a Redis flush.
    const nonce = randomBytes(12).toString("base64url");
    const reply = await this.redis.wrAdmit(
      ...[k.q, k.active, k.cursor, k.bucket, k.admitted, k.phase, k.pre, k.seq, k.epoch],
      ...[
        nowMs,
        admitPerMinute,
        maxActiveCheckouts,
        nowMs + admissionTtlMs,
        paused ? 1 : 0,
        nonce,
        k.fanKeyBase,
        stockRoom,
      ],
    );
    const [flat, snapshot] = list(reply, 2);
    const fields = list(flat);
    assert(fields.length % 4 === 0, "admit reply not in fours");
    const admitted: AdmittedFan[] = [];
    for (let i = 0; i < fields.length; i += 4) {
      admitted.push({
        fanId: str(fields[i]),
        queueNumber: int(fields[i + 1]),
        jti: str(fields[i + 2]),
        expiresAtMs: int(fields[i + 3]),
      });
    }
    return { admitted, snapshot: parseSnapshot(snapshot) };
  }

  /** Frees the slot of this admission only; a stale jti frees nothing. Returns whether it did. */
  async releaseSlot(eventId: string, fanId: string, jti: string): Promise<boolean> {
    const k = this.keys(eventId);
    return int(await this.redis.wrRelease(k.active, k.fan(fanId), fanId, jti)) === 1;
  }

  async snapshot(eventId: string): Promise<WaitingRoomSnapshot> {
    const k = this.keys(eventId);
    return parseSnapshot(
      await this.redis.wrSnapshot(k.phase, k.cursor, k.q, k.pre, k.active, k.admitted, k.seq, k.epoch),
    );
  }

  /** The fan's place as stored, or null when they are not in this room. */
  async entry(eventId: string, fanId: string): Promise<WaitingRoomEntry | null> {
    const h = await this.redis.hgetall(this.keys(eventId).fan(fanId));
    if (h.state === undefined) return null;
    assert(entryStates.includes(h.state), `unknown fan state ${h.state}`);
    const entry: WaitingRoomEntry = {
      state: h.state as EntryState,
      queueNumber: h.number === undefined ? null : int(h.number),
      joinedAtMs: int(h.joinedAt ?? "0"),
    };
    if (h.jti !== undefined) entry.admission = { jti: h.jti, expiresAtMs: int(h.expiresAt) };
    return entry;
  }

  /** Joins collect in the pre-queue until openPreQueue; only before anyone holds a number. */
  async setPreQueue(eventId: string): Promise<SetPreQueueOutcome> {
    const k = this.keys(eventId);
    const outcome = str(await this.redis.wrSetPreQueue(k.phase, k.seq));
    if (outcome === "pre") return { kind: "pre_queue" };
    assert(outcome === "opening" || outcome === "already_numbered", `unknown outcome ${outcome}`);
    return { kind: outcome };
  }

  /** Pre-queued fans in arrival order (the FIFO order; the lottery reorders them). */
  async preQueueMembers(eventId: string): Promise<string[]> {
    return this.redis.zrange(this.keys(eventId).pre, 0, -1);
  }

  /**
   * Numbers the pre-queue 1..P in the given order, in batches, then latecomers who joined during
   * the opening in arrival order; the room opens in the call that empties the pre-queue. Safe to
   * call again after a crash (with the order of those still waiting). Returns how many got numbers.
   */
  async openPreQueue(eventId: string, orderedFanIds: readonly string[]): Promise<number> {
    assert(new Set(orderedFanIds).size === orderedFanIds.length, "duplicate fan ids in the opening order");
    const k = this.keys(eventId);
    const keys = [k.phase, k.seq, k.q, k.pre];
    let total = 0;
    for (let i = 0; i < orderedFanIds.length; i += preQueueOpenBatchFansMax) {
      const batch = orderedFanIds.slice(i, i + preQueueOpenBatchFansMax);
      const [numbered] = list(
        await this.redis.wrOpenPreQueue(...keys, k.fanKeyBase, preQueueOpenBatchFansMax, ...batch),
        2,
      );
      total += int(numbered);
    }
    for (;;) {
      const [numbered, phase] = list(
        await this.redis.wrOpenPreQueue(...keys, k.fanKeyBase, preQueueOpenBatchFansMax),
        2,
      );
      total += int(numbered);
      if (str(phase) === "open") return total;
      // Still opening means the pre-queue was not empty, so this call must have numbered someone.
      assert(int(numbered) > 0, "opening made no progress");
    }
  }

  /** A fan's last socket went away: the grace starts now (an earlier start is kept). */
  async markAway(eventId: string, fanId: string, nowMs: number): Promise<void> {
    checkTime(nowMs);
    await this.redis.zadd(this.keys(eventId).away, "NX", nowMs, fanId);
  }

  async markBack(eventId: string, fanId: string): Promise<void> {
    await this.redis.zrem(this.keys(eventId).away, fanId);
  }

  /** Fans away since before cutoffMs (at most a batch); the caller checks sockets, then leave or markBack. */
  async dueAway(eventId: string, cutoffMs: number): Promise<string[]> {
    checkTime(cutoffMs);
    return this.redis.zrangebyscore(this.keys(eventId).away, "-inf", `(${cutoffMs}`, "LIMIT", 0, awayDueBatchFansMax);
  }
}
