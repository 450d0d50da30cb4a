// coalesce() for PostgreSQL statements: a batch that cannot reach the database fails its callers
// as "database unavailable" (503 not_ready); the deadline is the pool's statement timeout.
import { coalesce, type Coalesced } from "../batching/coalesce.js";
import { dependencyUnavailable } from "../dependency-errors.js";
import { SqlState } from "./sqlstate.js";

/** The pool's statement_timeout (pool.ts) plus the time to get a connection. */
const batchDeadlineMs = 15_000;

export function pgBatched<I, O>(
  send: (items: I[]) => Promise<O[]>,
  onBatch?: (items: number) => void,
): Coalesced<I, O> {
  return coalesce(send, {
    deadlineMs: batchDeadlineMs,
    isUnavailable: (err) => dependencyUnavailable(err) === "postgres",
    // cannot_connect_now: what errors.ts answers with 503 not_ready.
    unavailable: (message) => Object.assign(new Error(`database: ${message}`), { code: SqlState.cannotConnectNow }),
    onBatch,
  });
}

/** One field of every row, as the array an `unnest($n::type[])` parameter takes. */
export function columnOf<T, K extends keyof T>(rows: readonly T[], key: K): Array<T[K]> {
  return rows.map((row) => row[key]);
}
