// The order emails' work list in PostgreSQL (migration 0018): which orders owe a message (paid and
// not confirmed; refunded and not told), claimed a few at a time under a lease so two workers
// processes do not send the same mail, what each message says, and the stamp once it went out.
// The payment path never writes these columns: an order owes its message by its status alone.
import type { OrderItem } from "@stampede/shared/ports/orders";
import { formatShortCode } from "@stampede/shared/core/short-code";
import type { Pool } from "./pool.js";

export type OrderEmailKind = "confirmation" | "refund_notice";

export interface ClaimedOrderEmail {
  orderId: string;
  kind: OrderEmailKind;
  /** Failed sends so far (the backoff grows with it). */
  attempts: number;
}

export interface EmailTicket {
  id: string;
  classCode: string;
  className: string;
  /** The signed code the QR carries. */
  code: string;
  /** As the order page shows it ("K7QM2-XPD9C"). */
  shortCode: string;
}

/** What an order's message says: the order, its event, and its valid tickets. */
export interface OrderEmailContent {
  orderId: string;
  email: string;
  status: string;
  items: OrderItem[];
  totalCents: number;
  currency: string;
  event: { name: string; venue: string; startsAt: Date | null };
  tickets: EmailTicket[];
}

const owesMessage = `((status = 'paid' AND confirmation_sent_at IS NULL)
  OR (status = 'refunded' AND refund_notice_sent_at IS NULL))`;
// The same expression as the partial index orders_email_due, so the claim reads that index only.
const dueKey = `COALESCE(email_due_at, '-infinity'::timestamptz)`;

// SKIP LOCKED: rows another claimer (or the payment path) holds at this instant are left to the
// next sweep rather than waited for; the lease (email_due_at in the future) keeps them away from
// other processes after this statement commits.
export const claimSql = `WITH due AS (
    SELECT id FROM orders WHERE ${owesMessage} AND ${dueKey} <= now()
    ORDER BY ${dueKey} LIMIT $1 FOR UPDATE SKIP LOCKED
  )
  UPDATE orders o SET email_due_at = now() + make_interval(secs => $2::double precision / 1000)
  FROM due WHERE o.id = due.id
  RETURNING o.id, o.status, o.email_attempts`;

const markSentSql: Record<OrderEmailKind, string> = {
  confirmation: `UPDATE orders SET confirmation_sent_at = now(), email_due_at = NULL, email_attempts = 0,
      email_last_error = NULL WHERE id = $1`,
  refund_notice: `UPDATE orders SET refund_notice_sent_at = now(), email_due_at = NULL, email_attempts = 0,
      email_last_error = NULL WHERE id = $1`,
};

/** Kept of a failed send's error: enough to tell an operator why, never a whole SMTP transcript. */
const lastErrorMax = 500;

export class OrderEmailsRepo {
  constructor(private readonly pool: Pool) {}

  /** Claims up to `limit` orders owing a message, oldest due first, for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedOrderEmail[]> {
    const { rows } = await this.pool.query<{ id: string; status: string; email_attempts: number }>(claimSql, [
      limit,
      leaseMs,
    ]);
    return rows.map((r) => ({
      orderId: r.id,
      kind: r.status === "paid" ? "confirmation" : "refund_notice",
      attempts: r.email_attempts,
    }));
  }

  /** The message's content; null when the order is gone (never, short of a manual delete). */
  async content(orderId: string): Promise<OrderEmailContent | null> {
    const [orders, tickets] = await Promise.all([
      this.pool.query<{
        id: string;
        email: string;
        status: string;
        items: OrderItem[];
        total_cents: string;
        currency: string;
        name: string;
        venue: string;
        starts_at: Date | null;
      }>(
        `SELECT o.id, o.email, o.status, o.items, o.total_cents, o.currency, e.name, e.venue, e.starts_at
         FROM orders o JOIN events e ON e.id = o.event_id WHERE o.id = $1`,
        [orderId],
      ),
      this.pool.query<{ id: string; class_code: string; class_name: string; code: string; short_code: string }>(
        `SELECT t.id, t.class_code, c.name AS class_name, t.code, t.short_code
         FROM tickets t JOIN ticket_classes c ON c.id = t.class_id
         WHERE t.order_id = $1 AND t.voided_at IS NULL ORDER BY t.class_code, t.id`,
        [orderId],
      ),
    ]);
    const o = orders.rows[0];
    if (!o) return null;
    return {
      orderId: o.id,
      email: o.email,
      status: o.status,
      items: o.items,
      totalCents: Number(o.total_cents),
      currency: o.currency.trim(),
      event: { name: o.name, venue: o.venue, startsAt: o.starts_at },
      tickets: tickets.rows.map((t) => ({
        id: t.id,
        classCode: t.class_code,
        className: t.class_name,
        code: t.code,
        shortCode: formatShortCode(t.short_code),
      })),
    };
  }

  /** The message went out: the order owes it no more. */
  async markSent(orderId: string, kind: OrderEmailKind): Promise<void> {
    await this.pool.query(markSentSql[kind], [orderId]);
  }

  /** The send failed: try again in `retryInMs` (the caller's backoff), keeping why for an operator. */
  async markFailed(orderId: string, error: string, retryInMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE orders SET email_due_at = now() + make_interval(secs => $3::double precision / 1000),
         email_attempts = email_attempts + 1, email_last_error = left($2, ${lastErrorMax}) WHERE id = $1`,
      [orderId, error, retryInMs],
    );
  }
}
