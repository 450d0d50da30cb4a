// Goal: /healthz says the process runs; /readyz is 200 only while Redis and PostgreSQL answer,
// 503 naming what failed when one is down (a closed port, or a Redis we stop), and 200 again when
// it comes back.
import { json } from "./support/services.js";
import { afterAll, describe, expect, it } from "vitest";
import { createPool } from "../src/adapters/postgres/pool.js";
import { closeRedis, createRedis } from "../src/adapters/redis/connection.js";
import { startTestApp, type TestApp } from "./support/app.js";
import { startRedisServer } from "./support/redis-server.js";
import { closedPort } from "./support/services.js";

const apps: TestApp[] = [];
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  for (const a of apps) await a.close();
});

async function readyz(url: string) {
  const res = await fetch(`${url}/readyz`);
  return {
    status: res.status,
    body: (await json(res)) as { checks: Record<string, string>; error?: { code: string; message: string } },
  };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("health and readiness", () => {
  it("is ready when Redis and PostgreSQL answer", async () => {
    const t = await startTestApp();
    apps.push(t);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const r = await readyz(t.url);
    expect(r.status).toBe(200);
    expect(r.body.checks).toEqual({ redis: "ok", postgres: "ok" });
  });

  it("answers 503 naming PostgreSQL when it is not reachable", async () => {
    const port = await closedPort();
    const deadPool = createPool(`postgres://postgres@127.0.0.1:${port}/x`, { connectTimeoutMs: 500 });
    cleanups.push(() => deadPool.end());
    const t = await startTestApp({ readiness: { postgres: () => deadPool.query("SELECT 1") } });
    apps.push(t);
    const r = await readyz(t.url);
    expect(r.status).toBe(503);
    expect(r.body.error?.code).toBe("not_ready");
    expect(r.body.error?.message).toBe("not ready: postgres unavailable");
    expect(r.body.checks.redis).toBe("ok");
  });

  it("turns 503 when Redis goes away and 200 when it comes back", async () => {
    const port = await closedPort();
    let redisServer = await startRedisServer(port);
    cleanups.push(() => redisServer.kill());
    const redis = createRedis(`redis://127.0.0.1:${port}`, "app");
    cleanups.push(() => closeRedis(redis));
    const app = await startTestApp({ readiness: { redis: () => redis.ping() } });
    apps.push(app);
    expect(
      (
        await eventually(
          () => readyz(app.url),
          (r) => r.status === 200,
        )
      ).status,
    ).toBe(200);

    await redisServer.kill();
    const down = await eventually(
      () => readyz(app.url),
      (r) => r.status === 503,
    );
    expect(down.status).toBe(503);
    expect(down.body.error?.message).toBe("not ready: redis unavailable");

    redisServer = await startRedisServer(port);
    expect(
      (
        await eventually(
          () => readyz(app.url),
          (r) => r.status === 200,
        )
      ).status,
    ).toBe(200);
  });
});
