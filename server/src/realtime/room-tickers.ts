// The per-event tickers. Every node runs this loop; for each live event only the holder of the
// event's lease works: it opens the pre-queue at opensAt (FIFO or lottery), admits the next fans
// once per tick (rate budget + free checkout slots), pushes one queue:status frame to the event
// room with the queue numbers of fans who left the line since the last one (queue:departed) just
// before it, pushes stock when it changes (≤ 4 Hz) — both paced by the room's sockets on a node
// (frame-pacing.ts: a big room gets them less often; past what one node can send within the
// contract's bounds, less often than they say, so the frames never starve the checkout) — moves
// the event to sold_out and back, and removes fans who left for longer than the presence grace.
// Every status change — the ticker's own, or an admin's made on this node — goes to the event's
// room at once as event:status.
//
// Places stay one frame per room per status push: a fan's place is its rank among fans still
// waiting, which the client keeps from the rank it got at joining plus the admissions (queue:status
// admittedTotal) and the departures ahead (queue:departed) since. A departure frame carries only
// the numbers that left since the last push, so its size follows the departures, not the queue.
import type { Clock } from "@stampede/shared/ports/clock";
import { admissionTickMs, departuresPerPushMax, liveEventsRefreshMs, stockTickMs } from "@stampede/shared/limits";
import { statusAfterStock } from "@stampede/shared/core/event-status";
import { lotteryOrder } from "@stampede/shared/core/lottery";
import { adminRooms, rooms } from "@stampede/shared/protocol";
import type { EventStatus } from "@stampede/shared/api/events";
import { waitingRoomKeyPrefix } from "../adapters/redis/waiting-room/keys.js";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import type { Logger } from "../logger.js";
import type { StampedeIo } from "./io.js";
import type { EventCache } from "../services/events/event-cache.js";
import type {
  AdmissionListener,
  EditListener,
  EventsService,
  StatusListener,
} from "../services/events/events-service.js";
import type { EventRecord, EventsRepo } from "../adapters/postgres/events-repo.js";
import { FramePacer, routineEveryMs } from "../services/waiting-room/frame-pacing.js";
import { Lease } from "../services/waiting-room/lease.js";
import type { LotteryRepo } from "../adapters/postgres/lottery-repo.js";
import type { RoomRecovery } from "../services/waiting-room/room-recovery.js";
import {
  AdmissionRateMeter,
  inPreQueuePeriod,
  queueStatus,
  type RoomFacts,
} from "../services/waiting-room/room-state.js";
import type { AdmissionPlan, AdmissionSteering, RoomCounts } from "../services/waiting-room/steering.js";
import { stockTotals, type StockCache } from "../services/waiting-room/stock-cache.js";
import type { WaitingRoomService } from "../services/waiting-room/waiting-room-service.js";
import { stockRoomWithClaims, type WaitlistService } from "../services/waiting-room/waitlist-service.js";

const liveStatuses: readonly EventStatus[] = ["scheduled", "on_sale", "paused", "sold_out"];
const presenceSweepEveryTicks = 4;
/** Departure frames sent before one status frame at most: a backlog beyond goes with the next. */
const departurePushesPerFrameMax = 8;

export interface TickerDeps {
  io: StampedeIo;
  store: WaitingRoom;
  repo: EventsRepo;
  eventCache: EventCache;
  lease: Lease;
  lottery: LotteryRepo;
  stock: StockCache;
  waitingRoom: WaitingRoomService;
  recovery: RoomRecovery;
  logger: Logger;
  redisPrefix: string;
  presenceGraceMs: number;
  /** The rate and stock room of each tick (auto or manual admission). */
  steering: Pick<AdmissionSteering, "plan" | "forget">;
  /** Admin status changes made on this node are pushed to the fans from here. */
  events?: Pick<EventsService, "onStatusChange" | "onAdmissionChange" | "onEdit">;
  /** Fair resale: tickets listed while sold out, offered to the line first and not held by anyone. */
  resaleOffers?: (eventId: string) => Promise<number>;
  /** The waiting list after a sell-out: places kept while away, offers marked, open claims counted. */
  waitlist?: Pick<WaitlistService, "keeps" | "offered" | "openClaims">;
  now?: Clock;
}

export class RoomTickers {
  private live: EventRecord[] = [];
  /** Status and admission changes made on this node, counted so a refresh that raced one is dropped. */
  private localChanges = 0;
  private readonly led = new Set<string>();
  private readonly lastStock = new Map<string, string>();
  private readonly sweeping = new Set<string>();
  /** Per led event: the last tick's plan and room counts, and the admissions measured over time. */
  private readonly plans = new Map<string, AdmissionPlan>();
  private readonly rooms = new Map<string, RoomCounts>();
  private readonly admissionRates = new Map<string, AdmissionRateMeter>();
  private readonly pacer = new FramePacer();
  private readonly timers: NodeJS.Timeout[] = [];
  private ticks = 0;
  private running: Promise<unknown> = Promise.resolve();
  private stopListening: () => void = () => {};
  private readonly now: Clock;

  constructor(private readonly deps: TickerDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<void>) => {
      let busy = false;
      this.timers.push(
        setInterval(() => {
          if (busy) return; // a slow tick is skipped, never stacked
          busy = true;
          this.running = fn()
            .catch((err: unknown) => this.deps.logger.warn({ err }, "ticker step failed"))
            .finally(() => (busy = false));
        }, ms),
      );
    };
    every(liveEventsRefreshMs, () => this.refreshLive());
    every(admissionTickMs, () => this.admissionTick());
    every(stockTickMs, () => this.stockTick());
    if (this.deps.events) {
      const stops = [
        this.deps.events.onStatusChange(this.statusChanged),
        this.deps.events.onAdmissionChange(this.admissionChanged),
        this.deps.events.onEdit(this.edited),
      ];
      this.stopListening = () => stops.forEach((stop) => stop());
    }
    // The first read at once (not after the first period); PostgreSQL away, the timer tries again.
    this.running = this.refreshLive().catch((err: unknown) =>
      this.deps.logger.warn({ err }, "ticker's first read of the live events failed"),
    );
  }

  /** Tells the event's room (every node's sockets) at once, and stops or resumes admitting here
   * without waiting for the next refresh of the live list. */
  readonly statusChanged: StatusListener = ({ eventId, status, atMs }) => {
    this.localChanges++;
    const live = this.live.find((e) => e.id === eventId);
    if (live) live.status = status;
    this.deps.eventCache.forget(eventId);
    this.deps.io.to(rooms.event(eventId)).emit("event:status", { eventId, status, atMs });
  };

  /** Admission retuned on this node: its ticks use the new settings at once, not after the next refresh. */
  readonly admissionChanged: AdmissionListener = (record) => {
    this.localChanges++;
    const live = this.live.find((e) => e.id === record.id);
    if (live) live.waitingRoom = record.waitingRoom;
    this.deps.eventCache.forget(record.id);
  };

  /** An admin edited the event on this node: its open pages and dashboards (every node's sockets,
   * through the adapter) get it at once, and this node's ticks and holds read the new record (a
   * price applies to the next hold). */
  readonly edited: EditListener = ({ record, view }) => {
    this.localChanges++;
    const at = this.live.findIndex((e) => e.id === record.id);
    if (at !== -1) this.live[at] = { ...record, status: this.live[at]!.status };
    this.deps.eventCache.forget(record.id);
    this.deps.stock.forget(record.id);
    const updated = { eventId: record.id, event: view };
    this.deps.io.to(rooms.event(record.id)).emit("event:updated", updated);
    this.deps.io.of("/admin").to(adminRooms.event(record.id)).emit("event:updated", updated);
  };

  /** Stops the loops and hands the leases back so another node takes over at once. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.stopListening();
    await this.running.catch(() => {});
    await Promise.all([...this.led].map((id) => this.deps.lease.release(this.leaseKey(id)).catch(() => {})));
    this.led.clear();
  }

  private leaseKey(eventId: string): string {
    return `${waitingRoomKeyPrefix(this.deps.redisPrefix, eventId)}:leader`;
  }

  private async refreshLive(): Promise<void> {
    const changesBefore = this.localChanges;
    const live = await this.deps.repo.list(liveStatuses);
    // A change made here while the list was read may be missing from it: keep ours until the next refresh.
    if (this.localChanges === changesBefore) this.live = live;
  }

  private async admissionTick(): Promise<void> {
    this.ticks++;
    await Promise.all(this.live.map((e) => this.tickEvent(e)));
  }

  private async tickEvent(listed: EventRecord): Promise<void> {
    if (!(await this.deps.lease.hold(this.leaseKey(listed.id)))) {
      if (this.led.delete(listed.id)) this.forgetLed(listed.id);
      return;
    }
    this.led.add(listed.id);
    // A room the store lost is rebuilt before anything else touches it (room-recovery.ts).
    await this.deps.recovery.ensure(listed.id);
    // The record as it is now: a change made while this tick waited (or a refresh) is in the current list.
    const event = this.live.find((e) => e.id === listed.id) ?? listed;
    const nowMs = this.now();
    if (inPreQueuePeriod(event, nowMs)) {
      await this.keepPreQueue(event);
    } else {
      await this.openIfDue(event, nowMs);
      await this.admitDue(event, nowMs);
    }
    await this.broadcastStatus(event, nowMs);
    if (this.ticks % presenceSweepEveryTicks === 0) this.startSweep(event, nowMs);
  }

  /** One tick's admissions: the plan (rate, stock room) first, then the admit script, then each
   * admitted fan's token to their sockets. */
  private async admitDue(event: EventRecord, nowMs: number): Promise<void> {
    const room = this.rooms.get(event.id) ?? { waiting: 1, activeCheckouts: 0, admittedTotal: 0 };
    const plan = await this.deps.steering.plan(event, room, nowMs);
    this.plans.set(event.id, plan);
    // Sold out, the line still moves for resold tickets offered to it first: one fan per ticket.
    const offers = event.status === "sold_out" && room.waiting > 0 ? await this.resaleOffers(event.id) : 0;
    const stockRoom = offers > 0 ? Math.max(0, offers - room.activeCheckouts) : await this.withClaims(event, plan);
    const { admitted, snapshot } = await this.deps.store.admit(event.id, {
      nowMs,
      admitPerMinute: plan.admitPerMinute,
      maxActiveCheckouts: event.waitingRoom.maxActiveCheckouts,
      admissionTtlMs: event.waitingRoom.admissionTtlSeconds * 1000,
      paused: event.status !== "on_sale" && offers === 0,
      ...(stockRoom === undefined ? {} : { stockRoom }),
    });
    const { waiting, activeCheckouts, admittedTotal } = snapshot;
    this.rooms.set(event.id, { waiting, activeCheckouts, admittedTotal });
    // All of a tick's tokens are signed at once: one by one, each await waited a turn of a busy
    // event loop (measured: 1,000 admissions took 61 s during a flash sale).
    await Promise.all(
      admitted.map(async (fan) => {
        const admission = await this.deps.waitingRoom.admissionToken(event.id, fan.fanId, fan);
        const pushed = { eventId: event.id, ...admission, queueNumber: fan.queueNumber };
        this.deps.io.to(rooms.fan(fan.fanId)).emit("queue:admitted", pushed);
      }),
    );
    // The fans are admitted whatever happens here; a list that cannot be marked only misses its offers' notices.
    if (admitted.length > 0 && this.deps.waitlist)
      await this.deps.waitlist
        .offered(event.id, admitted)
        .catch((err: unknown) => this.deps.logger.warn({ err, eventId: event.id }, "waiting-list offers unmarked"));
  }

  /** The plan's stock room, less the waiting list's open claims: one returned ticket, one fan offered
   * it at a time (manual admission has no stock room of its own; auto's already counts them). */
  private async withClaims(event: EventRecord, plan: AdmissionPlan): Promise<number | undefined> {
    const claims = this.deps.waitlist ? await this.deps.waitlist.openClaims(event.id) : null;
    if (claims === null) return plan.stockRoom;
    const stock = await this.deps.stock.get(event).catch((err: unknown) => {
      this.deps.logger.warn({ err, eventId: event.id }, "stock unread; the waiting list's line waits");
      return null;
    });
    return stock ? stockRoomWithClaims(plan.stockRoom, stockTotals(stock).available, claims) : 0;
  }

  /** Unread (the database away), none: the line waits, as it would for any stock it cannot see. */
  private async resaleOffers(eventId: string): Promise<number> {
    if (!this.deps.resaleOffers) return 0;
    return this.deps.resaleOffers(eventId).catch((err: unknown) => {
      this.deps.logger.warn({ err, eventId }, "resale offers unread; the line waits");
      return 0;
    });
  }

  private forgetLed(eventId: string): void {
    this.deps.steering.forget(eventId);
    this.plans.delete(eventId);
    this.rooms.delete(eventId);
    this.admissionRates.delete(eventId);
    this.pacer.forget(eventId);
  }

  /** The presence sweep asks every node for the fan's sockets (fetchSockets waits for all of them,
   * up to the adapter's timeout if a node is dead), so it runs beside the tick, never inside it:
   * admission must not stall behind a slow sweep. */
  private startSweep(event: EventRecord, nowMs: number): void {
    if (this.sweeping.has(event.id)) return;
    this.sweeping.add(event.id);
    this.sweepPresence(event, nowMs)
      .catch((err: unknown) => this.deps.logger.warn({ err, eventId: event.id }, "presence sweep failed"))
      .finally(() => this.sweeping.delete(event.id));
  }

  /** The room's queue:status (and the departures before it), paced by the room's size (frame-pacing.ts);
   * a new state, all-held notice or admission mode goes at once. */
  private async broadcastStatus(event: EventRecord, nowMs: number): Promise<void> {
    const snapshot = await this.deps.store.snapshot(event.id);
    let meter = this.admissionRates.get(event.id);
    if (!meter) this.admissionRates.set(event.id, (meter = new AdmissionRateMeter()));
    const plan = this.plans.get(event.id);
    const facts: RoomFacts = { admittedPerMinute: meter.add(nowMs, snapshot.admittedTotal), ...(plan ? { plan } : {}) };
    const frame = queueStatus(event, snapshot, nowMs, facts);
    this.deps.recovery.checkpoint(event.id, snapshot);
    const key = `${frame.state}|${frame.allHeld ? "all held" : ""}|${frame.admission}`;
    if (!this.pacer.due(`${event.id}:status`, key, routineEveryMs(this.localSockets(event.id), "status"), nowMs))
      return;
    this.pacer.sentNow(`${event.id}:status`, key, nowMs);
    await this.pushDepartures(event);
    // One frame for the whole room: clients compute their own position from servedUpTo.
    this.deps.io.to(rooms.event(event.id)).emit("queue:status", frame);
  }

  /** The event room's sockets on this node: what a routine frame costs here, and on each node as the
   * balancer spreads sockets evenly (frame-pacing.ts). */
  private localSockets(eventId: string): number {
    return this.deps.io.sockets.adapter.rooms.get(rooms.event(eventId))?.size ?? 0;
  }

  /** The numbers that left the line since the last push (none: no frame), a bounded frame at a time. */
  private async pushDepartures(event: EventRecord): Promise<void> {
    for (let push = 0; push < departurePushesPerFrameMax; push++) {
      const { fromSeq, numbers } = await this.deps.store.takeDepartures(event.id, departuresPerPushMax);
      if (numbers.length > 0)
        this.deps.io.to(rooms.event(event.id)).emit("queue:departed", { eventId: event.id, fromSeq, numbers });
      if (numbers.length < departuresPerPushMax) return;
    }
  }

  private async keepPreQueue(event: EventRecord): Promise<void> {
    await this.deps.store.setPreQueue(event.id);
    if (event.waitingRoom.mode === "lottery") await this.deps.lottery.ensureSeed(event.id);
  }

  /** At opening: order the pre-queue (arrival, or the lottery), record it, hand out numbers 1..P. */
  private async openIfDue(event: EventRecord, _nowMs: number): Promise<void> {
    const snapshot = await this.deps.store.snapshot(event.id);
    if (snapshot.phase !== "open") {
      let order = await this.deps.store.preQueueMembers(event.id);
      if (event.waitingRoom.mode === "lottery") {
        const recorded = await this.deps.lottery.drawnOrder(event.id);
        if (recorded) order = recorded;
        else {
          order = await lotteryOrder(await this.deps.lottery.ensureSeed(event.id), order);
          await this.deps.lottery.recordDraw(event.id, order);
          order = (await this.deps.lottery.drawnOrder(event.id)) ?? order; // another node's draw wins
        }
      }
      const numbered = await this.deps.store.openPreQueue(event.id, order);
      this.deps.logger.info({ eventId: event.id, mode: event.waitingRoom.mode, numbered }, "pre-queue opened");
    }
    if (event.status === "scheduled" && (await this.deps.repo.setStatus(event.id, "scheduled", "on_sale"))) {
      this.statusChanged({ eventId: event.id, status: "on_sale", atMs: this.now() });
      event.status = "on_sale";
    }
  }

  private async sweepPresence(event: EventRecord, nowMs: number): Promise<void> {
    const due = await this.deps.store.dueAway(event.id, nowMs - this.deps.presenceGraceMs);
    // A fan on the waiting list may close the page: their place is kept.
    const kept = this.deps.waitlist ? await this.deps.waitlist.keeps(event.id, due) : new Set<string>();
    for (const fanId of due) {
      if (kept.has(fanId)) {
        await this.deps.store.markBack(event.id, fanId);
        continue;
      }
      const sockets = await this.deps.io.in(rooms.fan(fanId)).fetchSockets();
      if (sockets.some((s) => s.rooms.has(rooms.event(event.id)))) await this.deps.store.markBack(event.id, fanId);
      else await this.deps.store.leave(event.id, fanId);
    }
  }

  private async stockTick(): Promise<void> {
    await Promise.all(this.live.filter((e) => this.led.has(e.id)).map((e) => this.pushStock(e)));
  }

  /** Stock to the room when it changed, paced by the room's size; a tier running out or coming back goes at once. */
  private async pushStock(event: EventRecord): Promise<void> {
    const stock = await this.deps.stock.get(event);
    const encoded = JSON.stringify(stock.classes);
    const nowMs = this.now();
    const key = stock.classes.map((c) => (c.available === 0 ? "0" : "+")).join("");
    const every = routineEveryMs(this.localSockets(event.id), "stock");
    if (this.lastStock.get(event.id) !== encoded && this.pacer.due(`${event.id}:stock`, key, every, nowMs)) {
      this.lastStock.set(event.id, encoded);
      this.pacer.sentNow(`${event.id}:stock`, key, nowMs);
      this.deps.io.to(rooms.event(event.id)).emit("stock", stock);
    }
    const next = statusAfterStock(event.status, stockTotals(stock));
    if (next !== event.status && (await this.deps.repo.setStatus(event.id, event.status, next))) {
      this.deps.logger.info({ eventId: event.id, from: event.status, to: next }, "status moved by stock");
      this.statusChanged({ eventId: event.id, status: next, atMs: this.now() });
      event.status = next;
      await this.broadcastStatus(event, this.now());
    }
  }
}
