// Goal: failing closed (R11, R12) — with its Redis gone, a server answers 503 with a code, not a
// 500 or a hang, sells nothing, and recovers by itself when Redis is back; holds still end on
// time because the ledger, not Redis, owns the timeout.
import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer, type SpareRedis } from "./support/redis-server.js";
import { closedPort } from "./support/services.js";
import { admittedFan, hold, stockOf, type AdmittedFan } from "./support/checkout.js";
import { createEvent, waitFor } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A throwaway Redis on port, answering PING when this resolves; killed at the end of the file. */
async function redisServer(port: number): Promise<SpareRedis> {
  const redis = await startRedisServer(port);
  cleanups.push(() => redis.kill());
  return redis;
}

describe("a server whose Redis goes away", () => {
  it("answers 503 not_ready, sells nothing, lets held stock expire in the ledger, and recovers", async () => {
    const port = await closedPort();
    const redis = await redisServer(port);
    const stack: TestStack = await startStack({ REDIS_URL: `redis://127.0.0.1:${port}` });
    cleanups.push(() => stack.close());
    const url = (await stack.addServer()).url;
    const event = await createEvent(url, stackAdmin, {
      name: "Faults",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 10 }],
      waitingRoom: { admitPerMinute: 60_000, holdSeconds: 5 },
    });
    const fan: AdmittedFan = await admittedFan(url, event.id);
    cleanups.push(() => fan.close());
    const held = await hold(url, fan, event.id, [{ classId: event.classes[0]!.id, quantity: 2 }]);
    expect(held.status).toBe(201);

    await redis.kill();
    // Wait until the server has seen its Redis go (its readiness check fails), then try to buy.
    await waitFor("not ready", async () => ((await fetch(`${url}/readyz`)).status === 503 ? true : null), 15_000);
    const another = await hold(url, fan, event.id, [{ classId: event.classes[0]!.id, quantity: 1 }]);
    expect(another.status).toBe(503);
    expect(another.body.error?.code).toBe("not_ready");
    const session = await fetch(`${url}/api/session`, { method: "POST" });
    expect(session.status).toBe(503);
    // The ledger still returns the held stock at its timeout, with Redis (and every worker) gone.
    await waitFor(
      "stock back",
      async () => ((await stockOf(url, event.id))[0]!.available === 10 ? true : null),
      15_000,
    );

    await redisServer(port);
    await waitFor("ready again", async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : null), 15_000);
    expect((await fetch(`${url}/api/session`, { method: "POST" })).status).toBe(201);
  }, 60_000);
});
