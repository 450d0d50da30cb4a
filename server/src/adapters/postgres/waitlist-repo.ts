// The waiting list's PostgreSQL side (migration 0033): the "a ticket came back for you" notices owed
// to signed-in fans (written when the room makes an offer, claimed a few at a time under a lease by
// the workers' sweep, SKIP LOCKED like resale-notices-repo.ts), and whether an offer was used (an
// order placed with its admission).
import type { Pool } from "./pool.js";

export interface WaitlistNoticeKey {
  eventId: string;
  fanId: string;
  jti: string;
}

export interface ClaimedWaitlistNotice extends WaitlistNoticeKey {
  attempts: number;
}

export interface WaitlistNoticeContent extends WaitlistNoticeKey {
  /** The account's address. */
  email: string;
  event: { name: string; venue: string; startsAt: Date | null };
  claimDeadline: Date;
}

const claimSql = `WITH due AS (
    SELECT event_id, fan_id, admission_jti FROM waitlist_notices WHERE sent_at IS NULL AND due_at <= now()
    ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED
  )
  UPDATE waitlist_notices n SET due_at = now() + make_interval(secs => $2::double precision / 1000)
  FROM due WHERE (n.event_id, n.fan_id, n.admission_jti) = (due.event_id, due.fan_id, due.admission_jti)
  RETURNING n.event_id, n.fan_id, n.admission_jti, n.attempts`;

// The fan's account: the one its fan id belongs to (a signed-in fan's session id is the account's).
const contentSql = `SELECT a.email, e.name, e.venue, e.starts_at, n.claim_deadline
  FROM waitlist_notices n
  JOIN account_fans af ON af.fan_id = n.fan_id
  JOIN accounts a ON a.id = af.account_id
  JOIN events e ON e.id = n.event_id
  WHERE n.event_id = $1 AND n.fan_id = $2 AND n.admission_jti = $3`;

const key = `event_id = $1 AND fan_id = $2 AND admission_jti = $3`;
const lastErrorMax = 500;

export class WaitlistRepo {
  constructor(private readonly pool: Pool) {}

  /** A notice for each offer whose fan is signed in (has an account); again is harmless. */
  async addNotices(eventId: string, offers: ReadonlyArray<{ fanId: string; jti: string; expiresAtMs: number }>) {
    if (offers.length === 0) return;
    await this.pool.query(
      `INSERT INTO waitlist_notices (event_id, fan_id, admission_jti, claim_deadline)
       SELECT $1, o.fan_id, o.jti, to_timestamp(o.ms / 1000.0)
       FROM unnest($2::uuid[], $3::text[], $4::float8[]) AS o (fan_id, jti, ms)
       WHERE EXISTS (SELECT 1 FROM account_fans af WHERE af.fan_id = o.fan_id)
       ON CONFLICT DO NOTHING`,
      [eventId, offers.map((o) => o.fanId), offers.map((o) => o.jti), offers.map((o) => o.expiresAtMs)],
    );
  }

  /** Whether the fan placed an order with this admission (the offer was claimed). */
  async claimed(fanId: string, jti: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "SELECT 1 FROM orders WHERE fan_id = $1 AND admission_jti = $2 LIMIT 1",
      [fanId, jti],
    );
    return (rowCount ?? 0) > 0;
  }

  async claimDue(limit: number, leaseMs: number): Promise<ClaimedWaitlistNotice[]> {
    const { rows } = await this.pool.query<{
      event_id: string;
      fan_id: string;
      admission_jti: string;
      attempts: number;
    }>(claimSql, [limit, leaseMs]);
    return rows.map((r) => ({ eventId: r.event_id, fanId: r.fan_id, jti: r.admission_jti, attempts: r.attempts }));
  }

  /** Null when the fan has no account any more (nobody to write to). */
  async content(k: WaitlistNoticeKey): Promise<WaitlistNoticeContent | null> {
    const { rows } = await this.pool.query<{
      email: string;
      name: string;
      venue: string;
      starts_at: Date | null;
      claim_deadline: Date;
    }>(contentSql, [k.eventId, k.fanId, k.jti]);
    const r = rows[0];
    if (!r) return null;
    const event = { name: r.name, venue: r.venue, startsAt: r.starts_at };
    return { ...k, email: r.email, event, claimDeadline: r.claim_deadline };
  }

  async markSent(k: WaitlistNoticeKey): Promise<void> {
    await this.pool.query(`UPDATE waitlist_notices SET sent_at = now(), last_error = NULL WHERE ${key}`, [
      k.eventId,
      k.fanId,
      k.jti,
    ]);
  }

  async markFailed(k: WaitlistNoticeKey, error: string, retryInMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE waitlist_notices SET due_at = now() + make_interval(secs => $5::double precision / 1000),
         attempts = attempts + 1, last_error = left($4, ${lastErrorMax}) WHERE ${key}`,
      [k.eventId, k.fanId, k.jti, error, retryInMs],
    );
  }
}
