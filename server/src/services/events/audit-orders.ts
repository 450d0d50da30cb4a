// What the orders say the ledger should hold, per tier and per perk, for the audit to compare.
//
// Consistency actually guaranteed (the ledger step of every settlement runs before its commit,
// and a refund's stock return runs after its commit):
//   sold:  paid ≤ ledger sold ≤ paid + returning + held   (always; equal at rest)
//          — paid: tickets of paid orders; returning: refunded orders whose stock return is still
//          pending; held: a held order's payment may be posted and not yet committed.
//   held:  ledger held ≤ held orders' tickets   (at rest: a ledger hold ends by its own timeout
//          before the order is marked expired, so fewer is fine; a hold request in progress is
//          placed in the ledger just before its order row, so an audit racing it may see more).
//   perks: recorded ≤ granted ≤ recorded + held orders   (granted before the payment's commit).
// A late payment re-booked in the ledger but not yet committed is not allowed for: that window is
// one short transaction, and a commit that failed and was never retried is the orphan the audit
// exists to find; an audit racing a late payment may report it, and a re-run clears it.
import type { Pool } from "../../adapters/postgres/pool.js";

export interface TierOrders {
  paid: number;
  held: number;
  returning: number;
}

export interface OrdersFigures {
  tiers: Map<string, TierOrders>;
  perksRecorded: Map<string, number>;
  heldOrders: number;
}

export async function ordersFigures(pool: Pool, eventId: string): Promise<OrdersFigures> {
  const { rows } = await pool.query<{ class_id: string; paid: string; held: string; returning: string }>(
    `SELECT item->>'classId' AS class_id,
       COALESCE(SUM((item->>'quantity')::int) FILTER (WHERE o.status = 'paid'), 0) AS paid,
       COALESCE(SUM((item->>'quantity')::int) FILTER (WHERE o.status = 'held'), 0) AS held,
       COALESCE(SUM((item->>'quantity')::int) FILTER (WHERE o.status = 'refunded' AND r.return_stock AND r.done_at IS NULL), 0) AS returning
     FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.items) AS item
     LEFT JOIN refund_intents r ON r.order_id = o.id
     WHERE o.event_id = $1 GROUP BY 1`,
    [eventId],
  );
  const { rows: perks } = await pool.query<{ perk_id: string; n: string }>(
    `SELECT p.perk_id, count(*) AS n FROM order_perks p JOIN orders o ON o.id = p.order_id
      WHERE o.event_id = $1 AND o.status IN ('paid', 'refunded') GROUP BY 1`,
    [eventId],
  );
  const { rows: held } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM orders WHERE event_id = $1 AND status = 'held'",
    [eventId],
  );
  return {
    tiers: new Map(
      rows.map((r) => [r.class_id, { paid: Number(r.paid), held: Number(r.held), returning: Number(r.returning) }]),
    ),
    perksRecorded: new Map(perks.map((p) => [p.perk_id, Number(p.n)])),
    heldOrders: Number(held[0]?.n ?? 0),
  };
}

/** The tier's problems when the ledger and the orders disagree beyond what is in flight. */
export function tierAgainstOrders(ledger: { held: number; sold: number }, orders: TierOrders): string[] {
  const problems: string[] = [];
  const settled = orders.paid + orders.returning;
  if (ledger.sold < orders.paid)
    problems.push(
      `ledger sold ${ledger.sold} is ${orders.paid - ledger.sold} less than paid orders' tickets (${orders.paid})`,
    );
  if (ledger.sold > settled + orders.held)
    problems.push(
      `ledger sold ${ledger.sold} is ${ledger.sold - settled} more than paid orders' tickets (${orders.paid})` +
        ` + refunds returning stock (${orders.returning}), beyond the ${orders.held} held that may be mid-payment`,
    );
  if (ledger.held > orders.held)
    problems.push(
      `ledger held ${ledger.held} is ${ledger.held - orders.held} more than held orders' tickets (${orders.held})`,
    );
  return problems;
}
