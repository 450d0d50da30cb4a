// Goal: MockPay runs as its own process, as a real provider does (`npm run start:mockpay`), and the
// shop works against it through MOCKPAY_URL: a hold opens its session over MockPay's API, the fan
// pays on MockPay's own origin, MockPay (not the shop's workers) delivers the webhook, the order
// is paid; an admin refund goes back over the API. The shop serves no /mockpay of its own then. With
// MockPay down, a hold answers 503 with Retry-After at once and holds no stock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admittedFan,
  auditOk,
  completePayment,
  hold,
  holdBody,
  orderReaches,
  postAsFan,
  sessionIdOf,
  stockOf,
  type AdmittedFan,
} from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { startProcess, type RunningProcess, type RunningServer } from "./support/processes.js";
import { closedPort } from "./support/services.js";
import { MockPayClient } from "../src/payments/mockpay-client.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

const basic = basicAuth(stackAdmin.username, stackAdmin.password);
const apiKey = "sk_e2e_mockpay_process_0123456789";
const fans: AdmittedFan[] = [];
let stack: TestStack;
let server: RunningServer;
let mockpay: RunningProcess & { url: string };
let workers: RunningProcess;

beforeAll(async () => {
  stack = await startStack({ MOCKPAY_API_KEY: apiKey, MOCKPAY_WEBHOOK_SECRET: "whsec_e2e_mockpay_process_0123" });
  // MockPay must know where the shop's webhook endpoint is before the shop starts: a port picked now.
  const shopPort = await closedPort();
  mockpay = await stack.addMockPay({ MOCKPAY_WEBHOOK_URL: `http://127.0.0.1:${shopPort}/api/payments/webhook` });
  server = await stack.addServer({ PORT: String(shopPort), MOCKPAY_URL: mockpay.url });
  workers = stack.addWorkers({ MOCKPAY_URL: mockpay.url });
  await waitFor("the workers to start", () => /workers running/.test(workers.output()), 30_000);
});
afterAll(async () => {
  for (const f of fans) f.close();
  await stack?.close();
});

async function sale(name: string) {
  const event = await createEvent(server.url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_500, capacity: 10, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 60_000, perFanMax: 4, holdSeconds: 600 },
  });
  return { eventId: event.id, classId: event.classes[0]!.id };
}

async function heldOrder(eventId: string, classId: string) {
  const fan = await admittedFan(server.url, eventId);
  fans.push(fan);
  return { fan, answer: await hold(server.url, fan, eventId, [{ classId, quantity: 2 }]) };
}

describe("MockPay in its own process", () => {
  it("takes a purchase from hold to paid and back to refunded, with MockPay delivering its own webhooks", async () => {
    const { eventId, classId } = await sale("Provider apart");
    const { answer } = await heldOrder(eventId, classId);
    expect(answer.status).toBe(201);
    expect(answer.body.paymentUrl.startsWith(`${mockpay.url}/mockpay/checkout/ps_`)).toBe(true);
    const page = await fetch(answer.body.paymentUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Pay");

    const paid = await completePayment(mockpay.url, answer.body.paymentUrl, "succeeded");
    expect(paid.status).toBe(200);
    const order = await orderReaches(server.url, answer.body.orderId, answer.body.orderToken, "paid");
    expect(order.tickets).toHaveLength(2);
    // The shop's workers run the hold queues, the order, account, resale and waiting-list emails, not the
    // webhook delivery: the webhook came from MockPay's process.
    expect(workers.output()).toMatch(/workers running \(6 queues\)/);

    const { orderId, orderToken, paymentUrl } = answer.body;
    const refund = await fetch(`${server.url}/api/admin/orders/${orderId}/refund`, {
      method: "POST",
      headers: { authorization: basic },
    });
    expect(refund.status).toBe(200);
    await orderReaches(server.url, orderId, orderToken, "refunded");
    const sessionAnswer = await fetch(`${mockpay.url}/mockpay/api/sessions/${sessionIdOf(paymentUrl)}`);
    const session = (await sessionAnswer.json()) as { refund: { refundId: string } | null };
    expect(session.refund?.refundId).toMatch(/^re_/);
    expect(await auditOk(server.url, eventId, basic)).toBe(true);
  });

  it("serves no MockPay pages from the shop, and MockPay's shop API wants the key", async () => {
    expect((await fetch(`${server.url}/mockpay/api/sessions/ps_${"0".repeat(32)}`)).status).toBe(404);
    const headers = { "content-type": "application/json" };
    const anonymous = await fetch(`${mockpay.url}/mockpay/api/sessions`, { method: "POST", headers, body: "{}" });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("pays out over its API to the shop's client: a repeat of the key is the same payout", async () => {
    const client = new MockPayClient({ baseUrl: mockpay.url, apiKey });
    try {
      const input = { payoutKey: `listing-${Date.now()}`, amountCents: 1_500, currency: "EUR" };
      const payout = await client.payout({ ...input, recipient: "seller-account", description: "resale payout" });
      expect(payout.payoutId).toMatch(/^po_[0-9a-f]{32}$/);
      expect(await client.payout({ ...input, recipient: "seller-account", description: "again" })).toEqual(payout);
    } finally {
      client.close();
    }
  });

  it("refuses to start in production with the development API key", async () => {
    const env = { ...stack.env, NODE_ENV: "production", MOCKPAY_API_KEY: "", MOCKPAY_PORT: "0" };
    const refused = startProcess("mockpay", env);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(/cannot start: .*\n?.*MOCKPAY_API_KEY: must be set/);
  });

  it("answers a hold 503 with Retry-After while MockPay is down, holding nothing", async () => {
    const { eventId, classId } = await sale("Provider down");
    const before = await stockOf(server.url, eventId);
    mockpay.child.kill("SIGKILL");
    await mockpay.exited;
    const fan = await admittedFan(server.url, eventId);
    fans.push(fan);
    const answer = await postAsFan(server.url, `/api/events/${eventId}/holds`, fan.fanToken, holdBody(fan, classId, 2));
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("not_ready");
    expect(answer.retryAfterS).toBeGreaterThan(0);
    expect(await stockOf(server.url, eventId)).toEqual(before);
  });
});
