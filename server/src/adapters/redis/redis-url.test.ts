// Goal: REDIS_URL names a single Redis or a Redis Cluster's seed nodes, and a malformed one is
// refused with the reason (config.ts lists it) rather than connecting somewhere unexpected.
import { describe, expect, it } from "vitest";
import { parseRedisUrl, redisDisplayAddress, redisUrlProblem } from "./redis-url.js";

describe("REDIS_URL", () => {
  it("keeps a single server's URL as ioredis reads it", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6379")).toEqual({ kind: "single", url: "redis://127.0.0.1:6379" });
    expect(parseRedisUrl("rediss://:secret@cache.example:6380/2").kind).toBe("single");
    expect(redisDisplayAddress("redis://cache.example")).toBe("cache.example:6379");
  });

  it("reads a cluster's seed nodes and credentials", () => {
    expect(parseRedisUrl("redis+cluster://u%40x:p%3Aw@10.0.0.1:7000,[::1]:7001,redis-3.internal:7002/")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "::1", port: 7001 },
        { host: "redis-3.internal", port: 7002 },
      ],
      username: "u@x",
      password: "p:w",
    });
    expect(parseRedisUrl("redis+cluster://:only-password@h:1")).toMatchObject({ password: "only-password" });
    expect(parseRedisUrl("redis+cluster://h:1")).not.toHaveProperty("password");
    expect(redisDisplayAddress("redis+cluster://a:1,b:2")).toBe("a:1,b:2");
  });

  it("refuses what it cannot use, saying why", () => {
    expect(redisUrlProblem("not a url")).not.toBeNull();
    expect(redisUrlProblem("http://127.0.0.1:6379")).toMatch(/scheme/);
    expect(redisUrlProblem("redis+cluster://")).toMatch(/host:port/);
    expect(redisUrlProblem("redis+cluster://a:1,b")).toMatch(/"b"/);
    expect(redisUrlProblem("redis+cluster://a:70000")).toMatch(/"a:70000"/);
    expect(redisUrlProblem("redis+cluster://a:1/3")).toMatch(/database 0/);
  });
});
