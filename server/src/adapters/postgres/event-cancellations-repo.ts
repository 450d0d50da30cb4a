// The cancellations of events (migration 0020): the cancellation row and its work list of orders
// to refund, written with the event's move to cancelled; the server nodes' sweep claims rows under a
// lease (SKIP LOCKED, like order-emails-repo.ts), so two nodes never refund one order
// at once, and stamps each outcome. Progress is counted from the work list.
import type { Tx } from "@stampede/shared/ports/transaction";
import { clientOf, type Pool } from "./pool.js";

export interface CancellationStart {
  eventId: string;
  adminId: string | null;
  username: string | null;
  reason: string;
}

export interface CancellationProgressRow {
  startedAt: Date;
  paidOrders: number;
  refunded: number;
  failed: number;
  pending: number;
  /** When the last order was settled (null while none is). */
  lastSettledAt: Date | null;
}

export interface ClaimedRefund {
  orderId: string;
  eventId: string;
  /** Failed tries so far (the backoff grows with it). */
  attempts: number;
}

export const claimRefundsSql = `WITH due AS (
    SELECT order_id FROM cancellation_refunds WHERE outcome IS NULL AND due_at <= now()
    ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED
  )
  UPDATE cancellation_refunds r SET due_at = now() + make_interval(secs => $2::double precision / 1000)
  FROM due WHERE r.order_id = due.order_id
  RETURNING r.order_id, r.event_id, r.attempts`;

/** Paid orders of cancelled events not yet on their work list: late payments that landed after the cancel. */
const addLatePaidSql = `INSERT INTO cancellation_refunds (order_id, event_id)
  SELECT o.id, o.event_id FROM event_cancellations c JOIN orders o ON o.event_id = c.event_id AND o.status = 'paid'
  ON CONFLICT (order_id) DO NOTHING`;

const lastErrorMax = 500;

export class EventCancellationsRepo {
  constructor(private readonly pool: Pool) {}

  /** In the transaction that locked the event: moves it to cancelled and lists its paid orders to refund. */
  async start(tx: Tx, start: CancellationStart): Promise<void> {
    const client = clientOf(tx);
    await client.query("UPDATE events SET status = 'cancelled', updated_at = now() WHERE id = $1", [start.eventId]);
    await client.query(
      "INSERT INTO event_cancellations (event_id, admin_id, username, reason) VALUES ($1, $2, $3, $4)",
      [start.eventId, start.adminId, start.username, start.reason],
    );
    await client.query(
      `INSERT INTO cancellation_refunds (order_id, event_id)
       SELECT id, event_id FROM orders WHERE event_id = $1 AND status = 'paid'`,
      [start.eventId],
    );
  }

  /** The cancellation's figures; null when the event was never cancelled. */
  async progress(eventId: string): Promise<CancellationProgressRow | null> {
    const { rows } = await this.pool.query<{
      started_at: Date;
      total: string;
      refunded: string;
      failed: string;
      pending: string;
      last_settled_at: Date | null;
    }>(
      `SELECT c.started_at, count(r.order_id) AS total,
              count(*) FILTER (WHERE r.outcome = 'refunded') AS refunded,
              count(*) FILTER (WHERE r.outcome = 'failed') AS failed,
              count(r.order_id) FILTER (WHERE r.outcome IS NULL) AS pending,
              max(r.settled_at) AS last_settled_at
         FROM event_cancellations c LEFT JOIN cancellation_refunds r ON r.event_id = c.event_id
        WHERE c.event_id = $1 GROUP BY c.started_at`,
      [eventId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      startedAt: r.started_at,
      paidOrders: Number(r.total),
      refunded: Number(r.refunded),
      failed: Number(r.failed),
      pending: Number(r.pending),
      lastSettledAt: r.last_settled_at,
    };
  }

  /** Puts orders paid after their event's cancel on its work list; returns how many. */
  async addLatePaid(): Promise<number> {
    const { rowCount } = await this.pool.query(addLatePaidSql);
    return rowCount ?? 0;
  }

  /** Held orders of cancelled events, up to `limit`: their holds are ended by the sweep. */
  async heldOrders(limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT o.id FROM event_cancellations c JOIN orders o ON o.event_id = c.event_id AND o.status = 'held'
       ORDER BY o.id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** Claims up to `limit` orders to refund, oldest due first, for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedRefund[]> {
    const { rows } = await this.pool.query<{ order_id: string; event_id: string; attempts: number }>(claimRefundsSql, [
      limit,
      leaseMs,
    ]);
    return rows.map((r) => ({ orderId: r.order_id, eventId: r.event_id, attempts: r.attempts }));
  }

  /** The order's refund is settled, one way or the other. */
  async settle(orderId: string, outcome: "refunded" | "failed", error: string | null = null): Promise<void> {
    await this.pool.query(
      `UPDATE cancellation_refunds SET outcome = $2, settled_at = now(), last_error = left($3, ${lastErrorMax})
       WHERE order_id = $1`,
      [orderId, outcome, error],
    );
  }

  /** A try failed: again in `retryInMs`, keeping why for an operator. */
  async retryLater(orderId: string, error: string, retryInMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE cancellation_refunds SET due_at = now() + make_interval(secs => $3::double precision / 1000),
         attempts = attempts + 1, last_error = left($2, ${lastErrorMax}) WHERE order_id = $1`,
      [orderId, error, retryInMs],
    );
  }
}
