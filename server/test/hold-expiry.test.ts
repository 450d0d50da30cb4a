// Goal: holds end on time in all three layers — with workers running the delayed job expires the
// order; with workers stopped the ledger's own timeout returns the stock within holdSeconds + 10 s
// and the sweeper settles the order once workers are back — and late payments are re-booked when
// stock is left and refunded automatically when it is not, never overselling.
import { afterAll, describe, expect, it } from "vitest";
import {
  admittedFan,
  auditOk,
  completePayment,
  getOrder,
  hold,
  orderReaches,
  stockOf,
  type AdmittedFan,
} from "./support/checkout.js";
import { basicAuth, createEvent, waitFor } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

const stacks: TestStack[] = [];
const fans: AdmittedFan[] = [];
const basic = basicAuth(stackAdmin.username, stackAdmin.password);
afterAll(async () => {
  for (const f of fans) f.close();
  for (const s of stacks) await s.close();
});

async function stackWith(workers: boolean) {
  const stack = await startStack();
  stacks.push(stack);
  const server = await stack.addServer();
  const worker = workers ? stack.addWorkers() : null;
  return { stack, url: server.url, worker };
}

async function shortHoldEvent(url: string, capacity = 10) {
  const event = await createEvent(url, stackAdmin, {
    name: "Short holds",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, holdSeconds: 5 },
  });
  return { id: event.id, ga: event.classes[0]!.id };
}

async function fan(url: string, eventId: string) {
  const f = await admittedFan(url, eventId);
  fans.push(f);
  return f;
}

describe("hold expiry", () => {
  it("expires an unpaid hold with the workers running, returns the stock and tells the fan", async () => {
    const { url } = await stackWith(true);
    const event = await shortHoldEvent(url);
    const f = await fan(url, event.id);
    const held = await hold(url, f, event.id, [{ classId: event.ga, quantity: 2 }]);
    const placedAt = Date.now();
    await orderReaches(url, held.body.orderId, held.body.orderToken, "expired", 30_000);
    expect(Date.now() - placedAt).toBeLessThanOrEqual(5_000 + 10_000); // I4: within holdSeconds + 10 s
    expect((await stockOf(url, event.id))[0]).toMatchObject({ available: 10, held: 0 });
    await waitFor("order:update expired", () =>
      f.orderUpdates.some((u) => u.orderId === held.body.orderId && u.status === "expired"),
    );
    expect(await auditOk(url, event.id, basic)).toBe(true);
  }, 120_000); // a stack of its own: process starts are slow on a loaded machine

  it("returns the stock with no workers at all (ledger timeout), and the sweeper settles the order later", async () => {
    const { stack, url } = await stackWith(false);
    const event = await shortHoldEvent(url);
    const f = await fan(url, event.id);
    const held = await hold(url, f, event.id, [{ classId: event.ga, quantity: 3 }]);
    const placedAt = Date.now();
    expect((await stockOf(url, event.id))[0]).toMatchObject({ available: 7, held: 3 });
    await waitFor(
      "stock back",
      async () => ((await stockOf(url, event.id))[0]!.available === 10 ? true : null),
      20_000,
    );
    expect(Date.now() - placedAt).toBeLessThanOrEqual(5_000 + 10_000);
    expect((await getOrder(url, held.body.orderId, held.body.orderToken)).status).toBe("held"); // nobody has settled it yet
    stack.addWorkers();
    await orderReaches(url, held.body.orderId, held.body.orderToken, "expired", 20_000);
    expect((await stockOf(url, event.id))[0]).toMatchObject({ available: 10, held: 0, sold: 0 });
    expect(await auditOk(url, event.id, basic)).toBe(true);
  }, 120_000);

  it("re-books a late payment when stock is left", async () => {
    const { url } = await stackWith(true);
    const event = await shortHoldEvent(url);
    const f = await fan(url, event.id);
    const held = await hold(url, f, event.id, [{ classId: event.ga, quantity: 2 }]);
    await orderReaches(url, held.body.orderId, held.body.orderToken, "expired", 30_000);
    expect((await completePayment(url, held.body.paymentUrl, "succeeded")).status).toBe(200);
    const paid = await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
    expect(paid.tickets).toHaveLength(2);
    expect((await stockOf(url, event.id))[0]).toMatchObject({ available: 8, held: 0, sold: 2 });
    expect(await auditOk(url, event.id, basic)).toBe(true);
  }, 120_000); // a stack of its own: process starts are slow on a loaded machine

  it("refunds a late payment automatically when the stock is gone, and never oversells", async () => {
    const { url } = await stackWith(true);
    const event = await shortHoldEvent(url, 1);
    const late = await fan(url, event.id);
    const lateHold = await hold(url, late, event.id, [{ classId: event.ga, quantity: 1 }]);
    await orderReaches(url, lateHold.body.orderId, lateHold.body.orderToken, "expired", 30_000);
    const buyer = await fan(url, event.id);
    const bought = await hold(url, buyer, event.id, [{ classId: event.ga, quantity: 1 }]);
    await completePayment(url, bought.body.paymentUrl, "succeeded");
    await orderReaches(url, bought.body.orderId, bought.body.orderToken, "paid");
    await completePayment(url, lateHold.body.paymentUrl, "succeeded");
    const refunded = await orderReaches(url, lateHold.body.orderId, lateHold.body.orderToken, "refunded");
    expect(refunded.tickets).toHaveLength(0);
    const session = (await (
      await fetch(`${url}/mockpay/api/sessions/${new URL(lateHold.body.paymentUrl).pathname.split("/").pop()}`)
    ).json()) as { status: string; refund?: unknown; refunded?: unknown };
    expect(JSON.stringify(session)).toMatch(/refund/i);
    expect((await stockOf(url, event.id))[0]).toMatchObject({ capacity: 1, available: 0, held: 0, sold: 1 });
    expect(await auditOk(url, event.id, basic)).toBe(true);
  }, 120_000);

  it("re-books a late payment at a promo code's price only with a use of the code left", async () => {
    const { url } = await stackWith(true);
    const event = await shortHoldEvent(url);
    const codeWith = async (uses: number): Promise<string> => {
      const headers = { authorization: basic, "content-type": "application/json" };
      const path = `${url}/api/admin/events/${event.id}/codes`;
      const made = (await (
        await fetch(path, { method: "POST", headers, body: JSON.stringify({ kind: "promo", percentOff: 50, uses }) })
      ).json()) as { batchId: string };
      const list = (await (await fetch(`${path}?batch=${made.batchId}`, { headers })).json()) as {
        codes: Array<{ code: string }>;
      };
      return list.codes[0]!.code;
    };
    const holdWith = async (f: AdmittedFan, code: string) => {
      const res = await fetch(`${url}/api/events/${event.id}/holds`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${f.fanToken}` },
        body: JSON.stringify({
          admissionToken: f.admissionToken,
          items: [{ classId: event.ga, quantity: 1 }],
          email: "a@b.test",
          code,
        }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { orderId: string; orderToken: string; paymentUrl: string };
    };
    // Each code: a hold expires unpaid, another fan uses the code and pays, then the first pays late.
    const lateOutcome = async (uses: number) => {
      const code = await codeWith(uses);
      const late = await holdWith(await fan(url, event.id), code);
      await orderReaches(url, late.orderId, late.orderToken, "expired", 30_000);
      const bought = await holdWith(await fan(url, event.id), code);
      await completePayment(url, bought.paymentUrl, "succeeded");
      await orderReaches(url, bought.orderId, bought.orderToken, "paid");
      await completePayment(url, late.paymentUrl, "succeeded");
      return waitFor("the late payment settled", async () => {
        const o = await getOrder(url, late.orderId, late.orderToken);
        return o.status === "paid" || o.status === "refunded" ? o.status : null;
      });
    };
    expect(await lateOutcome(1)).toBe("refunded"); // the code's one use went to the fan who paid in time
    expect(await lateOutcome(2)).toBe("paid"); // control: a use was left
    expect((await stockOf(url, event.id))[0]).toMatchObject({ available: 7, held: 0, sold: 3 });
    expect(await auditOk(url, event.id, basic)).toBe(true);
  }, 120_000);
});
