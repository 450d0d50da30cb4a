// Goal: an admin cancels an event (POST /api/admin/events/:id/cancel) against real server and
// workers processes: the sale closes at once (joins see it closed, holds are refused with
// sale_not_open), the open hold ends, open pages are told by event:status, and the server refunds
// every paid order through MockPay in the background — once each — with tickets void and stock
// returned (the audit adds up); progress reaches done with matching counts — also for a sale of 200
// paid orders, each refunded once and none left paid. A second cancel is a
// 409 already_cancelled that changes nothing; bad input and no admin change nothing either. A
// closed sale's event can still be cancelled, its paid order refunded.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { EventStatusChanged } from "@stampede/shared/protocol";
import { admittedFan, auditOk, completePayment, hold, orderReaches } from "./support/checkout.js";
import { basicAuth, connectFan, createEvent, waitFor } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";
import { json, testPool } from "./support/services.js";

const basic = basicAuth(stackAdmin.username, stackAdmin.password);
const asAdmin = { "content-type": "application/json", authorization: basic };
const served = useStack();
let poolOf: ReturnType<typeof testPool> | undefined;
const db = () => (poolOf ??= testPool(served.stack.db.url, 2));
afterAll(async () => {
  await poolOf?.end();
});

afterEach(async () => {
  await expectAnswersMatchSchemas(served);
});

async function sale(name: string, capacity = 100) {
  const event = await createEvent(served.url, stackAdmin, {
    name,
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity, perOrderMax: 4 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, perFanMax: 4, holdSeconds: 600 },
  });
  return { id: event.id, ga: event.classes[0]!.id };
}

const cancel = (eventId: string, body: unknown, headers: Record<string, string> = asAdmin) =>
  fetch(`${served.url}/api/admin/events/${eventId}/cancel`, { method: "POST", headers, body: JSON.stringify(body) });

const progressOf = async (eventId: string) =>
  json(await fetch(`${served.url}/api/admin/events/${eventId}/cancellation`, { headers: { authorization: basic } }));

const statusOf = async (eventId: string): Promise<string> =>
  (await json(await fetch(`${served.url}/api/admin/events/${eventId}`, { headers: { authorization: basic } }))).status;

async function paidOrder(eventId: string, classId: string, quantity: number) {
  const fan = served.closeAfter(await admittedFan(served.url, eventId));
  const held = await hold(served.url, fan, eventId, [{ classId, quantity }]);
  expect(held.status).toBe(201);
  await completePayment(served.url, held.body.paymentUrl, "succeeded");
  await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
  return held.body;
}

describe("cancelling an event", () => {
  it("closes the sale, ends the open hold and refunds every paid order once, in the background", async () => {
    const e = await sale("Cancel me");
    const paid = [await paidOrder(e.id, e.ga, 2), await paidOrder(e.id, e.ga, 1), await paidOrder(e.id, e.ga, 3)];
    const holder = served.closeAfter(await admittedFan(served.url, e.id));
    const open = (await hold(served.url, holder, e.id, [{ classId: e.ga, quantity: 1 }])).body;
    const late = served.closeAfter(await admittedFan(served.url, e.id));
    const pushed: EventStatusChanged[] = [];
    holder.socket.on("event:status", (s) => pushed.push(s));

    const res = await cancel(e.id, { reason: "The venue flooded." });
    expect(res.status).toBe(202);
    const answer = await json(res);
    expect(answer).toMatchObject({ eventId: e.id, paidOrders: 3, failed: 0, finishedAt: null, status: "refunding" });
    await waitFor("event:status cancelled", () => pushed.find((s) => s.eventId === e.id && s.status === "cancelled"));
    expect(await statusOf(e.id)).toBe("cancelled");

    // The sale is closed the way any closed sale is: a hold is refused, a join sees the room closed.
    const refused = await hold(served.url, late, e.id, [{ classId: e.ga, quantity: 1 }]);
    expect([refused.status, refused.body.error?.code]).toEqual([409, "sale_not_open"]);
    const joiner = served.closeAfter(await connectFan(served.url));
    const joined = await joiner.join(e.id);
    expect(joined.ok && joined.data.state).toBe("closed");

    for (const order of paid) await orderReaches(served.url, order.orderId, order.orderToken, "refunded", 30_000);
    await orderReaches(served.url, open.orderId, open.orderToken, "cancelled", 30_000);
    const done = await waitFor(
      "cancellation done",
      async () => {
        const p = await progressOf(e.id);
        return p.status === "done" ? p : null;
      },
      30_000,
    );
    expect(done).toMatchObject({ paidOrders: 3, refunded: 3, failed: 0, startedAt: answer.startedAt });
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));

    const ids = paid.map((o) => o.orderId);
    const refunds = await db().query(
      `SELECT s.order_id, count(r.id)::int AS n FROM mockpay_sessions s JOIN mockpay_refunds r ON r.session_id = s.id
        WHERE s.order_id = ANY($1) GROUP BY s.order_id`,
      [ids],
    );
    expect(refunds.rows.map((r) => r.n)).toEqual([1, 1, 1]);
    const valid = await db().query(
      "SELECT count(*)::int AS n FROM tickets WHERE order_id = ANY($1) AND voided_at IS NULL",
      [ids],
    );
    expect(valid.rows[0].n).toBe(0);
    // Every ticket is back in the pool (the admin's view).
    const view = await json(
      await fetch(`${served.url}/api/admin/events/${e.id}`, { headers: { authorization: basic } }),
    );
    expect(view.classes[0]).toMatchObject({ capacity: 100, available: 100, held: 0, sold: 0 });
    expect(await auditOk(served.url, e.id, basic)).toBe(true);
    // Out of the public catalogue, but its address still says it is cancelled (buyers' links, order pages).
    const shown = await fetch(`${served.url}/api/events/${e.id}`);
    expect([shown.status, ((await shown.json()) as { status: string }).status]).toEqual([200, "cancelled"]);
    const listed = (await json(await fetch(`${served.url}/api/events`))) as { events: Array<{ id: string }> };
    expect(listed.events.map((x) => x.id)).not.toContain(e.id);

    const row = await db().query("SELECT username, reason FROM event_cancellations WHERE event_id = $1", [e.id]);
    expect(row.rows).toEqual([{ username: stackAdmin.username, reason: "The venue flooded." }]);
    const logged = await waitFor("admin_audit row", async () => {
      const r = await db().query("SELECT action, status FROM admin_audit WHERE target = $1", [
        `/api/admin/events/${e.id}/cancel`,
      ]);
      return r.rows.length > 0 ? r.rows : null;
    });
    expect(logged).toEqual([{ action: "POST /api/admin/events/:eventId/cancel", status: 202 }]);

    // A second cancel changes nothing.
    const again = await cancel(e.id, {});
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("already_cancelled");
    expect(await progressOf(e.id)).toEqual(done);
    const rows = await db().query("SELECT count(*)::int AS n FROM event_cancellations WHERE event_id = $1", [e.id]);
    expect(rows.rows[0].n).toBe(1);
  }, 120_000);

  it("refunds 200 paid orders, each once, leaves none paid, and a second cancel changes nothing", async () => {
    const e = await sale("Cancel a busy sale", 250);
    const paid: Array<{ orderId: string; orderToken: string }> = [];
    // Twenty fans at a time buy one ticket each, through the contract and MockPay.
    for (let i = 0; i < 10; i++)
      paid.push(...(await Promise.all(Array.from({ length: 20 }, () => paidOrder(e.id, e.ga, 1)))));
    const res = await cancel(e.id, { reason: "Tour called off." });
    expect([res.status, (await json(res)).paidOrders]).toEqual([202, 200]);
    const done = await waitFor(
      "cancellation done",
      async () => {
        const p = await progressOf(e.id);
        return p.status === "done" ? p : null;
      },
      120_000,
    );
    expect(done).toMatchObject({ paidOrders: 200, refunded: 200, failed: 0 });
    const ids = paid.map((o) => o.orderId);
    const counts = async () =>
      (
        await db().query(
          `SELECT (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM orders
                    WHERE id::text = ANY($1::text[]) GROUP BY status) o) AS orders,
                  (SELECT count(*)::int FROM mockpay_sessions s JOIN mockpay_refunds r ON r.session_id = s.id
                    WHERE s.order_id = ANY($1::text[])) AS refunds`,
          [ids],
        )
      ).rows[0];
    expect(await counts()).toEqual({ orders: { refunded: 200 }, refunds: 200 });
    expect(await auditOk(served.url, e.id, basic)).toBe(true);
    const again = await cancel(e.id, { reason: "Again." });
    expect([again.status, (await json(again)).error.code]).toEqual([409, "already_cancelled"]);
    expect(await progressOf(e.id)).toEqual(done);
    expect(await counts()).toEqual({ orders: { refunded: 200 }, refunds: 200 });
  }, 240_000);

  it("cancels an event whose sale is closed already, refunding its paid order", async () => {
    const e = await sale("Closed, then called off");
    const paid = await paidOrder(e.id, e.ga, 1);
    const closed = await fetch(`${served.url}/api/admin/events/${e.id}/status`, {
      method: "POST",
      headers: asAdmin,
      body: JSON.stringify({ status: "closed" }),
    });
    expect(closed.status).toBe(200);
    expect((await cancel(e.id, {})).status).toBe(202);
    await orderReaches(served.url, paid.orderId, paid.orderToken, "refunded", 30_000);
    expect(await statusOf(e.id)).toBe("cancelled");
  }, 60_000);

  it("refuses bad input, no admin and unknown events, changing nothing", async () => {
    const e = await sale("Keep me");
    const tooLong = await cancel(e.id, { reason: "x".repeat(501) });
    expect([tooLong.status, (await json(tooLong)).error.code]).toEqual([422, "invalid_request"]);
    const stranger = await cancel(e.id, { reason: "ok", refundNow: true });
    expect(stranger.status).toBe(422);
    const anonymous = await cancel(e.id, {}, { "content-type": "application/json" });
    expect(anonymous.status).toBe(401);
    expect(await statusOf(e.id)).toBe("on_sale");
    const none = await fetch(`${served.url}/api/admin/events/${e.id}/cancellation`, {
      headers: { authorization: basic },
    });
    expect(none.status).toBe(404);
    const unknown = await cancel("0190a0a0-0000-7000-8000-000000000000", {});
    expect([unknown.status, (await json(unknown)).error.code]).toEqual([404, "not_found"]);
    const rows = await db().query("SELECT count(*)::int AS n FROM event_cancellations WHERE event_id = $1", [e.id]);
    expect(rows.rows[0].n).toBe(0);
  });
});
