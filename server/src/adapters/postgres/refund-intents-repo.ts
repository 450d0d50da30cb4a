// The refund_intents table: refunds the shop has decided on (services/orders/refund-intents.ts
// runs them). An intent is recorded with the order's move to refunded and marked done once the
// provider has refunded; the pending ones are what a crash or an outage left to run again.
import type { PaymentProviderName } from "@stampede/shared/api/events";
import type { OrderRecord } from "@stampede/shared/ports/orders";
import type { Tx } from "@stampede/shared/ports/transaction";
import { clientOf, type Pool } from "./pool.js";

export interface RefundIntent {
  orderId: string;
  /** Where the money was taken: the refund goes there. */
  provider: PaymentProviderName;
  sessionId: string;
  reason: string;
  returnStock: boolean;
  /** What goes back: null for the whole session, else a partial refund (0: nothing, every ticket was resold). */
  amountCents: number | null;
}

/** What a refund returns to stock: the order's event, fan and items. */
export type RefundedStock = Pick<OrderRecord, "eventId" | "fanId" | "items"> & { codeId: string | null };

export class RefundIntentsRepo {
  constructor(private readonly pool: Pool) {}

  /** Inside the transaction that moves the order to refunded (a second intent for it is a no-op). */
  async record(tx: Tx, intent: RefundIntent): Promise<void> {
    await clientOf(tx).query(
      `INSERT INTO refund_intents (order_id, session_id, reason, return_stock, amount_cents) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [intent.orderId, intent.sessionId, intent.reason, intent.returnStock, intent.amountCents],
    );
  }

  /** How many of the order's tickets were resold, per ticket class (none: an empty map). */
  async resoldPerClass(tx: Tx, orderId: string): Promise<Map<string, number>> {
    const { rows } = await clientOf(tx).query<{ class_id: string; n: number }>(
      "SELECT class_id, count(*)::int AS n FROM tickets WHERE order_id = $1 AND resold_at IS NOT NULL GROUP BY 1",
      [orderId],
    );
    return new Map(rows.map((r) => [r.class_id, r.n]));
  }

  async markDone(orderId: string): Promise<void> {
    await this.pool.query("UPDATE refund_intents SET done_at = now() WHERE order_id = $1 AND done_at IS NULL", [
      orderId,
    ]);
  }

  /** Intents not done yet, recorded at least `olderThanSeconds` ago, oldest first. */
  async pending(limit: number, olderThanSeconds: number): Promise<RefundIntent[]> {
    const { rows } = await this.pool.query<{
      order_id: string;
      provider: PaymentProviderName;
      session_id: string;
      reason: string;
      return_stock: boolean;
      amount_cents: string | null;
    }>(
      `SELECT r.order_id, o.payment_provider AS provider, r.session_id, r.reason, r.return_stock, r.amount_cents
         FROM refund_intents r JOIN orders o ON o.id = r.order_id
        WHERE r.done_at IS NULL AND r.created_at <= now() - make_interval(secs => $2) ORDER BY r.created_at LIMIT $1`,
      [limit, olderThanSeconds],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      provider: r.provider,
      sessionId: r.session_id,
      reason: r.reason,
      returnStock: r.return_stock,
      amountCents: r.amount_cents === null ? null : Number(r.amount_cents),
    }));
  }

  /** The stock a refunded order gives back; null for an order that does not exist. */
  async refundedStock(orderId: string): Promise<RefundedStock | null> {
    const { rows } = await this.pool.query<{
      event_id: string;
      fan_id: string;
      code_id: string | null;
      items: OrderRecord["items"];
      resold: Array<{ class_id: string; n: number }>;
    }>(
      `SELECT event_id, fan_id, code_id, items, (SELECT COALESCE(jsonb_agg(x), '[]') FROM (SELECT class_id, count(*)::int AS n
         FROM tickets WHERE order_id = $1 AND resold_at IS NOT NULL GROUP BY 1) x) AS resold
       FROM orders WHERE id = $1`,
      [orderId],
    );
    const order = rows[0];
    if (!order) return null;
    // A resold ticket's seat is its buyer's now (their order returns it if refunded): not this order's to return.
    const resold = new Map(order.resold.map((r) => [r.class_id, r.n]));
    const items = order.items
      .map((i) => ({ ...i, quantity: i.quantity - (resold.get(i.classId) ?? 0) }))
      .filter((i) => i.quantity > 0);
    return { eventId: order.event_id, fanId: order.fan_id, items, codeId: order.code_id };
  }
}
