// What the checkout holds of one sale right now, for stock-aware admission: fans holding tickets,
// orders taken so far (held or paid: this sale's own tickets per order), and when the next hold
// ends (what fans in line are told while every ticket left is held). One indexed query.
import type { Pool } from "../../adapters/postgres/pool.js";

export interface CheckoutLoad {
  holding: number;
  ordersTaken: number;
  nextHoldEndMs: number | null;
}

export class CheckoutLoadRepo {
  constructor(private readonly pool: Pool) {}

  async read(eventId: string): Promise<CheckoutLoad> {
    const { rows } = await this.pool.query<{ holding: string; taken: string; next_end: Date | null }>(
      `SELECT count(*) FILTER (WHERE status = 'held') AS holding, count(*) AS taken,
              min(expires_at) FILTER (WHERE status = 'held') AS next_end
         FROM orders WHERE event_id = $1 AND status IN ('held', 'paid')`,
      [eventId],
    );
    const row = rows[0];
    return {
      holding: Number(row?.holding ?? 0),
      ordersTaken: Number(row?.taken ?? 0),
      nextHoldEndMs: row?.next_end ? row.next_end.getTime() : null,
    };
  }
}
