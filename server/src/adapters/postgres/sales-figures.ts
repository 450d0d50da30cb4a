// An event's sales figures as PostgreSQL has them, for the admin's stats (services/orders/stats.ts):
// orders and revenue by status, payments recorded as amount mismatches, and the recent sales lines.
import type { OrderStatus, SaleEventType } from "@stampede/shared/protocol";
import type { Pool } from "./pool.js";

/** Orders of one status: how many, and their total. */
export interface StatusFigures {
  status: string;
  count: number;
  revenueCents: number;
}

/** Payments recorded as `amount_mismatch`: how many, for how many orders, and the newest orders' ids. */
export interface PaymentMismatches {
  payments: number;
  orders: number;
  orderIds: string[];
}

/** One line of the sales feed: an order's change, when it happened. */
export interface SaleLine {
  orderId: string;
  type: SaleEventType;
  status: OrderStatus;
  items: Array<{ quantity: number }>;
  totalCents: number;
  at: Date;
}

interface SaleRow {
  order_id: string;
  type: SaleEventType;
  status: OrderStatus;
  items: Array<{ quantity: number }>;
  total_cents: string;
  at: Date;
}

export class SalesFigures {
  constructor(private readonly pool: Pool) {}

  /** The event's orders by status (statuses without orders are left out). */
  async byStatus(eventId: string): Promise<StatusFigures[]> {
    const { rows } = await this.pool.query<{ status: string; n: string; revenue: string }>(
      "SELECT status, count(*) AS n, COALESCE(sum(total_cents), 0) AS revenue FROM orders WHERE event_id = $1 GROUP BY status",
      [eventId],
    );
    return rows.map((r) => ({ status: r.status, count: Number(r.n), revenueCents: Number(r.revenue) }));
  }

  /**
   * The event's payments recorded as `amount_mismatch`, with the ids of the `shownMax` orders that
   * got one last. Read every tick, so through the inbox's partial index on those rows (migration
   * 0017), which stays as small as the mismatches are rare.
   */
  async paymentMismatches(eventId: string, shownMax: number): Promise<PaymentMismatches> {
    const { rows } = await this.pool.query<{ order_id: string; payments: string; orders: string }>(
      `SELECT i.order_id, sum(count(*)) OVER () AS payments, count(*) OVER () AS orders
       FROM payment_inbox i JOIN orders o ON o.id = i.order_id
      WHERE i.outcome = 'amount_mismatch' AND o.event_id = $1
      GROUP BY i.order_id
      ORDER BY max(i.received_at) DESC, i.order_id DESC
      LIMIT $2`,
      [eventId, shownMax],
    );
    return {
      payments: Number(rows[0]?.payments ?? 0),
      orders: Number(rows[0]?.orders ?? 0),
      orderIds: rows.map((r) => r.order_id),
    };
  }

  /**
   * The sales feed's last `limit` lines, newest first: each order's changes are read back from its
   * row (placed at created_at, paid at paid_at, then expired, voided or refunded). Every change of
   * an order is no later than its updated_at, so the `limit` orders changed last hold the `limit`
   * newest lines.
   */
  async recentLines(eventId: string, limit: number): Promise<SaleLine[]> {
    const { rows } = await this.pool.query<SaleRow>(
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
      orderId: r.order_id,
      type: r.type,
      status: r.status,
      items: r.items,
      totalCents: Number(r.total_cents),
      at: r.at,
    }));
  }
}
