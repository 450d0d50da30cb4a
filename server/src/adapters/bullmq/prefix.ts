// BullMQ's key prefix, one for every queue of an install. BullMQ's scripts touch several keys of a
// queue at once, so on a Redis Cluster those keys must share a hash slot: there the prefix is a
// hash tag, `{<REDIS_PREFIX>:bull}`, as BullMQ's docs ("Redis Cluster") require. On a single Redis it
// stays `<REDIS_PREFIX>:bull`, so upgrading an install does not strand the jobs already queued.
import { isCluster, type Redis } from "../redis/connection.js";

export function bullPrefix(redisPrefix: string, connection: Redis): string {
  return isCluster(connection) ? `{${redisPrefix}:bull}` : `${redisPrefix}:bull`;
}
