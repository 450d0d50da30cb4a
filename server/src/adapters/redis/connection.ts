// The one Redis connection factory. Every key the app writes starts with the configured prefix
// (tests isolate themselves with their own prefix); BullMQ gets its own connections with
// maxRetriesPerRequest: null, as it requires. REDIS_URL picks a single server or a Redis Cluster
// (redis-url.ts); on a cluster every connection is an ioredis Cluster, so callers never choose.
import { Cluster, Redis as SingleRedis, type ClusterOptions, type RedisOptions } from "ioredis";
import { parseRedisUrl, type RedisTarget } from "./redis-url.js";

/** A connection to a single Redis or to a cluster: both speak the same commands, scripts and pipelines. */
export type Redis = SingleRedis | Cluster;
export type { Cluster };

/** app: request/response commands; bullmq: BullMQ queues and workers; stream: blocking readers (the Socket.IO adapter). */
export type RedisRole = "app" | "bullmq" | "stream";

const redisCommandTimeoutMs = 2_000;

function roleOptions(role: RedisRole): RedisOptions {
  return role === "app"
    ? // Fail fast when Redis is gone: API calls answer 503 instead of queueing forever.
      // Auto-pipelining: the commands of one tick go out in one write. Each was a write system call
      // of its own — the rate limits' scripts alone were 7 % of the server's CPU in `joins`. (Tried
      // before joins were batched, it made them slower; since, it made them faster: see bench/README.md.)
      {
        maxRetriesPerRequest: 1,
        commandTimeout: redisCommandTimeoutMs,
        enableOfflineQueue: true,
        enableAutoPipelining: true,
      }
    : // BullMQ and the Socket.IO adapter block on reads (XREAD/BRPOPLPUSH) and retry on their own.
      { maxRetriesPerRequest: null, enableReadyCheck: role !== "bullmq" };
}

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = {
    connectionName: `stampede:${role}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
    ...roleOptions(role),
    ...extra,
  };
  const target = parseRedisUrl(url);
  const client = target.kind === "single" ? new SingleRedis(target.url, options) : createCluster(target, options);
  // Connection errors are reported by readiness checks and failing commands; an unhandled
  // "error" event would otherwise crash the process while Redis restarts.
  client.on("error", () => {});
  return client;
}

/** The same options on a cluster: per-node ones under redisOptions, the client-wide ones on the Cluster. */
function createCluster(target: Extract<RedisTarget, { kind: "cluster" }>, options: RedisOptions): Cluster {
  const { lazyConnect, retryStrategy, enableOfflineQueue, enableReadyCheck, ...rest } = options;
  const { enableAutoPipelining: _singleServerOnly, ...perNode } = rest;
  const clusterOptions: ClusterOptions = {
    lazyConnect,
    enableOfflineQueue,
    // Never on a cluster: ioredis sends an auto-pipeline per node and, when a slot moves (a master
    // failing over to its replica), fails the batch's commands with MOVED instead of following the
    // redirection (ioredis issue 2075); without it each command follows MOVED itself. Found by
    // redis-cluster-failover.test.ts: joins answered internal_error during a failover.
    enableAutoPipelining: false,
    enableReadyCheck,
    // Reconnecting to the cluster as a whole (every node lost) backs off like a single server's.
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? null,
    redisOptions: {
      ...perNode,
      ...(target.username !== undefined ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
    },
  };
  return new Cluster(target.nodes, clusterOptions);
}

/** True for a cluster connection (for the few places that must address each master, e.g. SCAN). */
export function isCluster(client: Redis): client is Cluster {
  return client instanceof Cluster;
}

/** Builds a key under the configured prefix: key("stampede", "sess", id) → "stampede:sess:<id>". */
export function redisKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(":");
}

/** Closes a connection, falling back to disconnect when Redis does not answer QUIT. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  await Promise.race([client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1_000))]);
  client.disconnect();
}
