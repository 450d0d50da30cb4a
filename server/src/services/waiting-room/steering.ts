// The admission plan of one tick: the rate to admit at, how many more fans the stock left could
// serve, and whether everything left is held. `manual` admits at the operator's rate; `auto` steers
// the rate from the checkout's health (admission-control.ts, read from every node through Redis)
// and never admits past the stock room. The controller's state lives in Redis (steering-store.ts),
// so the node that takes the ticker over carries on from the same rate.
import {
  startSteering,
  steerAdmission,
  stockRoom,
  type CheckoutHealth,
  type SteerState,
} from "@stampede/shared/core/admission-control";
import type { CombinedHealth } from "../../adapters/redis/checkout-health-store.js";
import type { SteeringRecord, SteeringStore } from "../../adapters/redis/waiting-room/steering-store.js";
import type { EventRecord } from "../events/events-repo.js";
import type { CheckoutLoad } from "./checkout-load-repo.js";
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

export interface SteeringDeps {
  health: { read(nowMs: number): Promise<CombinedHealth> };
  store: SteeringStore;
  stock: StockCache;
  load: { read(eventId: string): Promise<CheckoutLoad> };
}

interface Steered {
  state: SteerState;
  atMs: number;
  chartedMs: number;
}

export class AdmissionSteering {
  private readonly steered = new Map<string, Steered>();
  private health: { atMs: number; value: Promise<CombinedHealth> } | null = null;

  constructor(private readonly deps: SteeringDeps) {}

  /** This node no longer leads the event: the next leader's state is in Redis. */
  forget(eventId: string): void {
    this.steered.delete(eventId);
  }

  async plan(event: EventRecord, room: { waiting: number; activeCheckouts: number }, nowMs: number): Promise<AdmissionPlan> {
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
    const roomLeft = seen ? stockRoom({ ...seen.stockRoom, activeCheckouts: room.activeCheckouts }) : 0;
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
    const load = fresh || everythingHeld ? await this.deps.load.read(event.id) : null;
    return {
      allHeld: everythingHeld ? { untilMs: load?.nextHoldEndMs ?? null } : null,
      stockRoom: {
        available: totals.available,
        ticketsTaken: totals.held + sold,
        ordersTaken: load?.ordersTaken ?? 0,
        holding: load?.holding ?? 0,
      },
    };
  }

  private async current(event: EventRecord, nowMs: number): Promise<{ state: SteerState; atMs: number }> {
    const known = this.steered.get(event.id);
    if (known) return known;
    const wr = event.waitingRoom;
    const saved = await this.deps.store.load(event.id);
    if (saved && saved.mode === "auto") return { state: saved.state, atMs: saved.atMs };
    return { state: startSteering(wr.admitPerMinute, wr.admitPerMinuteFloor, wr.admitPerMinuteCeiling), atMs: nowMs };
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
      atMs: nowMs, ratePerMinute: state.ratePerMinute, reason, holdP95Ms: seen.holdP95Ms, settlementLagMs: seen.settlementLagMs,
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
