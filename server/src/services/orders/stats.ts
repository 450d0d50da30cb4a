// An event's live figures for admins: stock per tier and perks from the ledger, orders and
// revenue from PostgreSQL, the queue from Redis. One function for the REST route and the
// dashboard's once-a-second push. And the sales feed's recent history, read back from the orders.
import { orderStatuses } from "@stampede/shared/api/orders";
import { paymentMismatchOrdersShownMax } from "@stampede/shared/limits";
import type { AdminAdmission, AdminSale, AdminStats, OrderStatus } from "@stampede/shared/protocol";
import type { SteeringRecord, SteeringStore } from "../../adapters/redis/waiting-room/steering-store.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { SalesFigures } from "../../adapters/postgres/sales-figures.js";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { readStock } from "../events/inventory.js";

export interface StatsDeps {
  figures: Pick<SalesFigures, "byStatus" | "paymentMismatches">;
  ledger: Ledger;
  store: WaitingRoom;
  steering: Pick<SteeringStore, "load">;
}

/** The controller's last step as the dashboard shows it. */
export function admissionView(event: EventRecord, record: SteeringRecord | null): AdminAdmission | null {
  if (!record) return null;
  const { holdP95Ms, settlementLagMs, poolWaits, holdsInFlight, webhooksWaiting, overloadRefusals } = record.health;
  const holdsPerSecond = record.health.holdsPerSecond ?? 0; // a step saved before the figure existed
  return {
    mode: record.mode,
    ratePerMinute: record.state.ratePerMinute,
    reason: record.reason,
    floorPerMinute: event.waitingRoom.admitPerMinuteFloor,
    ceilingPerMinute: event.waitingRoom.admitPerMinuteCeiling,
    lastCutAtMs: record.state.lastCutMs,
    health: { holdP95Ms, settlementLagMs, poolWaits, holdsInFlight, webhooksWaiting, overloadRefusals, holdsPerSecond },
    stockRoom: record.stockRoom,
    atMs: record.atMs,
  };
}

export async function eventStats(deps: StatsDeps, event: EventRecord): Promise<AdminStats> {
  const [stock, counts, queue, steering, mismatches] = await Promise.all([
    readStock(deps.ledger, [event]),
    deps.figures.byStatus(event.id),
    deps.store.snapshot(event.id),
    deps.steering.load(event.id),
    // The newest orders' ids, as many as the dashboard shows.
    deps.figures.paymentMismatches(event.id, paymentMismatchOrdersShownMax),
  ]);
  const s = stock.get(event.id);
  return {
    eventId: event.id,
    atMs: Date.now(),
    status: event.status,
    classes: event.classes.map((c) => ({
      id: c.id,
      code: c.code,
      ...(s?.classes.get(c.id) ?? { capacity: c.capacity, available: 0, held: 0, sold: 0 }),
    })),
    perks: event.perks.map((p) => ({ code: p.code, capacity: p.capacity, granted: s?.perks.get(p.id)?.granted ?? 0 })),
    orders: Object.fromEntries(
      orderStatuses.map((st) => [st, counts.find((r) => r.status === st)?.count ?? 0]),
    ) as Record<OrderStatus, number>,
    revenueCents: counts.find((r) => r.status === "paid")?.revenueCents ?? 0,
    currency: event.classes[0]?.currency ?? "USD",
    queue: {
      waiting: queue.waiting + queue.preQueued,
      servedUpTo: queue.servedUpTo,
      admittedTotal: queue.admittedTotal,
      activeCheckouts: queue.activeCheckouts,
    },
    admission: admissionView(event, steering),
    paymentMismatches: mismatches,
  };
}

/**
 * The sales feed's last `limit` lines, newest first, as the live feed said them (each order's
 * changes read back from its row: sales-figures.ts). A line is unique by order and type, which is
 * how the dashboard merges this with the live batches.
 */
export async function recentSales(
  figures: Pick<SalesFigures, "recentLines">,
  eventId: string,
  limit: number,
): Promise<AdminSale[]> {
  const lines = await figures.recentLines(eventId, limit);
  return lines.map((r) => ({
    type: r.type,
    orderId: r.orderId,
    status: r.status,
    quantity: r.items.reduce((sum, i) => sum + i.quantity, 0),
    totalCents: r.totalCents,
    atMs: r.at.getTime(),
  }));
}
