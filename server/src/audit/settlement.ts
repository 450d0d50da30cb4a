// The end-of-run checks the ledger audit cannot make, read from the orders, tickets and MockPay's
// own tables:
//   I3 money ↔ tickets — every paid order has exactly its tickets (unvoided, per tier); every
//      unvoided ticket belongs to a paid order; every captured payment (a MockPay session that
//      succeeded) ends as a paid order or a refund, never neither, never both; a paid order was paid.
//   I4 holds end — no order is still `held` 10 s past its expiry.
// They hold at rest, not at every instant (a webhook may be on its way): `graceSeconds` leaves
// out payments completed and holds expired more recently than that.
import type { Pool } from "../adapters/postgres/pool.js";

export interface SettlementProblem {
  invariant: "I3" | "I4";
  orderId: string;
  problem: string;
}

const i3 = (orderId: string, problem: string): SettlementProblem => ({ invariant: "I3", orderId, problem });

/** How long past its expiry a hold may still be `held` (I4). */
export const holdEndSlackSeconds = 10;

async function ticketProblems(pool: Pool, eventIds: string[]): Promise<SettlementProblem[]> {
  const { rows: counts } = await pool.query<{ order_id: string; class_id: string; want: string; have: string }>(
    `WITH want AS (
       SELECT o.id AS order_id, item->>'classId' AS class_id, sum((item->>'quantity')::int) AS n
         FROM orders o CROSS JOIN LATERAL jsonb_array_elements(o.items) AS item
        WHERE o.status = 'paid' AND o.event_id = ANY($1::uuid[]) GROUP BY 1, 2),
     have AS (
       SELECT t.order_id, t.class_id::text AS class_id, count(*) AS n FROM tickets t JOIN orders o ON o.id = t.order_id
        WHERE o.status = 'paid' AND t.voided_at IS NULL AND o.event_id = ANY($1::uuid[]) GROUP BY 1, 2)
     SELECT order_id, class_id, COALESCE(w.n, 0) AS want, COALESCE(h.n, 0) AS have
       FROM want w FULL JOIN have h USING (order_id, class_id) WHERE COALESCE(w.n, 0) <> COALESCE(h.n, 0)`,
    [eventIds],
  );
  const { rows: strays } = await pool.query<{ order_id: string; status: string; n: string }>(
    `SELECT o.id AS order_id, o.status, count(*) AS n FROM tickets t JOIN orders o ON o.id = t.order_id
      WHERE t.voided_at IS NULL AND o.status <> 'paid' AND t.event_id = ANY($1::uuid[]) GROUP BY 1, 2`,
    [eventIds],
  );
  return [
    ...counts.map((r) => i3(r.order_id, `paid order has ${r.have} tickets of tier ${r.class_id}, it bought ${r.want}`)),
    ...strays.map((r) => i3(r.order_id, `${r.n} valid tickets belong to an order that is ${r.status}, not paid`)),
  ];
}

async function paymentProblems(pool: Pool, eventIds: string[], graceSeconds: number): Promise<SettlementProblem[]> {
  const { rows } = await pool.query<{
    order_id: string;
    session_id: string;
    status: string | null;
    paid: boolean;
    refunded: boolean;
  }>(
    `SELECT s.order_id, s.id AS session_id, o.status,
            (o.status = 'paid' AND o.payment_session_id = s.id) AS paid,
            EXISTS (SELECT 1 FROM mockpay_refunds r WHERE r.session_id = s.id) AS refunded
       FROM mockpay_sessions s JOIN orders o ON o.id::text = s.order_id
      WHERE s.status = 'succeeded' AND o.event_id = ANY($1::uuid[])
        AND s.completed_at <= now() - make_interval(secs => $2)`,
    [eventIds, graceSeconds],
  );
  const { rows: unpaid } = await pool.query<{ order_id: string; session: string | null }>(
    `SELECT o.id AS order_id, s.status AS session FROM orders o LEFT JOIN mockpay_sessions s ON s.id = o.payment_session_id
      WHERE o.status = 'paid' AND o.event_id = ANY($1::uuid[]) AND s.status IS DISTINCT FROM 'succeeded'`,
    [eventIds],
  );
  const problems: SettlementProblem[] = [];
  for (const r of rows) {
    const payment = `captured payment ${r.session_id}`;
    if (r.paid && r.refunded) problems.push(i3(r.order_id, `${payment} is both a paid order and a refund`));
    const order = `order ${r.status ?? "missing"}`;
    if (!r.paid && !r.refunded)
      problems.push(i3(r.order_id, `${payment} is neither a paid order nor refunded (${order})`));
  }
  for (const r of unpaid)
    problems.push(i3(r.order_id, `order is paid but its payment session is ${r.session ?? "missing"}`));
  return problems;
}

async function holdProblems(pool: Pool, eventIds: string[], graceSeconds: number): Promise<SettlementProblem[]> {
  const { rows } = await pool.query<{ id: string; late_s: string }>(
    `SELECT id, round(extract(epoch FROM now() - expires_at))::text AS late_s FROM orders
      WHERE status = 'held' AND event_id = ANY($1::uuid[]) AND expires_at < now() - make_interval(secs => $2)`,
    [eventIds, holdEndSlackSeconds + graceSeconds],
  );
  return rows.map((r) => ({
    invariant: "I4" as const,
    orderId: r.id,
    problem: `still held ${r.late_s} s after its expiry`,
  }));
}

/** I3 and I4 over the given events; empty when all hold. */
export async function settlementProblems(
  pool: Pool,
  eventIds: string[],
  graceSeconds = 0,
): Promise<SettlementProblem[]> {
  if (eventIds.length === 0) return [];
  return [
    ...(await ticketProblems(pool, eventIds)),
    ...(await paymentProblems(pool, eventIds, graceSeconds)),
    ...(await holdProblems(pool, eventIds, graceSeconds)),
  ];
}
