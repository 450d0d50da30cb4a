// Goal: a fan can find their own orders for an event again (after Back from the payment page, a
// reload, another tab) with how many more tickets they may hold — and nobody else's.
import { describe, expect, it } from "vitest";
import type { FanOrdersView } from "@stampede/shared/api/orders";
import { admittedFan, completePayment, hold, orderReaches } from "./support/checkout.js";
import { createEvent, newSession, waitFor } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";

const served = useStack();

async function saleEvent() {
  const event = await createEvent(served.url, stackAdmin, {
    name: "Fan orders test",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 50, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, perFanMax: 6 },
  });
  return { eventId: event.id, ga: (event.classes as unknown as [{ id: string }])[0].id };
}

async function mine(
  eventId: string,
  fanToken: string | null,
): Promise<{ status: number; body: FanOrdersView & { error?: { code: string } } }> {
  const res = await fetch(`${served.url}/api/events/${encodeURIComponent(eventId)}/orders/mine`, {
    headers: fanToken ? { authorization: `Bearer ${fanToken}` } : {},
  });
  return { status: res.status, body: (await res.json()) as FanOrdersView & { error?: { code: string } } };
}

describe("GET /api/events/:eventId/orders/mine", () => {
  it("lists the fan's held order with its payment link, then the paid one, and what is left of the per-fan limit", async () => {
    const { eventId, ga } = await saleEvent();
    const fan = await admittedFan(served.url, eventId);
    served.closeAfter(fan);
    expect((await mine(eventId, fan.fanToken)).body).toEqual({ eventId, perFanMax: 6, remaining: 6, orders: [] });

    const held = await hold(served.url, fan, eventId, [{ classId: ga, quantity: 2 }]);
    expect(held.status).toBe(201);
    const heldView = await mine(eventId, fan.fanToken);
    expect(heldView.status).toBe(200);
    expect(heldView.body.remaining).toBe(4);
    expect(heldView.body.orders.map((o) => [o.orderId, o.status, o.paymentUrl, o.expiresAt])).toEqual([
      [held.body.orderId, "held", held.body.paymentUrl, held.body.expiresAt],
    ]);

    expect((await completePayment(served.url, held.body.paymentUrl, "succeeded")).status).toBe(200);
    await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
    const paid = await waitFor("paid in the fan's list", async () => {
      const answer = await mine(eventId, fan.fanToken);
      return answer.body.orders[0]?.status === "paid" ? answer.body : null;
    });
    expect(paid.remaining).toBe(4);
    expect(paid.orders[0]).toMatchObject({ orderId: held.body.orderId, status: "paid" });
    expect(paid.orders[0]?.paymentUrl).toBeUndefined();
    expect(paid.orders[0]?.tickets).toHaveLength(2);
    // The QR links work with the fan's own auth (no order token in them).
    const qr = await fetch(`${served.url}${paid.orders[0]!.tickets[0]!.qrSvgUrl}`, {
      headers: { authorization: `Bearer ${fan.fanToken}` },
    });
    expect(qr.status).toBe(200);
  });

  it("shows another fan nothing of it, and refuses no auth, bad and unknown ids", async () => {
    const { eventId, ga } = await saleEvent();
    const fan = await admittedFan(served.url, eventId);
    served.closeAfter(fan);
    expect((await hold(served.url, fan, eventId, [{ classId: ga, quantity: 1 }])).status).toBe(201);

    const other = await newSession(served.url);
    expect((await mine(eventId, other.fanToken)).body).toEqual({ eventId, perFanMax: 6, remaining: 6, orders: [] });
    const otherEvent = await saleEvent();
    expect((await mine(otherEvent.eventId, fan.fanToken)).body.orders).toEqual([]);

    const none = await mine(eventId, null);
    expect([none.status, none.body.error?.code]).toEqual([401, "unauthorized"]);
    const forged = await mine(eventId, `${fan.fanToken}x`);
    expect(forged.status).toBe(401);
    for (const bad of ["nope", "00000000-0000-7000-8000-000000000000", "'; DROP TABLE orders; --"]) {
      const answer = await mine(bad, fan.fanToken);
      expect([answer.status, answer.body.error?.code]).toEqual([404, "not_found"]);
    }
    expect((await mine(eventId, fan.fanToken)).body.orders).toHaveLength(1); // nothing changed
  });

  it("is in the OpenAPI document, with fan auth", async () => {
    const doc = (await (await fetch(`${served.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const op = doc.paths["/api/events/{eventId}/orders/mine"]?.get;
    expect(op).toBeDefined();
    expect(op?.security?.length).toBeGreaterThan(0);
  });
});
