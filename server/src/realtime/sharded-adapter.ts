// The Socket.IO sharded Pub/Sub adapter (@socket.io/redis-adapter's createShardedAdapter: Redis 7
// SPUBLISH/SSUBSCRIBE, a channel per room spread over a cluster's masters), the alternative to the
// default streams adapter (SOCKET_IO_ADAPTER=sharded; measured against it in bench/README.md,
// "Socket.IO adapters"). The adapter speaks node-redis's API, so its two clients are node-redis
// ones, made from the same REDIS_URL. It keeps no connection-state recovery: with it a fan whose
// connection dropped rejoins (queue:join with its proofs, as after a room rebuild) instead.
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient, createCluster } from "redis";
import { parseRedisUrl } from "../adapters/redis/redis-url.js";

export interface ShardedAdapter {
  adapter: ReturnType<typeof createShardedAdapter>;
  close(): Promise<void>;
}

function clientFor(redisUrl: string) {
  const target = parseRedisUrl(redisUrl);
  if (target.kind === "single") return createClient({ url: target.url });
  const auth = { ...(target.username ? { username: target.username } : {}), password: target.password };
  return createCluster({
    rootNodes: target.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })),
    defaults: auth,
  });
}

export async function shardedAdapter(redisUrl: string, channelPrefix: string): Promise<ShardedAdapter> {
  const pub = clientFor(redisUrl);
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createShardedAdapter(pub, sub, { channelPrefix }),
    async close() {
      await Promise.allSettled([pub.disconnect(), sub.disconnect()]);
    },
  };
}
