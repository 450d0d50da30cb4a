// An event's live figures for admins: stock per tier and perks from the ledger, orders and
// revenue from PostgreSQL, the queue from Redis. One function for the REST route and the
// dashboard's once-a-second push. And the sales feed's recent history, read back from the orders.
import type { AdminStatsView } from "@stampede/shared/api/admin";
import { orderStatuses } from "@stampede/shared/api/orders";
import { paymentMismatchOrdersShownMax } from "@stampede/shared/limits";
import type { AdminAdmission, AdminSale, AdminStats, OrderStatus, SaleEventType } from "@stampede/shared/protocol";
import type { SteeringRecord, SteeringStore } from "../../adapters/redis/waiting-room/steering-store.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Pool } from "../../adapters/postgres/pool.js";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { readStock } from "../events/inventory.js";

export interface StatsDeps {
  pool: Pool;
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
    deps.pool.query<{ status: string; n: string; revenue: string }>(
      "SELECT status, count(*) AS n, COALESCE(sum(total_cents), 0) AS revenue FROM orders WHERE event_id = $1 GROUP BY status",
      [event.id],
    ),
    deps.store.snapshot(event.id),
    deps.steering.load(event.id),
    paymentMismatches(deps.pool, event.id),
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
      orderStatuses.map((st) => [st, Number(counts.rows.find((r) => r.status === st)?.n ?? 0)]),
    ) as Record<OrderStatus, number>,
    revenueCents: Number(counts.rows.find((r) => r.status === "paid")?.revenue ?? 0),
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
 * The event's payments recorded as `amount_mismatch`: how many, for how many orders, and the
 * newest orders' ids. Read every tick, so through the inbox's partial index on those rows
 * (migration 0017), which stays as small as the mismatches are rare.
 */
export async function paymentMismatches(pool: Pool, eventId: string): Promise<AdminStatsView["paymentMismatches"]> {
  const { rows } = await pool.query<{ order_id: string; payments: string; orders: string }>(
    `SELECT i.order_id, sum(count(*)) OVER () AS payments, count(*) OVER () AS orders
       FROM payment_inbox i JOIN orders o ON o.id = i.order_id
      WHERE i.outcome = 'amount_mismatch' AND o.event_id = $1
      GROUP BY i.order_id
      ORDER BY max(i.received_at) DESC, i.order_id DESC
      LIMIT $2`,
    [eventId, paymentMismatchOrdersShownMax],
  );
  return {
    payments: Number(rows[0]?.payments ?? 0),
    orders: Number(rows[0]?.orders ?? 0),
    orderIds: rows.map((r) => r.order_id),
  };
}

interface SaleRow {
  order_id: string;
  type: SaleEventType;
  status: OrderStatus;
  items: Array<{ quantity: number }>;
  total_cents: string;
  at: Date;
}

/**
 * The sales feed's last `limit` lines, newest first, as the live feed said them: each order's
 * changes are read back from its row (placed at created_at, paid at paid_at, then expired, voided
 * or refunded). Every change of an order is no later than its updated_at, so the `limit` orders
 * changed last hold the `limit` newest lines. A line is unique by order and type, which is how
 * the dashboard merges this with the live batches.
 */
export async function recentSales(pool: Pool, eventId: string, limit: number): Promise<AdminSale[]> {
  const { rows } = await pool.query<SaleRow>(
    `WITH recent AS (
       SELECT id, status, items, total_cents, created_at, updated_at, paid_at, refunded_at
         FROM orders WHERE event_id = $1 ORDER BY updated_at DESC LIMIT $2)
     SELECT * FROM (
       SELECT id AS order_id, 'hold.placed' AS type, 'held' AS status, items, total_cents, created_at AS at FROM recent
       UNION ALL
       SELECT id, 'order.paid', 'paid', items, total_cents, paid_at FROM recent WHERE paid_at IS NOT NULL
       UNION ALL
       SELECT id, CASE status WHEN 'expired' THEN 'hold.expired' ELSE 'hold.voided' END, status, items, total_cents, updated_at
         FROM recent WHERE status IN ('expired', 'cancelled', 'payment_failed')
       UNION ALL
       SELECT id, 'order.refunded', 'refunded', items, total_cents, refunded_at FROM recent WHERE refunded_at IS NOT NULL
     ) lines ORDER BY at DESC, order_id DESC, type DESC LIMIT $2`,
    [eventId, limit],
  );
  return rows.map((r) => ({
    type: r.type,
    orderId: r.order_id,
    status: r.status,
    quantity: r.items.reduce((sum, i) => sum + i.quantity, 0),
    totalCents: Number(r.total_cents),
    atMs: r.at.getTime(),
  }));
}
