// The hold_requests table as idempotent hold requests use it (services/orders/idempotency.ts):
// claiming a key as a lease, keeping its answer, releasing it, reading it back. Concurrent
// requests go to the database as one statement per step.
import type { Clock } from "@stampede/shared/ports/clock";
import { columnOf, pgBatched } from "./batched.js";
import type { Pool } from "./pool.js";

/** An answer as the table keeps it: the HTTP status and the body (JSON). */
export interface KeptAnswer {
  status: number;
  body: unknown;
}

/** A claim on (fan, key) for a request, proposing the order id its work will place. */
export interface KeyClaim {
  fanId: string;
  key: string;
  hash: string;
  orderId: string;
}

export interface KeyAnswer {
  fanId: string;
  key: string;
  answer: KeptAnswer;
}

/** A key as it is: the request it was claimed for, its answer (null while in progress), its lease. */
export interface KeptRequest {
  requestHash: string;
  answer: KeptAnswer | null;
  leaseUntil: Date;
}

/** How long a claim stays in progress, on which clock. */
export interface ClaimLease {
  leaseMs: number;
  now: Clock;
}

const inProgress = 0;

// A new key is inserted with the proposed order id; a key still in progress whose lease ran out
// (same request) is taken over and keeps its order id. Returned rows are the claims won.
const claimSql = `INSERT INTO hold_requests AS h (fan_id, key, request_hash, status, response, order_id, lease_until)
  SELECT fan_id, key, request_hash, ${inProgress}, 'null', order_id, $5
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) AS c(fan_id, key, request_hash, order_id)
  ON CONFLICT (fan_id, key) DO UPDATE SET lease_until = EXCLUDED.lease_until
    WHERE h.status = ${inProgress} AND h.lease_until < $6 AND h.request_hash = EXCLUDED.request_hash AND h.order_id IS NOT NULL
  RETURNING h.fan_id, h.key, h.order_id`;
const answerSql = `UPDATE hold_requests h SET status = a.status, response = a.response
  FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::jsonb[]) AS a(fan_id, key, status, response)
  WHERE h.fan_id = a.fan_id AND h.key = a.key`;

// A key already there (claimed, answered, or twice in the batch) is left as it is.
const answerAtOnceSql = `INSERT INTO hold_requests (fan_id, key, request_hash, status, response)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::integer[], $5::jsonb[])
  ON CONFLICT (fan_id, key) DO NOTHING
  RETURNING fan_id, key`;

const claimKey = (fanId: string, key: string) => `${fanId} ${key}`;

export class IdempotencyStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Claims (fan, key) for concurrent requests in one statement; a key twice in one batch is claimed once.
   * Each claim answers with the order id it holds (the proposed one, or an earlier attempt's it took
   * over), or null when the key is not this claim's; the lease runs from when the batch is sent.
   */
  claims(lease: ClaimLease): (claim: KeyClaim) => Promise<string | null> {
    return pgBatched(async (claims: KeyClaim[]): Promise<Array<string | null>> => {
      const first = new Map<string, KeyClaim>();
      for (const c of claims) if (!first.has(claimKey(c.fanId, c.key))) first.set(claimKey(c.fanId, c.key), c);
      const unique = [...first.values()];
      const now = lease.now();
      const { rows } = await this.pool.query<{ fan_id: string; key: string; order_id: string }>(claimSql, [
        unique.map((c) => c.fanId),
        unique.map((c) => c.key),
        unique.map((c) => c.hash),
        unique.map((c) => c.orderId),
        new Date(now + lease.leaseMs),
        new Date(now),
      ]);
      const won = new Map(rows.map((r) => [claimKey(r.fan_id, r.key), r.order_id]));
      return claims.map((c) => {
        const orderId = won.get(claimKey(c.fanId, c.key));
        return first.get(claimKey(c.fanId, c.key)) !== c || orderId === undefined ? null : orderId;
      });
    });
  }

  /** Keeps the answer of a claimed key. */
  readonly answer = pgBatched(async (answers: KeyAnswer[]): Promise<void[]> => {
    await this.pool.query(answerSql, [
      answers.map((a) => a.fanId),
      answers.map((a) => a.key),
      answers.map((a) => a.answer.status),
      answers.map((a) => JSON.stringify(a.answer.body)),
    ]);
    return answers.map(() => undefined);
  });

  /**
   * Keeps an answer for a key never claimed, in one statement with the others of its moment.
   * False when the key was already there.
   */
  readonly answerAtOnce = pgBatched(async (answers: Array<KeyAnswer & { hash: string }>): Promise<boolean[]> => {
    const { rows } = await this.pool.query<{ fan_id: string; key: string }>(answerAtOnceSql, [
      ...[columnOf(answers, "fanId"), columnOf(answers, "key"), columnOf(answers, "hash")],
      ...[answers.map((a) => a.answer.status), answers.map((a) => JSON.stringify(a.answer.body))],
    ]);
    const kept = new Set(rows.map((r) => claimKey(r.fan_id, r.key)));
    const first = new Set<string>();
    return answers.map((a) => {
      const k = claimKey(a.fanId, a.key);
      if (first.has(k) || !kept.has(k)) return false; // a key twice in one batch: the first one is kept
      first.add(k);
      return true;
    });
  });

  /** Nothing held: forget the key (a retry gets a new order id). Maybe held: end the lease (a retry resumes this order id). */
  async release(fanId: string, key: string, forget: boolean): Promise<void> {
    const sql = forget
      ? `DELETE FROM hold_requests WHERE fan_id = $1 AND key = $2 AND status = ${inProgress}`
      : `UPDATE hold_requests SET lease_until = '-infinity' WHERE fan_id = $1 AND key = $2 AND status = ${inProgress}`;
    await this.pool.query(sql, [fanId, key]);
  }

  /** The key as it is now; null when it is not there (released a moment ago). */
  async lookup(fanId: string, key: string): Promise<KeptRequest | null> {
    const { rows } = await this.pool.query<{
      request_hash: string;
      status: number;
      response: unknown;
      lease_until: Date;
    }>("SELECT request_hash, status, response, lease_until FROM hold_requests WHERE fan_id = $1 AND key = $2", [
      fanId,
      key,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      requestHash: row.request_hash,
      answer: row.status === inProgress ? null : { status: row.status, body: row.response },
      leaseUntil: row.lease_until,
    };
  }
}
