// The Redis deployments a suite runs against: the shared single Redis and a throwaway Redis Cluster
// (redis-cluster.ts), so one suite — not a copy — proves the code on both. On the cluster, a
// script or a multi-key command whose keys are in different slots is refused (CROSSSLOT), so a key
// that would cross slots fails the suite here rather than in production.
//
//   const backends = useRedisBackends();            // at the top level of the test file
//   describe.each(backends)("join on $name", (backend) => { … createTestbed(4, backend.url()) … });
import { afterAll, beforeAll } from "vitest";
import { closeRedis, createRedis, isCluster, type Cluster, type Redis } from "../../src/adapters/redis/connection.js";
import { startRedisCluster, type TestRedisCluster } from "./redis-cluster.js";
import { createTestRedis, testRedisUrl, type TestRedis } from "./services.js";

export interface RedisBackend {
  name: "single Redis" | "Redis Cluster";
  /** REDIS_URL of the backend; read it in a hook or a test (the cluster starts in beforeAll). */
  url(): string;
}

/** Registers file-level hooks that start one cluster for the whole file and stop it at the end. */
export function useRedisBackends(): RedisBackend[] {
  let cluster: TestRedisCluster | null = null;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return [
    { name: "single Redis", url: () => testRedisUrl },
    {
      name: "Redis Cluster",
      url: () => {
        if (!cluster)
          throw new Error("the Redis Cluster is not started: call useRedisBackends() at the top level of the file");
        return cluster.url;
      },
    },
  ];
}

/** Candidate event ids made from tag and a counter, so the same on every run. */
function candidates(tag: string): string[] {
  return Array.from({ length: 64 }, (_, i) => `${tag}-${i}`);
}

/**
 * count event ids whose hash tags fall on different masters of a cluster; on a single Redis, the
 * first count. For tests whose point is work spanning several events: on a cluster it must then
 * span nodes, not only slots.
 */
export async function eventIdsOnDistinctNodes(client: Redis, count: number, tag: string): Promise<string[]> {
  if (!isCluster(client)) return candidates(tag).slice(0, count);
  const place = await slotPlacement(client);
  const byMaster = new Map<string, string>();
  for (const id of candidates(tag)) {
    const { master } = await place(id);
    if (!byMaster.has(master)) byMaster.set(master, id);
  }
  const ids = [...byMaster.values()];
  if (ids.length < count) throw new Error(`only ${ids.length} masters among the candidates, ${count} wanted`);
  return ids.slice(0, count);
}

/** An event id whose hash tag is in another slot than eventId's but on the same master (a cluster);
 * on a single Redis, the first candidate. */
export async function eventIdOnSameNode(client: Redis, eventId: string, tag: string): Promise<string> {
  if (!isCluster(client)) return candidates(tag)[0]!;
  const place = await slotPlacement(client);
  const target = await place(eventId);
  for (const id of candidates(tag)) {
    const p = await place(id);
    if (p.master === target.master && p.slot !== target.slot) return id;
  }
  throw new Error(`no candidate on the master of ${eventId}`);
}

/** Where an event's keys live: its slot (CLUSTER KEYSLOT) and the id of the master serving it (CLUSTER SLOTS). */
async function slotPlacement(client: Cluster): Promise<(eventId: string) => Promise<{ slot: number; master: string }>> {
  const ranges = await client.cluster("SLOTS");
  return async (eventId) => {
    const slot = Number(await client.cluster("KEYSLOT", eventId));
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    const master = range?.[2]; // the first node of a range is its master
    if (!master) throw new Error(`slot ${slot} is not served`);
    return { slot, master: master[2] };
  };
}

/** Inside a describe over the backends: a test Redis of its own prefix and a second connection to
 * the same backend (as another node's), both closed after the suite. Read them in hooks or tests. */
export function twoConnections(backend: RedisBackend, role: "app" | "bullmq"): { redis: TestRedis; other: Redis } {
  const conns = {} as { redis: TestRedis; other: Redis };
  beforeAll(async () => {
    conns.redis = await createTestRedis(backend.url());
    conns.other = createRedis(backend.url(), role);
  });
  afterAll(async () => {
    await closeRedis(conns.other);
    await conns.redis.cleanup();
  });
  return conns;
}
