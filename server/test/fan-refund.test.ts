// Goal: a fan's own refund against a real server, workers, MockPay, PostgreSQL and Redis. Without
// a refund window (the default) the fan's request is refused and nothing changes; with one, the
// fan's paid order is refunded with its token — the money back through MockPay, the tickets void,
// the stock back on sale, the audit whole — and asked again, refused as no longer paid. An order
// with a ticket used at the door is refused; another fan's token opens nothing. The admin's policy
// route refuses bad input.
import { describe, expect, it } from "vitest";
import { admittedFan, auditOk, completePayment, gaSale, hold, orderReaches, stockOf } from "./support/checkout.js";
import { basicAuth } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const served = useStack();
const admin = basicAuth(stackAdmin.username, stackAdmin.password);

async function setWindow(eventId: string, body: unknown) {
  const res = await fetch(`${served.url}/api/admin/events/${eventId}/refund-policy`, {
    method: "PUT",
    headers: { authorization: admin, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A paid order of two GA tickets, with its token. */
async function paidOrder(eventId: string, classId: string) {
  const fan = await admittedFan(served.url, eventId);
  const held = await hold(served.url, fan, eventId, [{ classId, quantity: 2 }]);
  expect(held.status).toBe(201);
  await completePayment(served.url, held.body.paymentUrl, "succeeded");
  const order = await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
  fan.close();
  return { order, token: held.body.orderToken as string };
}

const asFan = async (method: "GET" | "POST", orderId: string, token: string) => {
  const res = await fetch(`${served.url}/api/orders/${orderId}/refund`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any answer's fields
  return { status: res.status, body: (await res.json()) as any };
};

describe("fan refunds", () => {
  it("are refused without a window; inside one, the fan's token refunds the order and returns the stock", async () => {
    const { eventId, classId } = await gaSale(served.url, "Refund window night");
    const { order, token } = await paidOrder(eventId, classId);
    expect(await asFan("GET", order.orderId, token)).toEqual({
      status: 200,
      body: { refundable: false, until: null, reason: "no_fan_refunds" },
    });
    const refused = await asFan("POST", order.orderId, token);
    expect([refused.status, refused.body.error.code, refused.body.error.details.reason]).toEqual([
      409,
      "refund_not_allowed",
      "no_fan_refunds",
    ]);

    for (const bad of [{ refundWindowHours: -1 }, { refundWindowHours: 8_761 }, { refundWindowHours: 1.5 }, {}]) {
      expect((await setWindow(eventId, bad)).status).toBe(422);
    }
    expect(await setWindow(eventId, { refundWindowHours: 48 })).toEqual({
      status: 200,
      body: { refundWindowHours: 48 },
    });
    const open = await asFan("GET", order.orderId, token);
    expect(open.body).toMatchObject({ refundable: true, reason: null });
    expect(Date.parse(open.body.until) - Date.parse(order.paidAt as string)).toBe(48 * 3_600_000);

    expect((await asFan("POST", order.orderId, "not-the-token")).status).toBe(404);
    const before = (await stockOf(served.url, eventId))[0]!;
    const refunded = await asFan("POST", order.orderId, token);
    expect([refunded.status, refunded.body.status]).toEqual([200, "refunded"]);
    expect(refunded.body.tickets.every((t: { voided: boolean }) => t.voided)).toBe(true);
    expect((await stockOf(served.url, eventId))[0]!.available).toBe(before.available + 2);
    expect(await auditOk(served.url, eventId, admin)).toBe(true);
    const again = await asFan("POST", order.orderId, token);
    expect([again.status, again.body.error.details.reason]).toEqual([409, "not_paid"]);
  });

  it("refuses an order with a ticket used at the door", async () => {
    const { eventId, classId } = await gaSale(served.url, "Refund door night");
    expect((await setWindow(eventId, { refundWindowHours: 24 })).status).toBe(200);
    const { order, token } = await paidOrder(eventId, classId);
    const scan = await fetch(`${served.url}/api/admin/checkin`, {
      method: "POST",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify({ code: order.tickets[0]!.code, eventId }),
    });
    expect(scan.status).toBe(200);
    const refused = await asFan("POST", order.orderId, token);
    expect([refused.status, refused.body.error.details.reason]).toEqual([409, "checked_in"]);
    const still = await orderReaches(served.url, order.orderId, token, "paid");
    expect(still.tickets.map((t) => (t as { voided?: boolean }).voided)).toEqual([false, false]);
  });
});
