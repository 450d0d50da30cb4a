// Goal: no dependency failure ends a process. A server and a workers process on their own
// PostgreSQL cluster and their own Redis, under a light load of joins, holds and payments, while
// PostgreSQL backends are terminated, PostgreSQL is restarted (-m immediate and -m fast) and Redis
// is killed (-9) and restarted: no process exits; during each outage /readyz answers 503 and
// requests answer 503 with a code and Retry-After (no 500, no hang); readiness comes back by
// itself; afterwards a fan can still hold and pay.
// OUTAGE_RESTARTS (default 2) sets the cycles: each is one -m immediate and one -m fast restart of
// PostgreSQL and two Redis kills, so OUTAGE_RESTARTS=5 is the full 10 of each (about 3 minutes).
// (Under load the workers process may still be starting when the first backends are terminated:
// that is part of what it proves — see migrate.test.ts for the start-up path on its own.)
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startPostgresServer, type SparePostgres } from "./support/postgres-server.js";
import { startRedisServer, type SpareRedis } from "./support/redis-server.js";
import { closedPort } from "./support/services.js";
import { badAnswers, startOutageLoad, type OutageLoad } from "./support/outage-load.js";
import {
  admittedFan,
  completePayment,
  hold,
  holdBody,
  orderReaches,
  postAsFan,
  type AdmittedFan,
} from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";
import type { RunningProcess } from "./support/processes.js";

const restarts = Number(process.env.OUTAGE_RESTARTS ?? "2");
const phaseMs = 60_000; // per wait: a loaded box restarts PostgreSQL and reconnects slowly

const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
}, 120_000);

interface Setup {
  stack: TestStack;
  url: string;
  eventId: string;
  classId: string;
  processes: RunningProcess[];
  postgres: SparePostgres;
  redisPort: number;
  redis: SpareRedis;
}

async function setUp(): Promise<Setup> {
  const postgres = await startPostgresServer(await closedPort());
  cleanups.push(() => postgres.destroy());
  const redisPort = await closedPort();
  const redis = await startRedisServer(redisPort);
  cleanups.push(() => redis.kill());
  const stack = await startStack({ REDIS_URL: `redis://127.0.0.1:${redisPort}` }, { postgresBase: postgres.url });
  // Dropping the database needs the cluster: close the stack before destroying it.
  cleanups.push(() => stack.close());
  const server = await stack.addServer();
  const workers = stack.addWorkers();
  const event = await createEvent(server.url, stackAdmin, {
    name: "Outages",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 100_000 }],
    waitingRoom: { admitPerMinute: 600_000, holdSeconds: 60 },
  });
  return {
    stack,
    url: server.url,
    eventId: event.id,
    classId: event.classes[0]!.id,
    processes: [server, workers],
    postgres,
    redisPort,
    redis,
  };
}

/** Every process is still running: a dependency failure must not end one. */
function expectAlive(s: Setup): void {
  for (const p of s.processes)
    expect(
      p.child.exitCode === null && p.child.signalCode === null,
      `process exited:\n${p.output().slice(-3_000)}`,
    ).toBe(true);
}

const readyz = (url: string) =>
  fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
    (r) => r.status,
    () => 0,
  );

async function expectReadyAgain(s: Setup): Promise<void> {
  await waitFor("/readyz 200 again", async () => (await readyz(s.url)) === 200, phaseMs);
  expectAlive(s);
}

/** During an outage: readiness 503, and a request that needs the dependency answers 503 not_ready with Retry-After. */
async function expectOutageAnswers(s: Setup, kind: "postgres" | "redis"): Promise<void> {
  await waitFor("/readyz 503", async () => (await readyz(s.url)) === 503, phaseMs);
  const res = await fetch(kind === "redis" ? `${s.url}/api/session` : `${s.url}/api/admin/events`, {
    method: kind === "redis" ? "POST" : "GET",
    headers: { authorization: basicAuth(stackAdmin.username, stackAdmin.password) },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { error?: { code: string } };
  expect({ status: res.status, code: body.error?.code, retryAfter: Boolean(res.headers.get("retry-after")) }).toEqual({
    status: 503,
    code: "not_ready",
    retryAfter: true,
  });
  expectAlive(s);
}

/** A fan let in while the database is up: an automatic room admits nobody while it cannot read the stock. */
async function admittedBeforeOutage(s: Setup): Promise<AdmittedFan> {
  const fan = await admittedFan(s.url, s.eventId);
  cleanups.push(() => fan.close());
  return fan;
}

/**
 * The load's fans may all be waiting to be let in when the database goes (none would ask for
 * tickets until it is back), so one fan let in before it asks during the outage: 503 with a code
 * and Retry-After, not a hang.
 */
async function expectHoldRefusedForNow(s: Setup, fan: AdmittedFan): Promise<void> {
  const held = await postAsFan(s.url, `/api/events/${s.eventId}/holds`, fan.fanToken, holdBody(fan, s.classId, 1));
  const code = (held.body as unknown as { error?: { code: string } }).error?.code;
  const refusedForNow = ["not_ready", "ledger_unavailable"].includes(code ?? "");
  const seen = { status: held.status, refusedForNow, retryAfter: held.retryAfterS > 0 };
  expect(seen, JSON.stringify(held.body)).toEqual({ status: 503, refusedForNow: true, retryAfter: true });
  expectAlive(s);
}

async function terminateBackends(s: Setup, which: "idle in transaction" | "all", forMs: number): Promise<number> {
  const admin = new pg.Client({ connectionString: s.stack.db.url });
  admin.on("error", () => {});
  await admin.connect();
  let terminated = 0;
  try {
    const deadline = Date.now() + forMs;
    do {
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ($1 OR state = 'idle in transaction')`,
        [which === "all"],
      );
      terminated += rowCount ?? 0;
    } while (Date.now() < deadline);
  } finally {
    await admin.end().catch(() => {});
  }
  return terminated;
}

async function fanHoldsAndPays(s: Setup): Promise<void> {
  const fan = await admittedFan(s.url, s.eventId);
  cleanups.push(() => fan.close());
  const held = await hold(s.url, fan, s.eventId, [{ classId: s.classId, quantity: 1 }]);
  expect(held.status, JSON.stringify(held.body)).toBe(201);
  expect((await completePayment(s.url, held.body.paymentUrl, "succeeded")).status).toBeLessThan(300);
  await orderReaches(s.url, held.body.orderId, held.body.orderToken, "paid", phaseMs);
}

function expectNoBadAnswers(load: OutageLoad): void {
  const bad = badAnswers(load.answers);
  expect(bad, JSON.stringify(bad.slice(0, 5))).toEqual([]);
}

describe("a server and workers whose PostgreSQL and Redis fail under load", () => {
  let s: Setup;

  it("survive PostgreSQL backends terminated mid-transaction", async () => {
    s = await setUp();
    const load = startOutageLoad(s.url, s.eventId, s.classId);
    await waitFor("load under way", () => load.paid > 0, phaseMs).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(load.answers.slice(-5))}`);
    });
    let terminated = 0;
    for (let i = 0; i < restarts; i += 1) {
      terminated += await terminateBackends(s, "idle in transaction", 2_000);
      terminated += await terminateBackends(s, "all", 200);
      expectAlive(s);
    }
    expect(terminated).toBeGreaterThan(0);
    await expectReadyAgain(s);
    await load.stop();
    expectNoBadAnswers(load);
    await fanHoldsAndPays(s);
    expectAlive(s);
  }, 240_000);

  it("survive PostgreSQL restarts (-m immediate and -m fast) and recover by themselves", async () => {
    const load = startOutageLoad(s.url, s.eventId, s.classId);
    for (let i = 0; i < restarts; i += 1) {
      for (const mode of ["immediate", "fast"] as const) {
        const paidBefore = load.paid;
        await waitFor("a purchase before the outage", () => load.paid > paidBefore, phaseMs);
        const admitted = await admittedBeforeOutage(s);
        await s.postgres.stop(mode);
        await expectOutageAnswers(s, "postgres");
        await expectHoldRefusedForNow(s, admitted);
        await s.postgres.start();
        await expectReadyAgain(s);
      }
    }
    await load.stop();
    expectNoBadAnswers(load);
    await fanHoldsAndPays(s);
    expectAlive(s);
  }, 600_000);

  it("survive Redis killed (-9) and restarted on the same port and recover by themselves", async () => {
    const load = startOutageLoad(s.url, s.eventId, s.classId);
    for (let i = 0; i < restarts * 2; i += 1) {
      const paidBefore = load.paid;
      await waitFor("a purchase before the outage", () => load.paid > paidBefore, phaseMs);
      await s.redis.kill();
      await expectOutageAnswers(s, "redis");
      s.redis = await startRedisServer(s.redisPort);
      cleanups.push(() => s.redis.kill());
      await expectReadyAgain(s);
    }
    await load.stop();
    expectNoBadAnswers(load);
    await fanHoldsAndPays(s);
    expectAlive(s);
  }, 600_000);
});
