// The waiting list after a sell-out. A fan on a sold-out sale joins it: they keep (or get) their
// place in the room's line, and the place is kept while their page is closed (the ticker's presence
// sweep passes them by). Stock that comes back is admitted in line order as always; an admission
// made to a fan on the list is their offer — a timed claim (the admission's TTL) on the normal
// checkout path — which the ticker marks (markOffered), counts against the stock it admits for
// (openClaims) and mails to signed-in fans. An offer nobody used ends with its admission, and the
// room's next tick admits the next fan in line for the ticket.
import type { Clock } from "@stampede/shared/ports/clock";
import type { WaitingRoom, WaitingRoomEntry } from "@stampede/shared/ports/waiting-room";
import type { WaitlistEntry, WaitlistView } from "@stampede/shared/api/waitlist";
import type { AdmittedFan } from "@stampede/shared/ports/waiting-room";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { WaitlistRepo } from "../../adapters/postgres/waitlist-repo.js";
import type { StoredWaitlistEntry, WaitlistStore } from "../../adapters/redis/waiting-room/waitlist-store.js";
import { DomainError } from "../errors.js";
import { stockTotals, type StockCache } from "./stock-cache.js";
import type { WaitingRoomService } from "./waiting-room-service.js";

export interface WaitlistDeps {
  room: WaitingRoomService;
  store: Pick<WaitingRoom, "entry" | "place" | "leave">;
  list: WaitlistStore;
  repo: WaitlistRepo;
  stock: StockCache;
  now?: Clock;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A tick's stock room while a waiting list is open: the tickets available less the claims still
 * open (each is one fan's ticket), and never more than the plan's own room (auto admission). */
export function stockRoomWithClaims(planRoom: number | undefined, available: number, openClaims: number): number {
  const left = Math.max(0, available - openClaims);
  return Math.min(planRoom ?? left, left);
}

export class WaitlistService {
  private readonly now: Clock;

  constructor(private readonly deps: WaitlistDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Whether the list takes fans now: the sale is on (or sold out) and nothing is left to buy. A join
   * reads the stock afresh; the polls share the cached reading (one ledger read per tick, not per fan). */
  async open(event: EventRecord, fresh = false): Promise<boolean> {
    if (event.status !== "on_sale" && event.status !== "sold_out") return false;
    if (fresh) this.deps.stock.forget(event.id);
    return stockTotals(await this.deps.stock.get(event)).available === 0;
  }

  async view(eventId: string, fanId: string): Promise<WaitlistView> {
    const event = await this.event(eventId);
    const stored = await this.deps.list.get(eventId, fanId);
    const entry = stored ? await this.entryView(eventId, fanId, stored) : null;
    const [open, counts] = await Promise.all([this.open(event), this.deps.list.counts(eventId, this.now())]);
    return { entry, open, waiting: counts.waiting };
  }

  /** Onto the list (idempotent while on it); refused unless the sale is sold out, nothing written. */
  async join(eventId: string, fanId: string, admit: () => Promise<void> = async () => {}): Promise<WaitlistView> {
    const event = await this.event(eventId);
    const stored = await this.deps.list.get(eventId, fanId);
    const current = stored ? await this.entryView(eventId, fanId, stored) : null;
    if (current && (current.state === "waiting" || current.state === "offered")) return this.view(eventId, fanId);
    if (!(await this.open(event, true)))
      throw new DomainError("waitlist_unavailable", "the waiting list opens only when the sale is sold out");
    await admit(); // the join's own checks (bot defence) before the fan is put in line
    const joined = await this.deps.room.join(eventId, fanId);
    if (joined.kind !== "joined") throw new DomainError("waitlist_unavailable", "the sale is closed");
    await this.deps.list.add(eventId, fanId, this.now());
    return this.view(eventId, fanId);
  }

  /** Off the list and out of line (an open claim is given up: the ticket goes to the next fan). */
  async leave(eventId: string, fanId: string): Promise<WaitlistView> {
    await this.event(eventId);
    const stored = await this.deps.list.get(eventId, fanId);
    if (stored && stored.state !== "left") {
      const view = await this.entryView(eventId, fanId, stored);
      if (view.state === "waiting" || view.state === "offered") await this.deps.store.leave(eventId, fanId);
      await this.deps.list.leave(eventId, fanId);
    }
    return this.view(eventId, fanId);
  }

  /** The ticker: of these fans (away past the grace), those whose place or open claim the list keeps
   * (a fan told by email may be away when the offer comes, or close the page and come back to it). */
  keeps(eventId: string, fanIds: readonly string[]): Promise<Set<string>> {
    return this.deps.list.keptAmong(eventId, fanIds, this.now());
  }

  /** The ticker admitted these fans: those on the list hold an offer now; signed-in ones are mailed. */
  async offered(eventId: string, admitted: readonly AdmittedFan[]): Promise<string[]> {
    const offers = await this.deps.list.markOffered(eventId, admitted);
    await this.deps.repo.addNotices(eventId, offers);
    return offers.map((o) => o.fanId);
  }

  /** The dashboard's figures: fans waiting on the list and claims open now. */
  async figures(eventId: string): Promise<{ waiting: number; openClaims: number }> {
    await this.event(eventId);
    const { waiting, openOffers } = await this.deps.list.counts(eventId, this.now());
    return { waiting, openClaims: openOffers };
  }

  /** The ticker: claims still open, which the stock it admits for must leave alone; null: no list. */
  async openClaims(eventId: string): Promise<number | null> {
    const { waiting, openOffers } = await this.deps.list.counts(eventId, this.now());
    return waiting === 0 && openOffers === 0 ? null : openOffers;
  }

  private async event(eventId: string): Promise<EventRecord> {
    const event = await this.deps.room.event(eventId);
    if (!event) throw new DomainError("not_found", "no such event");
    return event;
  }

  private async entryView(eventId: string, fanId: string, stored: StoredWaitlistEntry): Promise<WaitlistEntry> {
    const base = { eventId, joinedAt: iso(stored.joinedAtMs), position: null, admission: null, reason: null };
    const deadline = stored.deadlineMs === undefined ? null : iso(stored.deadlineMs);
    if (stored.state === "left") return { ...base, state: "left", claimDeadline: deadline };
    const room = await this.deps.store.entry(eventId, fanId);
    if (stored.state === "waiting") return this.waitingView(eventId, fanId, room, base);
    const jti = stored.jti ?? "";
    if (await this.deps.repo.claimed(fanId, jti)) {
      await this.deps.list.closeOffer(eventId, fanId);
      return { ...base, state: "claimed", claimDeadline: deadline };
    }
    const live = room?.state === "admitted" && room.admission?.jti === jti && room.admission.expiresAtMs > this.now();
    if (live && room.admission) {
      const admission = await this.deps.room.admissionToken(eventId, fanId, room.admission);
      return { ...base, state: "offered", claimDeadline: deadline, admission };
    }
    await this.deps.list.closeOffer(eventId, fanId);
    return { ...base, state: "expired", claimDeadline: deadline, reason: "claim_expired" };
  }

  /** On the list and in line; admitted before the ticker marked it: offered; out of line: left. */
  private async waitingView(
    eventId: string,
    fanId: string,
    room: WaitingRoomEntry | null,
    base: Omit<WaitlistEntry, "state" | "claimDeadline">,
  ): Promise<WaitlistEntry> {
    if (room?.state === "waiting" || room?.state === "pre_queue") {
      const place = await this.deps.store.place(eventId, fanId);
      return { ...base, state: "waiting", position: place?.position ?? null, claimDeadline: null };
    }
    if (room?.state === "admitted" && room.admission && room.admission.expiresAtMs > this.now()) {
      const admission = await this.deps.room.admissionToken(eventId, fanId, room.admission);
      return { ...base, state: "offered", claimDeadline: admission.expiresAt, admission };
    }
    await this.deps.list.leave(eventId, fanId); // out of line by other means (left the queue): off the list too
    return { ...base, state: "left", claimDeadline: null };
  }
}
