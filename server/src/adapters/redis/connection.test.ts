// Goal: REDIS_URL alone decides whether a process speaks to one Redis or to a Redis Cluster: every
// role createRedis builds is cluster-aware on a cluster URL, and the start-up check passes against
// a live cluster and names the seed nodes when none answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedis, StartupError } from "../../bootstrap.js";
import { closeRedis, createRedis, isCluster, type RedisRole } from "./connection.js";
import { useRedisBackends } from "../../../test/support/redis-backends.js";
import { closedPort, createTestRedis, type TestRedis } from "../../../test/support/services.js";

const backends = useRedisBackends();
const roles: RedisRole[] = ["app", "bullmq", "stream"];

describe.each(backends)("connections on $name", (backend) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await createTestRedis(backend.url());
  });
  afterAll(() => redis.cleanup());

  it.each(roles)("builds a %s connection of the right kind that reaches keys in every slot", async (role) => {
    const client = createRedis(backend.url(), role);
    try {
      expect(isCluster(client)).toBe(backend.name === "Redis Cluster");
      // Keys spread over the slots (no hash tag), so on a cluster every master answers some.
      const keys = Array.from({ length: 30 }, (_, i) => `${redis.prefix}:${role}:${i}`);
      await Promise.all(keys.map((k, i) => client.set(k, String(i))));
      expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys.map((_, i) => String(i)));
    } finally {
      await closeRedis(client);
    }
  });

  it("passes the start-up check", async () => {
    await expect(checkRedis(backend.url())).resolves.toBeUndefined();
  });
});

describe("the start-up check against a cluster nobody answers", () => {
  it("fails naming the seed nodes", async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const check = checkRedis(`redis+cluster://127.0.0.1:${a},127.0.0.1:${b}`);
    await expect(check).rejects.toThrow(StartupError);
    await expect(check).rejects.toThrow(`127.0.0.1:${a},127.0.0.1:${b}`);
  });
});
