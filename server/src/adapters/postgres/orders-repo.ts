// Orders in PostgreSQL. Status moves are compare-and-set on the current status, so two racing
// settlements (webhook vs expiry vs cancel) can never both win.
import type { OrderStatus } from "@stampede/shared/protocol";
import type { OrderItem, OrderRecord, OrderStatusStore } from "@stampede/shared/ports/orders";
import { columnOf, pgBatched } from "./batched.js";
import type { Tx } from "@stampede/shared/ports/transaction";
import { clientOf, type Pool, type PoolClient } from "./pool.js";

export type { OrderItem, OrderRecord };

const toRecord = (r: Record<string, unknown>): OrderRecord => ({
  id: r.id as string,
  eventId: r.event_id as string,
  fanId: r.fan_id as string,
  email: r.email as string,
  status: r.status as OrderStatus,
  admissionJti: r.admission_jti as string,
  holdId: r.hold_id as string,
  items: r.items as OrderItem[],
  totalCents: Number(r.total_cents),
  currency: r.currency as string,
  orderTokenHash: r.order_token_hash as string,
  paymentProvider: r.payment_provider as OrderRecord["paymentProvider"],
  paymentSessionId: (r.payment_session_id as string | null) ?? null,
  paymentUrl: (r.payment_url as string | null) ?? null,
  expiresAt: (r.expires_at as Date).toISOString(),
  createdAt: (r.created_at as Date).toISOString(),
  paidAt: r.paid_at ? (r.paid_at as Date).toISOString() : null,
  codeId: (r.code_id as string | null) ?? null,
  code: (r.code as string | null) ?? null,
});

export type NewOrder = Omit<OrderRecord, "status" | "createdAt" | "paidAt">;

/** The admin's order search: each filter given narrows it (text: a part of the email, or the start of the id). */
export interface OrderSearch {
  /** Compared as text, so any string is safe to pass. */
  eventId?: string;
  status?: OrderStatus;
  text?: string;
  /** Only orders with a lower id (the cursor): must be a UUID. */
  beforeId?: string;
  limit: number;
}

// Concurrent holds write their orders as one multi-row statement (and check for active holds as one).
const insertHeldSql = `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency,
    order_token_hash, payment_provider, payment_session_id, payment_url, expires_at, code_id, code)
  SELECT id, event_id, fan_id, email, 'held', admission_jti, hold_id, items, total_cents, currency, order_token_hash,
    payment_provider, payment_session_id, payment_url, expires_at, code_id, code
  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::bigint[], $9::text[],
    $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::uuid[], $16::text[])
    AS n(id, event_id, fan_id, email, admission_jti, hold_id, items, total_cents, currency, order_token_hash,
      payment_provider, payment_session_id, payment_url, expires_at, code_id, code)
  ON CONFLICT DO NOTHING
  RETURNING id`;

export class OrdersRepo implements OrderStatusStore {
  constructor(private readonly pool: Pool) {}

  /** Inserts a held order; returns false when this admission already has an active hold, or the order exists. */
  readonly insertHeld = pgBatched(async (orders: NewOrder[]): Promise<boolean[]> => {
    const { rows } = await this.pool.query<{ id: string }>(insertHeldSql, [
      columnOf(orders, "id"),
      columnOf(orders, "eventId"),
      columnOf(orders, "fanId"),
      columnOf(orders, "email"),
      columnOf(orders, "admissionJti"),
      columnOf(orders, "holdId"),
      orders.map((o) => JSON.stringify(o.items)),
      columnOf(orders, "totalCents"),
      columnOf(orders, "currency"),
      columnOf(orders, "orderTokenHash"),
      columnOf(orders, "paymentProvider"),
      columnOf(orders, "paymentSessionId"),
      columnOf(orders, "paymentUrl"),
      columnOf(orders, "expiresAt"),
      orders.map((o) => o.codeId ?? null),
      orders.map((o) => o.code ?? null),
    ]);
    const inserted = new Set(rows.map((r) => r.id));
    return orders.map((o) => inserted.has(o.id));
  });

  /** Whether this fan bought with this admission (it ended when they paid). */
  async admissionUsed(fanId: string, jti: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "SELECT 1 FROM orders WHERE fan_id = $1 AND admission_jti = $2 AND status IN ('paid', 'refunded') LIMIT 1",
      [fanId, jti],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Whether this admission has a held order now. */
  readonly hasActiveHold = pgBatched(async (jtis: string[]): Promise<boolean[]> => {
    const { rows } = await this.pool.query<{ admission_jti: string }>(
      "SELECT admission_jti FROM orders WHERE admission_jti = ANY($1::text[]) AND status = 'held'",
      [jtis],
    );
    const held = new Set(rows.map((r) => r.admission_jti));
    return jtis.map((j) => held.has(j));
  });

  /** get() for hot paths: concurrent reads go to the database as one statement. */
  readonly find = pgBatched(async (ids: string[]): Promise<Array<OrderRecord | null>> => {
    const { rows } = await this.pool.query("SELECT * FROM orders WHERE id = ANY($1::uuid[])", [ids]);
    const found = new Map(rows.map((r) => [r.id as string, toRecord(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  async get(id: string): Promise<OrderRecord | null> {
    const { rows } = await this.pool.query("SELECT * FROM orders WHERE id = $1", [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async getForUpdate(tx: Tx, id: string): Promise<OrderRecord | null> {
    const { rows } = await clientOf(tx).query("SELECT * FROM orders WHERE id = $1 FOR UPDATE", [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Compare-and-set on the status; returns whether this call made the move. */
  move(
    tx: Tx,
    id: string,
    from: OrderStatus,
    to: OrderStatus,
    extra: { holdId?: string; reason?: string } = {},
  ): Promise<boolean> {
    return this.moveOn(clientOf(tx), id, from, to, extra);
  }

  private async moveOn(
    db: Pool | PoolClient,
    id: string,
    from: OrderStatus,
    to: OrderStatus,
    extra: { holdId?: string; reason?: string } = {},
  ): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE orders SET status = $3, updated_at = now(), status_reason = COALESCE($5, status_reason),
         hold_id = COALESCE($4, hold_id),
         paid_at = CASE WHEN $3 = 'paid' THEN now() ELSE paid_at END,
         refunded_at = CASE WHEN $3 = 'refunded' THEN now() ELSE refunded_at END
       WHERE id = $1 AND status = $2`,
      [id, from, to, extra.holdId ?? null, extra.reason ?? null],
    );
    return rowCount === 1;
  }

  /** A status move on the pool, outside any transaction (the OrderStatusStore port's move). */
  moveStatus(id: string, from: OrderStatus, to: OrderStatus): Promise<boolean> {
    return this.moveOn(this.pool, id, from, to);
  }

  /** One fan's orders for one event, newest first. */
  async listForFan(eventId: string, fanId: string, limit: number): Promise<OrderRecord[]> {
    const { rows } = await this.pool.query(
      "SELECT * FROM orders WHERE fan_id = $1 AND event_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
      [fanId, eventId, limit],
    );
    return rows.map(toRecord);
  }

  /** An account's orders, any event, newest first: those under its fan ids (its devices) and, once
   * its address is verified, those placed as a guest with that address (lower case). */
  async listForAccount(
    owner: { fanIds: string[]; verifiedEmail: string | null },
    limit: number,
  ): Promise<OrderRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM orders WHERE fan_id = ANY($1::uuid[]) OR ($3::text IS NOT NULL AND lower(email) = $3)
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [owner.fanIds, limit, owner.verifiedEmail],
    );
    return rows.map(toRecord);
  }

  /** Held orders past their expiry (the sweeper's work list), oldest first. */
  async dueHolds(cutoff: Date, limit: number): Promise<OrderRecord[]> {
    const { rows } = await this.pool.query(
      "SELECT * FROM orders WHERE status = 'held' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
      [cutoff, limit],
    );
    return rows.map(toRecord);
  }

  /** An order's perks (code and name), by code. */
  async perksOf(orderId: string): Promise<Array<{ code: string; name: string }>> {
    const { rows } = await this.pool.query<{ code: string; name: string }>(
      "SELECT p.code, p.name FROM order_perks op JOIN perks p ON p.id = op.perk_id WHERE op.order_id = $1 ORDER BY p.code",
      [orderId],
    );
    return rows.map((p) => ({ code: p.code, name: p.name }));
  }

  /** The admin's order search: ids of the orders that match every filter given, highest id (newest) first. */
  async searchIds(search: OrderSearch): Promise<string[]> {
    if (!Number.isSafeInteger(search.limit) || search.limit < 1) throw new RangeError(`limit ${search.limit}`);
    const where: string[] = [];
    const args: unknown[] = [];
    // Each condition names its one parameter as $n (used twice by the search).
    const add = (sql: (n: string) => string, v: unknown) => {
      args.push(v);
      where.push(sql(`$${args.length}`));
    };
    if (search.eventId) add((n) => `event_id::text = ${n}`, search.eventId);
    if (search.status) add((n) => `status = ${n}`, search.status);
    if (search.text)
      add((n) => `(lower(email) LIKE '%' || lower(${n}) || '%' OR id::text LIKE lower(${n}) || '%')`, search.text);
    if (search.beforeId) add((n) => `id < ${n}`, search.beforeId);
    const sql = `SELECT id FROM orders ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${search.limit}`;
    const { rows } = await this.pool.query<{ id: string }>(sql, args);
    return rows.map((r) => r.id);
  }
}
