// Goal: failing closed (R11, R12) — with its Redis gone, a server answers 503 with a code, not a
// 500 or a hang, sells nothing, and recovers by itself when Redis is back; holds still end on
// time because the ledger, not Redis, owns the timeout.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { closedPort } from "../src/testing/services.js";
import { admittedFan, hold, stockOf, type AdmittedFan } from "../src/testing/checkout.js";
import { createEvent, waitFor } from "../src/testing/fans.js";
import { stackAdmin, startStack, type TestStack } from "../src/testing/stack.js";

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function redisServer(port: number): ChildProcess {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  cleanups.push(() => void child.kill("SIGKILL"));
  return child;
}

describe("a server whose Redis goes away", () => {
  it("answers 503 not_ready, sells nothing, lets held stock expire in the ledger, and recovers", async () => {
    const port = await closedPort();
    let redis = redisServer(port);
    await new Promise((r) => setTimeout(r, 300));
    const stack: TestStack = await startStack({ REDIS_URL: `redis://127.0.0.1:${port}` });
    cleanups.push(() => stack.close());
    const url = (await stack.addServer()).url;
    const event = await createEvent(url, stackAdmin, { name: "Faults", status: "on_sale", classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 10 }], waitingRoom: { admitPerMinute: 60_000, holdSeconds: 5 } });
    const fan: AdmittedFan = await admittedFan(url, event.id);
    cleanups.push(() => fan.close());
    const held = await hold(url, fan, event.id, [{ classId: event.classes[0]!.id, quantity: 2 }]);
    expect(held.status).toBe(201);

    redis.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    const another = await hold(url, fan, event.id, [{ classId: event.classes[0]!.id, quantity: 1 }]);
    expect(another.status).toBe(503);
    expect(another.body.error?.code).toBe("not_ready");
    const session = await fetch(`${url}/api/session`, { method: "POST" });
    expect(session.status).toBe(503);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    // The ledger still returns the held stock at its timeout, with Redis (and every worker) gone.
    await waitFor("stock back", async () => ((await stockOf(url, event.id))[0]!.available === 10 ? true : null), 15_000);

    redis = redisServer(port);
    await waitFor("ready again", async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : null), 15_000);
    expect((await fetch(`${url}/api/session`, { method: "POST" })).status).toBe(201);
  }, 60_000);
});
