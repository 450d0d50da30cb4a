// Goal: payments are settled before new holds are taken. While payment webhooks wait their turn
// in the server's webhook gate, a new hold is turned away at once (503 overloaded, Retry-After)
// instead of taking the server's time from the payments; the page sends it again.
// Settlement's own database connections reach PostgreSQL through a TCP proxy that blackholes them
// (only connections named "stampede-settlement"): webhooks hang in flight until the gate is full
// and one more waits in its queue. Holds use the shared pool, which the proxy leaves alone.
// Control: with webhooks stuck in flight but none queued, a hold is still served. Decided by the
// server's published health readings (their clock), never by a sleep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhooksInFlightMax } from "@stampede/shared/limits";
import { signWebhook, webhookBody, webhookSignatureHeader, type WebhookEvent } from "../src/payments/webhook.js";
import { admittedFan, gaSale, holdBody, postAsFan, type AdmittedFan } from "./support/checkout.js";
import { waitFor } from "./support/fans.js";
import { testPostgresBase } from "./support/services.js";
import { startStack, type TestStack } from "./support/stack.js";
import { proxyPostgresPool, viaProxy, type TcpProxy } from "./support/tcp-proxy.js";

const secret = "whsec_settle_first_test_0123456789";

let stack: TestStack;
let proxy: TcpProxy;
let url: string;
const fans: AdmittedFan[] = [];
const stuck = new AbortController();

beforeAll(async () => {
  proxy = await proxyPostgresPool(testPostgresBase, "stampede-settlement");
  stack = await startStack({ MOCKPAY_WEBHOOK_SECRET: secret });
  url = (await stack.addServer({ DATABASE_URL: viaProxy(stack.db.url, proxy) })).url;
}, 120_000);

afterAll(async () => {
  stuck.abort();
  proxy?.setMode("pass");
  fans.splice(0).forEach((f) => f.close());
  await stack?.close();
  await proxy?.close();
});

/** A signed payment webhook for an order the settlement must look up: it hangs on the blackholed pool. */
function deliver(n: number): void {
  const event: WebhookEvent = {
    id: `evt_settlefirst${n}`,
    type: "payment.succeeded",
    created: Math.floor(Date.now() / 1000),
    data: { sessionId: `cs_settlefirst${n}`, orderId: crypto.randomUUID(), amountCents: 1_000, currency: "USD" },
  };
  const body = webhookBody(event);
  const signature = signWebhook(secret, body, Math.floor(Date.now() / 1000));
  void fetch(`${url}/api/payments/webhook`, {
    method: "POST",
    body,
    signal: stuck.signal,
    headers: { "content-type": "application/json", [webhookSignatureHeader]: signature },
  }).catch(() => {});
}

/** The proxied server's latest published reading (the node with webhooks waiting; the stack's other
 * node has none): webhooks in flight and queued, and when it was read. */
async function reading(): Promise<{ webhooksWaiting: number; atMs: number } | null> {
  const all = await stack.redis.client.hgetall(`${stack.redis.prefix}:checkout-health`);
  const readings = Object.values(all).map((t) => JSON.parse(t) as { webhooksWaiting: number; atMs: number });
  return readings.sort((a, b) => b.webhooksWaiting - a.webhooksWaiting)[0] ?? null;
}

describe("settlement first", () => {
  it("turns new holds away while payments wait their turn, and serves them while payments are only slow", async () => {
    const sale = await gaSale(url, "settle first");
    const [control, turnedAway] = await Promise.all([admittedFan(url, sale.eventId), admittedFan(url, sale.eventId)]);
    fans.push(control, turnedAway);
    const holdAs = (fan: AdmittedFan) =>
      postAsFan(url, `/api/events/${sale.eventId}/holds`, fan.fanToken, holdBody(fan, sale.classId, 1));

    proxy.setMode("blackhole");
    for (let i = 0; i < 10; i++) deliver(i);
    await waitFor("ten webhooks stuck in flight", async () => ((await reading())?.webhooksWaiting ?? 0) >= 10, 30_000);
    // Control: payments slow but none waiting for a turn — holds are served.
    expect((await holdAs(control)).status).toBe(201);

    for (let i = 10; i <= webhooksInFlightMax; i++) deliver(i);
    const full = webhooksInFlightMax + 1;
    const queuedSince = await waitFor(
      "a webhook queued behind a full gate",
      async () => {
        const r = await reading();
        return r && r.webhooksWaiting >= full ? r.atMs : null;
      },
      30_000,
    );
    // A later reading with it still queued: it has waited past the quarter second holds yield after.
    await waitFor(
      "the webhook still queued 300 ms later",
      async () => {
        const r = await reading();
        return r !== null && r.webhooksWaiting >= full && r.atMs >= queuedSince + 300;
      },
      30_000,
    );
    const answer = await holdAs(turnedAway);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: { code: "overloaded" } });
    expect(answer.retryAfterS).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
