// The one Redis connection factory. Every key the app writes starts with the configured prefix
// (tests isolate themselves with their own prefix); BullMQ gets its own connections with
// maxRetriesPerRequest: null, as it requires.
import { Redis, type RedisOptions } from "ioredis";

export type { Redis };

/** app: request/response commands; bullmq: BullMQ queues and workers; stream: blocking readers (the Socket.IO adapter). */
export type RedisRole = "app" | "bullmq" | "stream";

const redisCommandTimeoutMs = 2_000;

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === "app"
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
  const client = new Redis(url, {
    connectionName: `stampede:${role}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
    ...base,
    ...extra,
  });
  // Connection errors are reported by readiness checks and failing commands; an unhandled
  // "error" event would otherwise crash the process while Redis restarts.
  client.on("error", () => {});
  return client;
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
