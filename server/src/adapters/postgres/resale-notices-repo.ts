// The sellers' "your ticket was resold" notices' work list in PostgreSQL (migration 0026): which sold
// listings owe their seller the notice, claimed a few at a time under a lease (SKIP LOCKED, like
// order-emails-repo.ts) so two workers processes do not send one twice, what each notice says, and
// the stamp once it went out. The settlement never writes these columns: a listing owes its notice
// by being sold alone.
import type { Pool } from "./pool.js";

export interface ClaimedResaleNotice {
  listingId: string;
  /** Failed sends so far (the backoff grows with it). */
  attempts: number;
}

/** What a seller's sold notice says: who sold what, for how much, and what they are paid. */
export interface ResaleNoticeContent {
  listingId: string;
  /** The seller's account address. */
  email: string;
  event: { name: string; venue: string; startsAt: Date | null };
  classCode: string;
  className: string;
  priceCents: number;
  payoutCents: number;
  currency: string;
  soldAt: Date;
}

// The same expression and predicate as the partial index resale_listings_notice_due.
const dueKey = `COALESCE(notice_due_at, '-infinity'::timestamptz)`;
const owesNotice = `status = 'sold' AND sold_notice_sent_at IS NULL`;

const claimSql = `WITH due AS (
    SELECT id FROM resale_listings WHERE ${owesNotice} AND ${dueKey} <= now()
    ORDER BY ${dueKey} LIMIT $1 FOR UPDATE SKIP LOCKED
  )
  UPDATE resale_listings l SET notice_due_at = now() + make_interval(secs => $2::double precision / 1000)
  FROM due WHERE l.id = due.id
  RETURNING l.id, l.notice_attempts`;

const contentSql = `SELECT l.id, a.email, e.name, e.venue, e.starts_at, l.class_code, c.name AS class_name,
    l.price_cents, p.amount_cents, p.currency, l.sold_at
  FROM resale_listings l
  JOIN accounts a ON a.id = l.seller_account_id
  JOIN events e ON e.id = l.event_id
  JOIN resale_payouts p ON p.listing_id = l.id
  LEFT JOIN ticket_classes c ON c.id = l.class_id
  WHERE l.id = $1 AND l.status = 'sold'`;

interface ContentRow {
  id: string;
  email: string;
  name: string;
  venue: string;
  starts_at: Date | null;
  class_code: string;
  class_name: string | null;
  price_cents: string;
  amount_cents: string;
  currency: string;
  sold_at: Date;
}

/** Kept of a failed send's error: enough to tell an operator why, never a whole SMTP transcript. */
const lastErrorMax = 500;

export class ResaleNoticesRepo {
  constructor(private readonly pool: Pool) {}

  /** Claims up to `limit` sold listings whose seller was not told, oldest due first, for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedResaleNotice[]> {
    const { rows } = await this.pool.query<{ id: string; notice_attempts: number }>(claimSql, [limit, leaseMs]);
    return rows.map((r) => ({ listingId: r.id, attempts: r.notice_attempts }));
  }

  /** The notice's content; null when the listing is not sold (or has no payout: never, short of a manual edit). */
  async content(listingId: string): Promise<ResaleNoticeContent | null> {
    const { rows } = await this.pool.query<ContentRow>(contentSql, [listingId]);
    const r = rows[0];
    if (!r) return null;
    return {
      listingId: r.id,
      email: r.email,
      event: { name: r.name, venue: r.venue, startsAt: r.starts_at },
      classCode: r.class_code,
      className: r.class_name ?? r.class_code,
      priceCents: Number(r.price_cents),
      payoutCents: Number(r.amount_cents),
      currency: r.currency.trim(),
      soldAt: r.sold_at,
    };
  }

  /** The notice went out: the listing owes it no more. */
  async markSent(listingId: string): Promise<void> {
    await this.pool.query(
      `UPDATE resale_listings SET sold_notice_sent_at = now(), notice_due_at = NULL, notice_attempts = 0,
         notice_last_error = NULL WHERE id = $1`,
      [listingId],
    );
  }

  /** The send failed: try again in `retryInMs` (the caller's backoff), keeping why for an operator. */
  async markFailed(listingId: string, error: string, retryInMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE resale_listings SET notice_due_at = now() + make_interval(secs => $3::double precision / 1000),
         notice_attempts = notice_attempts + 1, notice_last_error = left($2, ${lastErrorMax}) WHERE id = $1`,
      [listingId, error, retryInMs],
    );
  }
}
