// What the orders say the ledger should hold, per tier and per perk, read for the invariant audit
// (services/events/audit-orders.ts says which differences from the ledger are allowed).
import type { Pool } from "./pool.js";

export interface TierOrders {
  paid: number;
  held: number;
  returning: number;
  /** Tickets sold on through resale (their seats are counted with the buyers' orders). */
  resold?: number;
}

export interface OrdersFigures {
  tiers: Map<string, TierOrders>;
  perksRecorded: Map<string, number>;
  heldOrders: number;
}

export class AuditFiguresRepo {
  constructor(private readonly pool: Pool) {}

  async ordersFigures(eventId: string): Promise<OrdersFigures> {
    const { rows } = await this.pool.query<{
      class_id: string;
      paid: string;
      held: string;
      returning: string;
      resold: string;
    }>(
      // A ticket resold (resale) is no longer its first order's: the buyer's order holds the seat now.
      `WITH resold AS (SELECT order_id, class_id::text AS class_id, count(*)::int AS n FROM tickets
         WHERE event_id = $1 AND resold_at IS NOT NULL GROUP BY 1, 2)
       SELECT item->>'classId' AS class_id,
         COALESCE(SUM((item->>'quantity')::int - COALESCE(rs.n, 0)) FILTER (WHERE o.status = 'paid'), 0) AS paid,
         COALESCE(SUM((item->>'quantity')::int) FILTER (WHERE o.status = 'held'), 0) AS held,
         COALESCE(SUM((item->>'quantity')::int - COALESCE(rs.n, 0))
           FILTER (WHERE o.status = 'refunded' AND r.return_stock AND r.done_at IS NULL), 0) AS returning,
         COALESCE(SUM(rs.n), 0) AS resold
       FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.items) AS item
       LEFT JOIN refund_intents r ON r.order_id = o.id
       LEFT JOIN resold rs ON rs.order_id = o.id AND rs.class_id = item->>'classId'
       WHERE o.event_id = $1 GROUP BY 1`,
      [eventId],
    );
    const { rows: perks } = await this.pool.query<{ perk_id: string; n: string }>(
      `SELECT p.perk_id, count(*) AS n FROM order_perks p JOIN orders o ON o.id = p.order_id
        WHERE o.event_id = $1 AND o.status IN ('paid', 'refunded') GROUP BY 1`,
      [eventId],
    );
    const { rows: held } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM orders WHERE event_id = $1 AND status = 'held'",
      [eventId],
    );
    return {
      tiers: new Map(
        rows.map((r) => [
          r.class_id,
          { paid: Number(r.paid), held: Number(r.held), returning: Number(r.returning), resold: Number(r.resold) },
        ]),
      ),
      perksRecorded: new Map(perks.map((p) => [p.perk_id, Number(p.n)])),
      heldOrders: Number(held[0]?.n ?? 0),
    };
  }
}
