// Goal (R13): with its ledger unreachable or slow, a hold answers within its deadline — 503
// ledger_unavailable with Retry-After, not a hang — and a retry with the same Idempotency-Key ends
// with exactly one hold, even when the failed attempt's hold was in fact placed (the ambiguous
// failure: the ledger applied it, its answer came too late). The server's database connections
// run through a TCP proxy whose faults reach only the ledger's pool (its connections name the
// application "stampede-ledger"), so the rest of the app still reaches the same database. The
// ledger is read directly (not through the proxy) to see what was placed. Control: a retry with a
// new key after the ambiguous failure holds the fan's tickets twice — what the key guards against.
// Also: the ledger's old connections partitioned for good while new ones get through (the pool
// must not stay full of stuck clients), and the failed attempt's request landing late, after the
// retry placed the hold and the fan cancelled it (the same ids: nothing is held again).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childTransferId } from "@stampede/shared/core/ledger-ids";
import { ledgerPoolConnectionsMax } from "@stampede/shared/limits";
import { u128ToText } from "../src/adapters/ledger-postgres/codec.js";
import { createPool, type Pool } from "../src/adapters/postgres/pool.js";
import {
  admittedFan,
  auditOk,
  gaSale,
  holdBody,
  postAsFan,
  stockOf,
  type AdmittedFan,
  type TimedAnswer,
} from "./support/checkout.js";
import { basicAuth, waitFor } from "./support/fans.js";
import { testPostgresBase } from "./support/services.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";
import { onPostgresStartup, startTcpProxy, viaProxy, type TcpProxy } from "./support/tcp-proxy.js";

interface Setup {
  url: string;
  proxy: TcpProxy;
  /** The test's database, straight (not through the proxy). */
  direct: Pool;
  stack: TestStack;
}

let setup: Setup | undefined;
const fans: AdmittedFan[] = [];
/** Set: ledger connections opened from now on are out of the faults (a partition of the old ones only). */
let sparesNewConnections = false;

/** Its own stack and proxy for the tests of the describe block that calls it: a test that spares new
 * connections leaves ledger connections out of the faults, so it comes last in its block. */
function proxiedStack(): void {
  beforeAll(async () => {
    sparesNewConnections = false;
    const shared = new URL(testPostgresBase);
    const proxy = await startTcpProxy({
      upstreamHost: shared.hostname,
      upstreamPort: Number(shared.port || 5432),
      affects: onPostgresStartup((startup) => startup.includes("stampede-ledger") && !sparesNewConnections),
    });
    const stack = await startStack();
    setup = { url: "", proxy, direct: createPool(stack.db.url, { max: 2 }), stack };
    setup.url = (await stack.addServer({ DATABASE_URL: viaProxy(stack.db.url, proxy) })).url;
  }, 120_000);

  afterAll(async () => {
    fans.splice(0).forEach((f) => f.close());
    await setup?.direct.end();
    await setup?.stack.close();
    await setup?.proxy.close();
    setup = undefined;
  });
}

function ready(): Setup {
  if (!setup?.url) throw new Error("setup failed: the stack did not start");
  return setup;
}

type Answer = TimedAnswer;

/** A hold with an Idempotency-Key, as the checkout page sends it; the client gives up after 30 s (a hang fails the test). */
function keyedHold(fan: AdmittedFan, eventId: string, classId: string, key: string): Promise<Answer> {
  return postAsFan(ready().url, `/api/events/${eventId}/holds`, fan.fanToken, holdBody(fan, classId, 2), {
    "idempotency-key": key,
  });
}

/** Retries with the same key, as the page does, until an answer that is not "try again". */
async function settle(fan: AdmittedFan, eventId: string, classId: string, key: string): Promise<Answer> {
  return waitFor(
    `key ${key} answered`,
    async () => {
      const answer = await keyedHold(fan, eventId, classId, key);
      return answer.status >= 500 || answer.body.error?.code === "request_in_progress" ? null : answer;
    },
    60_000,
  );
}

async function saleWithFan(name: string): Promise<{ eventId: string; classId: string; fan: AdmittedFan }> {
  const { url } = ready();
  const { eventId, classId } = await gaSale(url, name);
  const fan = await admittedFan(url, eventId);
  fans.push(fan);
  return { eventId, classId, fan };
}

/** The order id the server claimed for this key (the hold id it places in the ledger). */
async function claimedOrderId(fan: AdmittedFan, key: string): Promise<string> {
  const sql = "SELECT order_id FROM hold_requests WHERE fan_id = $1 AND key = $2";
  const { rows } = await ready().direct.query<{ order_id: string }>(sql, [fan.fanId, key]);
  expect(rows).toHaveLength(1);
  return rows[0]!.order_id;
}

/** Whether the ledger holds a pending hold under this order id (its allowance transfer, pending_status 1). */
async function pendingHold(orderId: string): Promise<boolean> {
  const id = u128ToText(childTransferId(orderId, "allowance"));
  const sql = "SELECT pending_status FROM ledger_transfers WHERE id = $1::uuid";
  const { rows } = await ready().direct.query<{ pending_status: number }>(sql, [id]);
  return rows[0]?.pending_status === 1;
}

async function transfersInLedger(): Promise<number> {
  const { rows } = await ready().direct.query<{ n: string }>("SELECT count(*) AS n FROM ledger_transfers");
  return Number(rows[0]!.n);
}

async function ordersOf(fan: AdmittedFan, eventId: string): Promise<string[]> {
  const res = await fetch(`${ready().url}/api/events/${eventId}/orders/mine`, {
    headers: { authorization: `Bearer ${fan.fanToken}` },
  });
  return ((await res.json()) as { orders: Array<{ orderId: string }> }).orders.map((o) => o.orderId);
}

const heldNow = (eventId: string, held: number) =>
  waitFor(`${held} held`, async () => ((await stockOf(ready().url, eventId))[0]!.held === held ? true : null));
const audit = (eventId: string) => auditOk(ready().url, eventId, basicAuth(stackAdmin.username, stackAdmin.password));

/** The ambiguous failure: the hold's ledger call is applied, and its answer held in the proxy past the ledger deadline. */
async function holdWithLateAnswer(fan: AdmittedFan, eventId: string, classId: string, key: string): Promise<string> {
  const { proxy } = ready();
  proxy.onChunk((direction, chunk) => {
    if (direction !== "up" || !chunk.includes("ledger_create_transfers")) return;
    proxy.setLatency("down", 600_000);
    proxy.onChunk(null);
  });
  const first = await keyedHold(fan, eventId, classId, key);
  expect(first.status).toBe(503);
  expect(first.body.error?.code).toBe("ledger_unavailable");
  const orderId = await claimedOrderId(fan, key);
  // The ledger did place it (read straight from the database), and no order knows of it yet.
  await waitFor("the hold placed in the ledger", () => pendingHold(orderId));
  proxy.setLatency("down", 0);
  expect(await ordersOf(fan, eventId)).toEqual([]);
  return orderId;
}

/** The ledger pool's connections open in the database now. */
async function ledgerConnections(): Promise<number> {
  const { rows } = await ready().direct.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'stampede-ledger'",
  );
  return Number(rows[0]!.n);
}

/** Reads the fan's allowance (one uncoalesced ledger lookup each) in bursts until the ledger pool is at its max. */
async function fillLedgerPool(fan: AdmittedFan, eventId: string): Promise<void> {
  await waitFor(
    "the ledger pool at its max",
    async () => {
      await Promise.all(Array.from({ length: 30 }, () => ordersOf(fan, eventId)));
      return (await ledgerConnections()) >= ledgerPoolConnectionsMax;
    },
    60_000,
  );
}

describe("R13: a hold while the ledger is unreachable or slow", () => {
  proxiedStack();

  it("blackholed ledger: 503 with Retry-After within the deadline, nothing placed; healed, the same key places one hold", async () => {
    const { proxy } = ready();
    const { eventId, classId, fan } = await saleWithFan("Ledger blackhole");
    const before = await transfersInLedger();
    proxy.setMode("blackhole");
    try {
      const first = await keyedHold(fan, eventId, classId, "bh-1");
      expect(first.status).toBe(503);
      expect(["ledger_unavailable", "not_ready"]).toContain(first.body.error?.code);
      expect(first.retryAfterS).toBeGreaterThanOrEqual(1);
      expect(await transfersInLedger()).toBe(before);
    } finally {
      proxy.setMode("pass");
    }
    const orderId = await claimedOrderId(fan, "bh-1");
    const retried = await settle(fan, eventId, classId, "bh-1");
    expect(retried.status).toBe(201);
    expect(retried.body.orderId).toBe(orderId);
    expect(await ordersOf(fan, eventId)).toEqual([orderId]);
    await heldNow(eventId, 2);
    expect((await stockOf(ready().url, eventId))[0]).toMatchObject({ held: 2, sold: 0 });
    expect(await audit(eventId)).toBe(true);
  }, 120_000);

  it("ambiguous failure: the hold was placed but its answer came too late; the same key resumes it — one order, one hold", async () => {
    const { eventId, classId, fan } = await saleWithFan("Ledger late answer");
    const orderId = await holdWithLateAnswer(fan, eventId, classId, "late-1");
    const retried = await settle(fan, eventId, classId, "late-1");
    expect(retried.status).toBe(201);
    expect(retried.body.orderId).toBe(orderId);
    expect(await ordersOf(fan, eventId)).toEqual([orderId]);
    await heldNow(eventId, 2);
    expect((await stockOf(ready().url, eventId))[0]).toMatchObject({ held: 2, sold: 0 });
    expect(await audit(eventId)).toBe(true);
    // Asked again, the key answers the same order.
    expect((await keyedHold(fan, eventId, classId, "late-1")).body.orderId).toBe(orderId);
  }, 120_000);

  it("control: after the same ambiguous failure, a retry with a NEW key holds the fan's tickets twice", async () => {
    const { eventId, classId, fan } = await saleWithFan("Ledger late answer, new key");
    const stranded = await holdWithLateAnswer(fan, eventId, classId, "late-2");
    const other = await settle(fan, eventId, classId, "late-2-new");
    expect(other.status).toBe(201);
    expect(other.body.orderId).not.toBe(stranded);
    expect(await ordersOf(fan, eventId)).toEqual([other.body.orderId]);
    // The first hold is still in the ledger with no order: 4 held for a fan who asked for 2.
    expect(await pendingHold(stranded)).toBe(true);
    await heldNow(eventId, 4);
    expect(await audit(eventId)).toBe(false);
  }, 120_000);

  // Last in the block: it leaves ledger connections out of the faults.
  it("old ledger connections cut off for good, new ones get through: holds come back; stuck clients leave the pool", async () => {
    const { proxy } = ready();
    const { eventId, classId, fan } = await saleWithFan("Ledger partition");
    await fillLedgerPool(fan, eventId);
    sparesNewConnections = true;
    proxy.setMode("blackhole");
    try {
      const retried = await settle(fan, eventId, classId, "part-1");
      expect(retried.status).toBe(201);
      expect(await ordersOf(fan, eventId)).toEqual([retried.body.orderId]);
    } finally {
      proxy.setMode("pass");
      sparesNewConnections = false;
    }
    await heldNow(eventId, 2);
  }, 120_000);
});

describe("R13: the failed attempt's hold request reaches the ledger late, after the retry", () => {
  proxiedStack();

  it("it lands after the retry placed the hold and the fan cancelled it: nothing is held again", async () => {
    const { proxy } = ready();
    const { eventId, classId, fan } = await saleWithFan("Ledger late request");
    // Ledger writes (create_accounts, create_transfers) sent on the faulty connections, and their answers (which name
    // the column "statuses"), to know when the late ones have been applied.
    const counts = { sent: 0, answered: 0 };
    proxy.onChunk((direction, chunk) => {
      if (direction === "up" && chunk.includes("ledger_create_transfers") && !sparesNewConnections) {
        proxy.setLatency("up", 600_000); // this very request waits in the proxy
        sparesNewConnections = true; // the retry reaches the database on new connections
      }
      if (direction === "up" && chunk.includes("ledger_create_")) counts.sent += 1;
      if (direction === "down" && chunk.includes("statuses")) counts.answered += 1;
    });
    let orderId = "";
    try {
      const first = await keyedHold(fan, eventId, classId, "late-request");
      expect(first.body.error?.code).toBe("ledger_unavailable");
      orderId = await claimedOrderId(fan, "late-request");
      expect(await pendingHold(orderId)).toBe(false); // it has not reached the database
      const retried = await settle(fan, eventId, classId, "late-request");
      expect(retried.body.orderId).toBe(orderId);
      const byOrderToken = { authorization: `Bearer ${retried.body.orderToken}` };
      const cancel = await fetch(`${ready().url}/api/orders/${orderId}/cancel`, {
        method: "POST",
        headers: byOrderToken,
      });
      expect(cancel.status).toBe(200);
      await heldNow(eventId, 0);
    } finally {
      proxy.setLatency("up", 0); // the late copies land now
      sparesNewConnections = false;
    }
    await waitFor("every late hold request answered by the ledger", () => counts.answered >= counts.sent);
    proxy.onChunk(null);
    expect(counts.sent).toBeGreaterThan(0);
    expect(await pendingHold(orderId)).toBe(false);
    await heldNow(eventId, 0);
    expect(await ordersOf(fan, eventId)).toEqual([orderId]);
    expect(await audit(eventId)).toBe(true);
  }, 120_000);
});
