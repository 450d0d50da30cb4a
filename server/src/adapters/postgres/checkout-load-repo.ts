// What the checkout holds of one sale right now, for stock-aware admission. One query over the
// event's orders (orders_event_status).
import { aboutToOrderWindowMs } from "@stampede/shared/core/admission-control";
import type { Pool } from "./pool.js";

/** Fans holding tickets, fans who have already ordered while still admitted (holding, declined or
 * cancelled, or paid when paying does not end the admission), orders taken so far (held or paid:
 * this sale's own tickets per order), and when the next hold ends (what fans in line are told
 * while every ticket left is held). */
export interface CheckoutLoad {
  holding: number;
  /** Fans who ordered within the last admission's length and whose admission that order did not end. */
  ordered: number;
  /** Fans who ordered within the last aboutToOrderWindowMs, whatever became of the order. */
  orderedRecently: number;
  ordersTaken: number;
  nextHoldEndMs: number | null;
}

export class CheckoutLoadRepo {
  constructor(private readonly pool: Pool) {}

  async read(eventId: string, admission: { ttlSeconds: number; endsOnPaid: boolean }): Promise<CheckoutLoad> {
    type Row = { holding: string; taken: string; ordered: string; ordered_recently: string; next_end: Date | null };
    const { rows } = await this.pool.query<Row>(
      `SELECT count(*) FILTER (WHERE status = 'held') AS holding,
              count(*) FILTER (WHERE status IN ('held', 'paid')) AS taken,
              count(DISTINCT fan_id) FILTER (WHERE created_at > now() - make_interval(secs => $2)
                AND (status IN ('held', 'payment_failed', 'cancelled') OR (status = 'paid' AND NOT $3))) AS ordered,
              count(DISTINCT fan_id) FILTER (WHERE created_at > now() - make_interval(secs => $4)) AS ordered_recently,
              min(expires_at) FILTER (WHERE status = 'held') AS next_end
         FROM orders WHERE event_id = $1`,
      [eventId, admission.ttlSeconds, admission.endsOnPaid, aboutToOrderWindowMs / 1_000],
    );
    const row = rows[0];
    return {
      holding: Number(row?.holding ?? 0),
      ordered: Number(row?.ordered ?? 0),
      orderedRecently: Number(row?.ordered_recently ?? 0),
      ordersTaken: Number(row?.taken ?? 0),
      nextHoldEndMs: row?.next_end ? row.next_end.getTime() : null,
    };
  }
}
