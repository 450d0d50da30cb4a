// Which dependency an error says has gone away, by its code or message: the HTTP layer answers
// those 503 not_ready, the batcher and start-up retry them.
import { postgresUnavailableCodes } from "./postgres/sqlstate.js";

/** What node-pg says when the connection went away, could not be made, or never answered (query_timeout). */
export const postgresConnectionLost =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i;

/** What ioredis's Cluster says while a slot's master is gone or being replaced (a failover): its
 * redirections ran out (MOVED to a node that is not ready yet), the cluster is down, or it cannot
 * reach a node to learn the slots from. */
const redisClusterInFlux =
  /^Too many Cluster redirections|^CLUSTERDOWN|^TRYAGAIN|Failed to refresh slots cache|None of startup nodes is available/;

/** Redis or PostgreSQL went away mid-call (null: any other error). A request failing this way is
 * answered 503 (nothing was half-done that a retry cannot finish: every write path is idempotent
 * or transactional). */
export function dependencyUnavailable(err: unknown): "redis" | "postgres" | null {
  const e = err as { name?: string; message?: string; code?: string };
  const message = e.message ?? "";
  if (
    e.name === "MaxRetriesPerRequestError" ||
    /^Command timed out|Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(message) ||
    redisClusterInFlux.test(message)
  )
    return "redis";
  if (typeof e.code === "string" && postgresUnavailableCodes.has(e.code)) return "postgres";
  if (postgresConnectionLost.test(message)) return "postgres";
  return null;
}
