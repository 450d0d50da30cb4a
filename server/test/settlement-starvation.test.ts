// Goal: a flood of hold requests can never starve payment settlement. Settlement has database
// connections of its own (SETTLEMENT_POOL_MAX), so a payment's webhook is settled even while every
// connection of the shared pool is taken by holds. The shop's shared pool (2 connections) reaches
// PostgreSQL through a TCP proxy of its own that blackholes only connections named
// "stampede-server": the holds in flight never get their answers, 30 admitted fans send holds, and
// once the proxy holds a request on every connection of the pool (every connection taken, seen by
// the proxy itself: the pool's waiters depend on which other reads happen to come meanwhile) a
// signed payment webhook arrives for an order placed before.
// Control: the same with SETTLEMENT_POOL_MAX=0 (settlement shares the pool): the webhook waits for
// a connection it cannot get and is refused (503), the payment unsettled — the starvation its own
// pool prevents. Both answers come while the blackhole is still on: decided by what answered, not
// by time. After the blackhole lifts, the provider's next delivery settles the starved payment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../src/adapters/postgres/pool.js";
import { signWebhook, webhookBody, webhookSignatureHeader, type WebhookEvent } from "../src/payments/webhook.js";
import {
  admittedFan,
  gaSale,
  getOrder,
  hold,
  holdBody,
  orderReaches,
  postAsFan,
  sessionIdOf,
  type AdmittedFan,
} from "./support/checkout.js";
import { waitFor } from "./support/fans.js";
import { testPostgresBase } from "./support/services.js";
import { startStack, type TestStack } from "./support/stack.js";
import { proxyPostgresPool, viaProxy, type TcpProxy } from "./support/tcp-proxy.js";

const secret = "whsec_starvation_test_0123456789";
const flood = 30;
const sharedPoolMax = 2;

let stack: TestStack;
/** One proxy per server: only that server's shared pool goes through it. */
const proxies: TcpProxy[] = [];
/** The test's database, straight (not through the proxy). */
let direct: Pool;
const fans: AdmittedFan[] = [];

beforeAll(async () => {
  stack = await startStack({ MOCKPAY_WEBHOOK_SECRET: secret, DB_POOL_MAX: String(sharedPoolMax) });
  direct = createPool(stack.db.url, { max: 1 });
}, 120_000);

afterAll(async () => {
  proxies.forEach((proxy) => proxy.setMode("pass"));
  fans.splice(0).forEach((f) => f.close());
  await direct?.end();
  await stack?.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

function deliver(url: string, event: WebhookEvent): Promise<Response> {
  const body = webhookBody(event);
  const signature = signWebhook(secret, body, Math.floor(Date.now() / 1000));
  return fetch(`${url}/api/payments/webhook`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", [webhookSignatureHeader]: signature },
    signal: AbortSignal.timeout(60_000),
  });
}

/** Holds blackholed and queued, then the payment of an earlier hold: the webhook's answer and the order's status meanwhile. */
async function floodThenPay(env: Record<string, string>): Promise<{
  url: string;
  status: number;
  orderStatus: string;
  event: WebhookEvent;
  order: { id: string; token: string };
}> {
  const proxy = await proxyPostgresPool(testPostgresBase, "stampede-server");
  proxies.push(proxy);
  const url = (await stack.addServer({ DATABASE_URL: viaProxy(stack.db.url, proxy), ...env })).url;
  const sale = await gaSale(url, `starvation ${stack.servers.length}`);
  const buyer = await admittedFan(url, sale.eventId);
  const crowd = await Promise.all(Array.from({ length: flood }, () => admittedFan(url, sale.eventId)));
  fans.push(buyer, ...crowd);
  const held = await hold(url, buyer, sale.eventId, [{ classId: sale.classId, quantity: 1 }]);
  expect(held.status).toBe(201);

  const event: WebhookEvent = {
    id: `evt_starve${stack.servers.length}`,
    type: "payment.succeeded",
    created: Math.floor(Date.now() / 1000),
    data: {
      sessionId: sessionIdOf(held.body.paymentUrl),
      orderId: held.body.orderId,
      amountCents: held.body.totalCents,
      currency: "USD",
    },
  };
  proxy.setMode("blackhole");
  let res: Response;
  let rows: Array<{ status: string }>;
  try {
    crowd.forEach((fan, i) => {
      const key = { "idempotency-key": `flood-${stack.servers.length}-${i}` };
      void postAsFan(url, `/api/events/${sale.eventId}/holds`, fan.fanToken, holdBody(fan, sale.classId, 1), key).catch(
        () => {},
      );
    });
    await waitFor("every shared connection stuck on a hold", () => proxy.stalled() >= sharedPoolMax, 30_000);
    res = await deliver(url, event);
    // Read while the shared pool is still cut off, straight from the database.
    rows = (await direct.query<{ status: string }>("SELECT status FROM orders WHERE id = $1", [held.body.orderId]))
      .rows;
  } finally {
    proxy.setMode("pass");
  }
  return {
    url,
    status: res.status,
    orderStatus: rows[0]?.status ?? "missing",
    event,
    order: { id: held.body.orderId, token: held.body.orderToken },
  };
}

describe("settlement under a flood of holds", () => {
  it("settles a payment on its own connections while every shared connection is taken by holds", async () => {
    const outcome = await floodThenPay({});
    expect([outcome.status, outcome.orderStatus]).toEqual([200, "paid"]);
    expect((await getOrder(outcome.url, outcome.order.id, outcome.order.token)).tickets).toHaveLength(1);
  }, 180_000);

  it("control: sharing the pool, the payment is starved, and settles on the next delivery once holds move", async () => {
    const outcome = await floodThenPay({ SETTLEMENT_POOL_MAX: "0" });
    expect([outcome.status, outcome.orderStatus]).toEqual([503, "held"]);
    expect((await deliver(outcome.url, outcome.event)).status).toBe(200);
    await orderReaches(outcome.url, outcome.order.id, outcome.order.token, "paid", 30_000);
  }, 180_000);
});
