// The hold_requests table (idempotency keys of hold requests, services/orders/idempotency.ts)
// outlives its use: the workers' sweeper prunes keys older than a day, a batch at a time.
import type { Pool } from "./pool.js";

/** Keys older than this are pruned (a retry a day later is a new request). */
export const holdRequestsKeptMs = 24 * 3_600_000;

/** Deletes up to `limit` keys claimed before `before`; returns how many. */
export async function pruneHoldRequests(pool: Pool, before: Date, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    "DELETE FROM hold_requests WHERE ctid IN (SELECT ctid FROM hold_requests WHERE created_at < $1 LIMIT $2)",
    [before, limit],
  );
  return rowCount ?? 0;
}
