// Idempotent hold requests: the same Idempotency-Key from the same fan returns the first answer
// and creates nothing new. The key is claimed before the work starts, together with the order id
// the work will place, so two concurrent requests with one key cannot both place a hold. The
// claim is a lease: a request that died (kill -9) or failed ambiguously (the ledger did not
// answer — the hold may be in place) leaves the key to a retry, which takes the claim over and
// places the same order id again; the ledger answers that with `exists`, so there is one hold.
import type { Clock } from "@stampede/shared/ports/clock";
import { createHash } from "node:crypto";
import type { ErrorBody } from "@stampede/shared/errors";
import { uuidv7 } from "@stampede/shared/ids";
import { columnOf, pgBatched } from "../../adapters/postgres/batched.js";
import type { Pool } from "../../adapters/postgres/pool.js";
import { DomainError, errorStatus } from "../errors.js";

/** An answer as kept for replay: what the work answered (B: the hold route's HoldView), or a refusal. */
export interface StoredAnswer<B = unknown> {
  status: number;
  body: B | ErrorBody;
}

/** What a claimed request works on: its order id, and whether an earlier attempt may have placed it. */
export interface HoldAttempt {
  orderId: string;
  resumed: boolean;
}

export interface IdempotencyOptions {
  /** How long a claim stays in progress before a retry may take it over; longer than any hold request takes. */
  leaseMs: number;
  now?: Clock;
}

const inProgress = 0;

export function requestHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/** A refusal as it is kept for replay: the status HTTP answers its code with (errorStatus), and no details. */
export function answerOf(err: DomainError): StoredAnswer<never> {
  return { status: errorStatus[err.code], body: { error: { code: err.code, message: err.message } } };
}

const failedWithNothingHeld = new WeakSet<object>();

/** Marks an error after which this attempt's order id holds nothing (and never will): the key is freed for a new id. */
export function nothingHeld<E extends object>(err: E): E {
  failedWithNothingHeld.add(err);
  return err;
}

interface Claim {
  fanId: string;
  key: string;
  hash: string;
  orderId: string;
}

interface Answered {
  fanId: string;
  key: string;
  answer: StoredAnswer<unknown>;
}

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

/** B: what the work answers (kept as JSON, replayed as it was). */
export class IdempotentRequests<B = unknown> {
  private readonly now: Clock;
  constructor(
    private readonly pool: Pool,
    private readonly options: IdempotencyOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Claims (fan, key) for concurrent requests in one statement; a key twice in one batch is claimed once. */
  private readonly claim = pgBatched(async (claims: Claim[]): Promise<Array<HoldAttempt | null>> => {
    const first = new Map<string, Claim>();
    for (const c of claims) if (!first.has(claimKey(c.fanId, c.key))) first.set(claimKey(c.fanId, c.key), c);
    const unique = [...first.values()];
    const now = this.now();
    const { rows } = await this.pool.query<{ fan_id: string; key: string; order_id: string }>(claimSql, [
      unique.map((c) => c.fanId),
      unique.map((c) => c.key),
      unique.map((c) => c.hash),
      unique.map((c) => c.orderId),
      new Date(now + this.options.leaseMs),
      new Date(now),
    ]);
    const won = new Map(rows.map((r) => [claimKey(r.fan_id, r.key), r.order_id]));
    return claims.map((c) => {
      const orderId = won.get(claimKey(c.fanId, c.key));
      if (first.get(claimKey(c.fanId, c.key)) !== c || orderId === undefined) return null;
      return { orderId, resumed: orderId !== c.orderId };
    });
  });

  private readonly store = pgBatched(async (answers: Answered[]): Promise<void[]> => {
    await this.pool.query(answerSql, [
      answers.map((a) => a.fanId),
      answers.map((a) => a.key),
      answers.map((a) => a.answer.status),
      answers.map((a) => JSON.stringify(a.answer.body)),
    ]);
    return answers.map(() => undefined);
  });

  /**
   * Keeps a refusal decided before any work (sold out) as (fan, key)'s answer, in one statement
   * with the others of its moment: the key is never claimed, so no second statement answers it.
   * False when the key was already there — the caller takes the whole path, which replays the
   * earlier answer (a retry of the hold that took the last tickets gets its order).
   */
  readonly answerAtOnce = pgBatched(async (answers: Array<Answered & { hash: string }>): Promise<boolean[]> => {
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

  /** Runs work once per (fan, key); replays the stored answer to a repeat with the same request. */
  async run(
    fanId: string,
    key: string,
    hash: string,
    work: (attempt: HoldAttempt) => Promise<StoredAnswer<B>>,
  ): Promise<StoredAnswer<B>> {
    const attempt = await this.claim({ fanId, key, hash, orderId: uuidv7() });
    if (!attempt) return this.replay(fanId, key, hash);
    let answer: StoredAnswer<B>;
    try {
      answer = await work(attempt);
    } catch (err) {
      const refusal = err instanceof DomainError ? answerOf(err) : null;
      if (!refusal || refusal.status >= 500) {
        // Not an answer worth keeping (the ledger was unavailable, a bug): leave the key to a retry at once.
        const nothing = typeof err === "object" && err !== null && failedWithNothingHeld.has(err);
        await this.release(fanId, key, nothing).catch(() => {}); // else the lease frees it
        throw err;
      }
      answer = refusal;
    }
    await this.store({ fanId, key, answer });
    return answer;
  }

  /** Nothing held: forget the key (a retry gets a new order id). Maybe held: end the lease (a retry resumes this order id). */
  private async release(fanId: string, key: string, forget: boolean): Promise<void> {
    const sql = forget
      ? `DELETE FROM hold_requests WHERE fan_id = $1 AND key = $2 AND status = ${inProgress}`
      : `UPDATE hold_requests SET lease_until = '-infinity' WHERE fan_id = $1 AND key = $2 AND status = ${inProgress}`;
    await this.pool.query(sql, [fanId, key]);
  }

  private async replay(fanId: string, key: string, hash: string): Promise<StoredAnswer<B>> {
    const { rows } = await this.pool.query<{
      request_hash: string;
      status: number;
      response: StoredAnswer<B>["body"];
      lease_until: Date;
    }>("SELECT request_hash, status, response, lease_until FROM hold_requests WHERE fan_id = $1 AND key = $2", [
      fanId,
      key,
    ]);
    const row = rows[0];
    const retry = (ms: number) => ({ retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });
    if (!row) throw new DomainError("request_in_progress", "that Idempotency-Key was just released; retry", retry(0));
    if (row.request_hash !== hash)
      throw new DomainError("invalid_request", "this Idempotency-Key was used for a different request");
    if (row.status === inProgress) {
      const wait = row.lease_until.getTime() - this.now();
      const message = "a request with this Idempotency-Key is still in progress; retry with the same key";
      throw new DomainError("request_in_progress", message, retry(wait));
    }
    return { status: row.status, body: row.response };
  }
}
