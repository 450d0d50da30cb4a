// An event's live figures for admins: stock per tier and perks from the ledger, orders and
// revenue from PostgreSQL, the queue from Redis. One function for the REST route and the
// dashboard's once-a-second push.
import type { AdminStats, OrderStatus } from "@stampede/shared/protocol";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Pool } from "../../adapters/postgres/pool.js";
import type { WaitingRoomStore } from "../../adapters/redis/waiting-room/store.js";
import type { EventRecord } from "../events/events-repo.js";
import { readStock } from "../events/inventory.js";

export const orderStatuses: readonly OrderStatus[] = ["held", "paid", "expired", "cancelled", "payment_failed", "refunded"];

export async function eventStats(deps: { pool: Pool; ledger: Ledger; store: WaitingRoomStore }, event: EventRecord): Promise<AdminStats> {
  const [stock, counts, queue] = await Promise.all([
    readStock(deps.ledger, [event]),
    deps.pool.query<{ status: string; n: string; revenue: string }>("SELECT status, count(*) AS n, COALESCE(sum(total_cents), 0) AS revenue FROM orders WHERE event_id = $1 GROUP BY status", [event.id]),
    deps.store.snapshot(event.id),
  ]);
  const s = stock.get(event.id);
  return {
    eventId: event.id,
    atMs: Date.now(),
    status: event.status,
    classes: event.classes.map((c) => ({ id: c.id, code: c.code, ...(s?.classes.get(c.id) ?? { capacity: c.capacity, available: 0, held: 0, sold: 0 }) })),
    perks: event.perks.map((p) => ({ code: p.code, capacity: p.capacity, granted: s?.perks.get(p.id)?.granted ?? 0 })),
    orders: Object.fromEntries(orderStatuses.map((st) => [st, Number(counts.rows.find((r) => r.status === st)?.n ?? 0)])) as Record<OrderStatus, number>,
    revenueCents: Number(counts.rows.find((r) => r.status === "paid")?.revenue ?? 0),
    currency: event.classes[0]?.currency ?? "USD",
    queue: { waiting: queue.waiting + queue.preQueued, servedUpTo: queue.servedUpTo, admittedTotal: queue.admittedTotal, activeCheckouts: queue.activeCheckouts },
  };
}
