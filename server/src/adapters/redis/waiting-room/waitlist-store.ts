// The waiting list after a sell-out, beside the room's keys (same hash tag, so one Cluster slot):
// who is on the list and how each entry stands. The order is the room's line itself — the list
// only marks fans whose place is kept while their page is closed, and the offers the room made
// them (an admission while on the list) with their deadlines.
//   wl:waiting  ZSET fan → joined ms: on the list, still in line
//   wl:offers   ZSET fan → claim deadline ms: offered a returned ticket
//   wl:fans     HASH fan → JSON of the entry as stored (StoredWaitlistEntry)
import type { Redis } from "../connection.js";
import { waitingRoomKeyPrefix } from "./keys.js";

export type StoredWaitlistState = "waiting" | "offered" | "left";

export interface StoredWaitlistEntry {
  state: StoredWaitlistState;
  joinedAtMs: number;
  /** The offer: the admission the room gave the fan while on the list, and its deadline. */
  jti?: string;
  deadlineMs?: number;
}

export interface WaitlistOffer {
  fanId: string;
  jti: string;
  expiresAtMs: number;
}

function keysOf(prefix: string, eventId: string) {
  const base = `${waitingRoomKeyPrefix(prefix, eventId)}:wl`;
  return { waiting: `${base}:waiting`, offers: `${base}:offers`, fans: `${base}:fans` };
}

function parse(raw: string | null | undefined): StoredWaitlistEntry | null {
  return raw ? (JSON.parse(raw) as StoredWaitlistEntry) : null;
}

export class WaitlistStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(eventId: string, fanId: string): Promise<StoredWaitlistEntry | null> {
    return parse(await this.redis.hget(keysOf(this.prefix, eventId).fans, fanId));
  }

  /** On the list (again): waiting from nowMs. */
  async add(eventId: string, fanId: string, nowMs: number): Promise<StoredWaitlistEntry> {
    const k = keysOf(this.prefix, eventId);
    const entry: StoredWaitlistEntry = { state: "waiting", joinedAtMs: nowMs };
    await this.redis
      .multi()
      .zadd(k.waiting, nowMs, fanId)
      .zrem(k.offers, fanId)
      .hset(k.fans, fanId, JSON.stringify(entry))
      .exec();
    return entry;
  }

  /** Off the list; what it was, kept as left (null: was never on it). */
  async leave(eventId: string, fanId: string): Promise<StoredWaitlistEntry | null> {
    const k = keysOf(this.prefix, eventId);
    const before = await this.get(eventId, fanId);
    if (!before) return null;
    const left: StoredWaitlistEntry = { ...before, state: "left" };
    await this.redis
      .multi()
      .zrem(k.waiting, fanId)
      .zrem(k.offers, fanId)
      .hset(k.fans, fanId, JSON.stringify(left))
      .exec();
    return left;
  }

  /** Of these fans, those waiting on the list. */
  async waitingAmong(eventId: string, fanIds: readonly string[]): Promise<Set<string>> {
    if (fanIds.length === 0) return new Set();
    const scores = await this.redis.zmscore(keysOf(this.prefix, eventId).waiting, ...fanIds);
    return new Set(fanIds.filter((_, i) => scores[i] !== null));
  }

  /** Of these fans, those whose place (or open claim, until its deadline) the list keeps while they are away. */
  async keptAmong(eventId: string, fanIds: readonly string[], nowMs: number): Promise<Set<string>> {
    if (fanIds.length === 0) return new Set();
    const k = keysOf(this.prefix, eventId);
    const [waiting, offers] = await Promise.all([
      this.redis.zmscore(k.waiting, ...fanIds),
      this.redis.zmscore(k.offers, ...fanIds),
    ]);
    return new Set(fanIds.filter((_, i) => waiting[i] !== null || (offers[i] !== null && Number(offers[i]) > nowMs)));
  }

  /** The room admitted these fans: those waiting on the list now hold an offer until their admission ends. */
  async markOffered(eventId: string, admitted: readonly WaitlistOffer[]): Promise<WaitlistOffer[]> {
    if (admitted.length === 0) return [];
    const k = keysOf(this.prefix, eventId);
    const listed = await this.waitingAmong(
      eventId,
      admitted.map((a) => a.fanId),
    );
    const offers = admitted.filter((a) => listed.has(a.fanId));
    if (offers.length === 0) return [];
    const stored = await this.redis.hmget(k.fans, ...offers.map((o) => o.fanId));
    const tx = this.redis.multi();
    offers.forEach((o, i) => {
      const before = parse(stored[i]);
      const entry: StoredWaitlistEntry = {
        state: "offered",
        joinedAtMs: before?.joinedAtMs ?? o.expiresAtMs,
        jti: o.jti,
        deadlineMs: o.expiresAtMs,
      };
      tx.zrem(k.waiting, o.fanId).zadd(k.offers, o.expiresAtMs, o.fanId).hset(k.fans, o.fanId, JSON.stringify(entry));
    });
    await tx.exec();
    return offers;
  }

  /** Fans waiting on the list, and offers whose claim is still open at nowMs. */
  async counts(eventId: string, nowMs: number): Promise<{ waiting: number; openOffers: number }> {
    const k = keysOf(this.prefix, eventId);
    // One round trip: every tick of an event asks.
    const replies = await this.redis.multi().zcard(k.waiting).zcount(k.offers, `(${nowMs}`, "+inf").exec();
    const [waiting, openOffers] = (replies ?? []).map(([err, n]) => {
      if (err) throw err;
      return Number(n);
    });
    return { waiting: waiting ?? 0, openOffers: openOffers ?? 0 };
  }

  /** A claim ended (used or run out): it no longer counts as open. */
  async closeOffer(eventId: string, fanId: string): Promise<void> {
    await this.redis.zrem(keysOf(this.prefix, eventId).offers, fanId);
  }
}
