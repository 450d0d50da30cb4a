// MockPay's SQL, and only MockPay's tables (mockpay_*). Each function is one statement; the service
// decides which run together in a transaction.
import { assert } from "@stampede/shared/assert";
import { mockpaySessionTtlSeconds } from "@stampede/shared/limits";
import { columnOf } from "../adapters/postgres/batched.js";
import type { Pool, PoolClient } from "../adapters/postgres/pool.js";
import { webhookEventSchema, type WebhookEvent, type WebhookEventType } from "../payments/webhook.js";
import type { CompletionOutcome, SessionStatus } from "./rules.js";

export type Db = Pool | PoolClient;

export interface SessionRow {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  description: string;
  returnUrl: string;
  webhookUrl: string;
  status: SessionStatus;
  createdAt: Date;
  expiresAt: Date;
  completedAt: Date | null;
  /** Past its expiry by the database's clock (one clock for every node). */
  expired: boolean;
  /** The shop's deadline (its hold's end), shown as a countdown; null when the shop gave none. */
  payBy: Date | null;
}

interface RawSession {
  id: string;
  order_id: string;
  amount_cents: string;
  currency: string;
  description: string;
  return_url: string;
  webhook_url: string;
  status: SessionStatus;
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
  expired: boolean;
  pay_by: Date | null;
}

const sessionColumns = [
  "id, order_id, amount_cents, currency, description, return_url, webhook_url, status",
  "created_at, expires_at, completed_at, expires_at <= now() AS expired, pay_by",
].join(", ");

function toSession(r: RawSession): SessionRow {
  const amountCents = Number(r.amount_cents);
  assert(Number.isSafeInteger(amountCents), `amount_cents out of range in session ${r.id}`);
  return {
    id: r.id,
    orderId: r.order_id,
    amountCents,
    currency: r.currency,
    description: r.description,
    returnUrl: r.return_url,
    webhookUrl: r.webhook_url,
    status: r.status,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    completedAt: r.completed_at,
    expired: r.expired,
    payBy: r.pay_by,
  };
}

export type NewSession = Omit<SessionRow, "status" | "createdAt" | "expiresAt" | "completedAt" | "expired">;

/** Inserts each session unless its order already has one (one statement for the lot); returns
 * each order's session either way, in the order given. */
export async function insertOrGetSessions(db: Db, sessions: NewSession[]): Promise<SessionRow[]> {
  const col = <K extends keyof NewSession>(key: K) => columnOf(sessions, key);
  const inserted = await db.query<RawSession>(
    `INSERT INTO mockpay_sessions (id, order_id, amount_cents, currency, description, return_url, webhook_url, expires_at, pay_by)
     SELECT id, order_id, amount_cents, currency, description, return_url, webhook_url, now() + make_interval(secs => $8), pay_by
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $9::timestamptz[])
       AS n(id, order_id, amount_cents, currency, description, return_url, webhook_url, pay_by)
     ON CONFLICT (order_id) DO NOTHING RETURNING ${sessionColumns}`,
    [
      col("id"),
      col("orderId"),
      col("amountCents"),
      col("currency"),
      col("description"),
      col("returnUrl"),
      col("webhookUrl"),
      mockpaySessionTtlSeconds,
      col("payBy"),
    ],
  );
  const byOrder = new Map(inserted.rows.map((r) => [r.order_id, r]));
  const missing = [...new Set(sessions.map((s) => s.orderId).filter((id) => !byOrder.has(id)))];
  if (missing.length > 0) {
    const found = await db.query<RawSession>(
      `SELECT ${sessionColumns} FROM mockpay_sessions WHERE order_id = ANY($1::text[])`,
      [missing],
    );
    for (const r of found.rows) byOrder.set(r.order_id, r);
  }
  return sessions.map((s) => {
    const row = byOrder.get(s.orderId);
    assert(row, `session for order ${s.orderId} neither inserted nor found`);
    return toSession(row);
  });
}

export async function sessionById(
  db: Db,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SessionRow | null> {
  const { rows } = await db.query<RawSession>(
    `SELECT ${sessionColumns} FROM mockpay_sessions WHERE id = $1${options.forUpdate ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0] ? toSession(rows[0]) : null;
}

export async function markCompleted(db: Db, id: string, status: Exclude<SessionStatus, "open">): Promise<void> {
  const { rowCount } = await db.query(
    "UPDATE mockpay_sessions SET status = $2, completed_at = now() WHERE id = $1 AND status = 'open'",
    [id, status],
  );
  assert(rowCount === 1, `session ${id} was not open when completed (callers lock it first)`);
}

export async function insertEvent(db: Db, event: WebhookEvent): Promise<void> {
  await insertEvents(db, [event]);
}

export async function insertEvents(db: Db, events: readonly WebhookEvent[]): Promise<void> {
  const sql = `INSERT INTO mockpay_events (id, session_id, type, payload)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`;
  await db.query(sql, [
    events.map((e) => e.id),
    events.map((e) => e.data.sessionId),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e)),
  ]);
}

/**
 * Completes those of the sessions that are open and not expired, each with its outcome (distinct
 * ids), in the caller's transaction: locked in id order, then one update. Returns the sessions
 * completed now; the others are left as they were.
 */
/** A request to complete a session with an outcome. */
export interface Completion {
  sessionId: string;
  outcome: CompletionOutcome;
}

export async function completeOpenSessions(db: Db, items: readonly Completion[]): Promise<SessionRow[]> {
  const ids = items.map((i) => i.sessionId);
  await db.query("SELECT id FROM mockpay_sessions WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE", [ids]);
  const { rows } = await db.query<RawSession>(
    `UPDATE mockpay_sessions SET status = r.to_status, completed_at = now()
     FROM unnest($1::text[], $2::text[]) AS r(session_id, to_status)
     WHERE id = r.session_id AND status = 'open' AND expires_at > now()
     RETURNING ${sessionColumns}`,
    [ids, items.map((i) => i.outcome)],
  );
  return rows.map(toSession);
}

export interface EventState {
  id: string;
  delivered: boolean;
}

export async function eventOf(db: Db, sessionId: string, type: WebhookEventType): Promise<EventState | null> {
  const { rows } = await db.query<{ id: string; delivered: boolean }>(
    "SELECT id, delivered_at IS NOT NULL AS delivered FROM mockpay_events WHERE session_id = $1 AND type = $2",
    [sessionId, type],
  );
  return rows[0] ?? null;
}

export interface RefundRow {
  id: string;
  /** What was refunded: the session's amount, or less for a partial refund. */
  amountCents: number;
  createdAt: Date;
}

export async function refundOf(db: Db, sessionId: string): Promise<RefundRow | null> {
  const { rows } = await db.query<{ id: string; amount_cents: string; created_at: Date }>(
    "SELECT id, amount_cents, created_at FROM mockpay_refunds WHERE session_id = $1",
    [sessionId],
  );
  const row = rows[0];
  return row ? { id: row.id, amountCents: Number(row.amount_cents), createdAt: row.created_at } : null;
}

export async function insertRefund(
  db: Db,
  r: { id: string; sessionId: string; amountCents: number; reason: string },
): Promise<void> {
  await db.query("INSERT INTO mockpay_refunds (id, session_id, amount_cents, reason) VALUES ($1, $2, $3, $4)", [
    r.id,
    r.sessionId,
    r.amountCents,
    r.reason,
  ]);
}

/** Undelivered events created at least `minAgeSeconds` ago, oldest first. */
export async function undeliveredEventIds(db: Db, minAgeSeconds: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM mockpay_events
      WHERE delivered_at IS NULL AND created_at <= now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT $2`,
    [minAgeSeconds, limit],
  );
  return rows.map((r) => r.id);
}

export interface DeliveryTarget {
  event: WebhookEvent;
  webhookUrl: string;
  /** The shop has acknowledged it already (by another job of it). */
  delivered: boolean;
}

/** What to send for each event (null: no such event), in the order given; one statement. */
export async function deliveryTargets(db: Db, eventIds: readonly string[]): Promise<Array<DeliveryTarget | null>> {
  const { rows } = await db.query<{ id: string; payload: unknown; webhook_url: string; delivered: boolean }>(
    `SELECT e.id, e.payload, s.webhook_url, e.delivered_at IS NOT NULL AS delivered
     FROM mockpay_events e JOIN mockpay_sessions s ON s.id = e.session_id
     WHERE e.id = ANY($1::text[])`,
    [eventIds],
  );
  const target = (r: (typeof rows)[number]) => ({
    event: webhookEventSchema.parse(r.payload),
    webhookUrl: r.webhook_url,
    delivered: r.delivered,
  });
  const byId = new Map(rows.map((r) => [r.id, target(r)]));
  return eventIds.map((id) => byId.get(id) ?? null);
}

export interface Attempt {
  eventId: string;
  /** null: the shop answered 2xx. */
  error: string | null;
}

/**
 * Counts attempts, in one statement (several of one event, chaos copies, count each). The first
 * success time is kept, and so is the last error (it tells why earlier attempts needed a retry).
 */
export async function recordAttempts(db: Db, attempts: readonly Attempt[]): Promise<void> {
  const byEvent = new Map<string, { n: number; lastError: string | null; delivered: boolean }>();
  for (const a of attempts) {
    const e = byEvent.get(a.eventId) ?? { n: 0, lastError: null, delivered: false };
    const lastError = a.error === null ? e.lastError : a.error.slice(0, 500);
    byEvent.set(a.eventId, { n: e.n + 1, lastError, delivered: e.delivered || a.error === null });
  }
  const rows = [...byEvent].map(([id, e]) => ({ id, ...e }));
  await db.query(
    `UPDATE mockpay_events e SET attempts = e.attempts + a.n, last_error = coalesce(a.error, e.last_error),
       delivered_at = CASE WHEN a.delivered THEN coalesce(e.delivered_at, now()) ELSE e.delivered_at END
     FROM unnest($1::text[], $2::int[], $3::text[], $4::boolean[]) AS a(event_id, n, error, delivered)
     WHERE e.id = a.event_id`,
    [columnOf(rows, "id"), columnOf(rows, "n"), columnOf(rows, "lastError"), columnOf(rows, "delivered")],
  );
}

export interface PayoutRow {
  id: string;
  payoutKey: string;
  amountCents: number;
  currency: string;
  recipient: string;
  description: string;
  createdAt: Date;
}

/** Inserts the payout unless its key has one already; returns the key's payout either way. */
export async function insertOrGetPayout(db: Db, p: Omit<PayoutRow, "createdAt">): Promise<PayoutRow> {
  const columns = "id, payout_key, amount_cents, currency, recipient, description, created_at";
  type Raw = { id: string; payout_key: string; amount_cents: string; currency: string } & {
    recipient: string;
    description: string;
    created_at: Date;
  };
  const inserted = await db.query<Raw>(
    `INSERT INTO mockpay_payouts (id, payout_key, amount_cents, currency, recipient, description)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payout_key) DO NOTHING RETURNING ${columns}`,
    [p.id, p.payoutKey, p.amountCents, p.currency, p.recipient, p.description],
  );
  const row =
    inserted.rows[0] ??
    (await db.query<Raw>(`SELECT ${columns} FROM mockpay_payouts WHERE payout_key = $1`, [p.payoutKey])).rows[0];
  assert(row, `payout ${p.payoutKey} neither inserted nor found`);
  const amountCents = Number(row.amount_cents);
  assert(Number.isSafeInteger(amountCents), `amount_cents out of range in payout ${row.id}`);
  return {
    ...{ id: row.id, payoutKey: row.payout_key, amountCents, currency: row.currency },
    ...{ recipient: row.recipient, description: row.description, createdAt: row.created_at },
  };
}
