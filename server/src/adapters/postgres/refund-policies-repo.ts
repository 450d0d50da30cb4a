// Events' refund windows for fans (0029_refund_policies.sql), and what deciding a fan's refund
// reads besides the order: its tickets' open resale listings.
import type { RefundPolicyView } from "@stampede/shared/api/refunds";
import type { Pool } from "./pool.js";

export class RefundPoliciesRepo {
  constructor(private readonly pool: Pool) {}

  /** The event's policy; no row: fans cannot ask for refunds. */
  async get(eventId: string): Promise<RefundPolicyView> {
    const { rows } = await this.pool.query<{ refund_window_hours: number }>(
      "SELECT refund_window_hours FROM event_refund_policies WHERE event_id = $1",
      [eventId],
    );
    return { refundWindowHours: rows[0]?.refund_window_hours ?? 0 };
  }

  async put(eventId: string, policy: RefundPolicyView): Promise<void> {
    await this.pool.query(
      `INSERT INTO event_refund_policies (event_id, refund_window_hours) VALUES ($1, $2)
       ON CONFLICT (event_id) DO UPDATE SET refund_window_hours = $2, updated_at = now()`,
      [eventId, policy.refundWindowHours],
    );
  }

  /** Listings of the order's tickets still for sale (a listed ticket must be withdrawn before a refund). */
  async openListings(orderId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM resale_listings WHERE order_id = $1 AND status = 'listed'",
      [orderId],
    );
    return rows[0]?.n ?? 0;
  }
}
