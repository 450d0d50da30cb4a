// The admission plan of one tick: the rate to admit at, how many more fans the stock left could
// serve, and whether everything left is held. `manual` admits at the operator's rate; `auto` steers
// the rate from the checkout's health (admission-control.ts, read from every node through Redis)
// and never admits past the stock room. The controller's state lives in Redis (steering-store.ts),
// so the node that takes the ticker over carries on from the same rate.
import {
  aboutToOrderWindowMs,
  fansAboutToOrder,
  startSteering,
  steerAdmission,
  stockRoom,
  type CheckoutHealth,
  type SteerState,
} from "@stampede/shared/core/admission-control";
import type { CombinedHealth } from "../../adapters/redis/checkout-health-store.js";
import type { SteeringRecord, SteeringStore } from "../../adapters/redis/waiting-room/steering-store.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { CheckoutLoadRepo } from "../../adapters/postgres/checkout-load-repo.js";
import { stockTotals, type StockCache } from "./stock-cache.js";

/** The health reading is shared by every event's tick within this long. */
const healthReuseMs = 250;
/** A step goes on the chart at most this often. */
const chartEveryMs = 1_000;
/** The longest step the controller takes at once. */
const stepMaxMs = 2_000;

export interface AdmissionPlan {
  admitPerMinute: number;
  /** Auto only: at most this many more fans this tick. */
  stockRoom?: number;
  /** Every ticket left is held: when the next hold ends (null: not known). */
  allHeld: { untilMs: number | null } | null;
}

/** The room as the last tick's admission left it. */
export interface RoomCounts {
  waiting: number;
  activeCheckouts: number;
  admittedTotal: number;
}

export interface SteeringDeps {
  health: { read(nowMs: number): Promise<CombinedHealth>; pace(): Promise<number | null> };
  store: SteeringStore;
  stock: StockCache;
  load: Pick<CheckoutLoadRepo, "read">;
}

interface Steered {
  state: SteerState;
  atMs: number;
  chartedMs: number;
}

export class AdmissionSteering {
  private readonly steered = new Map<string, Steered>();
  private health: { atMs: number; value: Promise<CombinedHealth> } | null = null;
  /** Per event: the room's admitted total at each step, back to aboutToOrderWindowMs ago. */
  private readonly admittedSamples = new Map<string, Array<{ atMs: number; total: number }>>();

  constructor(private readonly deps: SteeringDeps) {}

  /** This node no longer leads the event: the next leader's state is in Redis. */
  forget(eventId: string): void {
    this.steered.delete(eventId);
    this.admittedSamples.delete(eventId);
  }

  async plan(event: EventRecord, room: RoomCounts, nowMs: number): Promise<AdmissionPlan> {
    const wr = event.waitingRoom;
    // The stock is read from the ledger (PostgreSQL by default). While it cannot be read, a manual
    // room admits as before (admission is Redis's alone), and an automatic one admits nobody: fans
    // let in then could buy nothing, and their turns would run out.
    const seen = await this.observe(event, wr.admission === "auto").catch(() => null);
    const allHeld = seen?.allHeld ?? null;
    if (wr.admission === "manual") {
      await this.record(event, startSteering(wr.admitPerMinute, 1, Number.MAX_SAFE_INTEGER), null, null, nowMs);
      return { admitPerMinute: wr.admitPerMinute, allHeld };
    }
    const health = await this.readHealth(nowMs);
    const before = await this.current(event, nowMs);
    const state = steerAdmission({
      state: before.state,
      health,
      floorPerMinute: wr.admitPerMinuteFloor,
      ceilingPerMinute: wr.admitPerMinuteCeiling,
      nowMs,
      // A state saved long ago (another node led, or nobody) grows as from one tick, not from the gap.
      elapsedMs: Math.min(stepMaxMs, Math.max(0, nowMs - before.atMs)),
      demand: room.waiting > 0,
    });
    const admittedRecently = this.admittedRecently(event.id, room.admittedTotal, nowMs);
    // Unread (Redis failing), no refusal is counted: the room waits for those fans as before.
    const refusedRecently = seen
      ? await this.deps.store.stockRefusedSince(event.id, nowMs - aboutToOrderWindowMs).catch(() => 0)
      : 0;
    const activeCheckouts = room.activeCheckouts;
    const aboutToOrder = seen
      ? fansAboutToOrder({ ...seen.orders, activeCheckouts, admittedRecently, refusedRecently })
      : 0;
    const roomLeft = seen ? stockRoom({ ...seen.stockRoom, aboutToOrder }) : 0;
    await this.record(event, state, health, roomLeft, nowMs);
    return { admitPerMinute: state.ratePerMinute, stockRoom: roomLeft, allHeld };
  }

  /** The stock (fresh for auto: admission must not act on a count a hold has already changed) and,
   * when needed, what the checkout holds of the sale. */
  private async observe(event: EventRecord, fresh: boolean) {
    if (fresh) this.deps.stock.forget(event.id);
    const stock = await this.deps.stock.get(event);
    const totals = stockTotals(stock);
    const sold = stock.classes.reduce((n, c) => n + c.sold, 0);
    const everythingHeld = totals.available === 0 && totals.held > 0;
    const wr = event.waitingRoom;
    const admission = { ttlSeconds: wr.admissionTtlSeconds, endsOnPaid: wr.endAdmissionOnPaid };
    const load = fresh || everythingHeld ? await this.deps.load.read(event.id, admission) : null;
    return {
      allHeld: everythingHeld ? { untilMs: load?.nextHoldEndMs ?? null } : null,
      stockRoom: { available: totals.available, ticketsTaken: totals.held + sold, ordersTaken: load?.ordersTaken ?? 0 },
      orders: { ordered: load?.ordered ?? 0, orderedRecently: load?.orderedRecently ?? 0 },
    };
  }

  /** Fans admitted within aboutToOrderWindowMs; with less history than that (a new leader), as many
   * as there are (fansAboutToOrder then counts every admitted fan without an order). */
  private admittedRecently(eventId: string, total: number, nowMs: number): number {
    const samples = this.admittedSamples.get(eventId) ?? [];
    const last = samples[samples.length - 1];
    if (last && (nowMs < last.atMs || total < last.total)) samples.length = 0; // clock or room reset
    samples.push({ atMs: nowMs, total });
    while (samples.length > 1 && nowMs - samples[1]!.atMs >= aboutToOrderWindowMs) samples.shift();
    this.admittedSamples.set(eventId, samples);
    const oldest = samples[0]!;
    return nowMs - oldest.atMs < aboutToOrderWindowMs ? Number.MAX_SAFE_INTEGER : total - oldest.total;
  }

  private async current(event: EventRecord, nowMs: number): Promise<{ state: SteerState; atMs: number }> {
    const known = this.steered.get(event.id);
    if (known) return known;
    const wr = event.waitingRoom;
    const saved = await this.deps.store.load(event.id);
    if (saved && saved.mode === "auto") return { state: saved.state, atMs: saved.atMs };
    const pace = await this.deps.health.pace().catch(() => null);
    const learnedPerMinute = pace === null ? null : pace * 60;
    return {
      state: startSteering(wr.admitPerMinute, wr.admitPerMinuteFloor, wr.admitPerMinuteCeiling, learnedPerMinute),
      atMs: nowMs,
    };
  }

  /** Auto: every step (the next leader carries on from it). Manual: once a second, for the dashboard. */
  private async record(
    event: EventRecord,
    state: SteerState,
    health: CheckoutHealth | null,
    room: number | null,
    nowMs: number,
  ): Promise<void> {
    const last = this.steered.get(event.id);
    const chart = !last || nowMs - last.chartedMs >= chartEveryMs;
    this.steered.set(event.id, { state, atMs: nowMs, chartedMs: chart ? nowMs : (last?.chartedMs ?? nowMs) });
    const mode = event.waitingRoom.admission;
    if (mode === "manual" && !chart) return;
    const seen = health ?? (await this.readHealth(nowMs));
    const reason: SteeringRecord["reason"] = mode === "manual" ? "manual" : state.reason;
    const record: SteeringRecord = { mode, state, reason, health: seen, stockRoom: room, atMs: nowMs };
    const point = {
      atMs: nowMs,
      ratePerMinute: state.ratePerMinute,
      reason,
      holdP95Ms: seen.holdP95Ms,
      settlementLagMs: seen.settlementLagMs,
    };
    await this.deps.store.save(event.id, record, chart ? point : undefined);
  }

  private readHealth(nowMs: number): Promise<CombinedHealth> {
    if (!this.health || nowMs - this.health.atMs >= healthReuseMs || nowMs < this.health.atMs) {
      const value = this.deps.health.read(nowMs);
      value.catch(() => (this.health = null));
      this.health = { atMs: nowMs, value };
    }
    return this.health.value;
  }
}
