// Goal: the fairness audit records a real sale through the public contract — fans join in a known
// order, are admitted one at a time (one checkout slot), some buy, one holds and cancels, one leaves
// the line — and its report shows 0 inversions, the right outcomes, conversion, deciles and no fan
// admitted after the sell-out. Negative controls: records written straight into the table out of
// queue order give the expected inversion count, and records admitted after the last sale count.
// The public summary carries the same figures and no fan ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { randomUUID } from "node:crypto";
import type { FairnessReportView, FairnessSummary } from "@stampede/shared/api/fairness";
import { completePayment, hold, orderReaches } from "./support/checkout.js";
import { basicAuth, connectFan, createEvent, waitFor, type TestFan } from "./support/fans.js";
import { stackAdmin } from "./support/stack.js";
import { useStack } from "./support/use-stack.js";
import { testPool } from "./support/services.js";

const served = useStack();
const basic = basicAuth(stackAdmin.username, stackAdmin.password);
let db: pg.Pool;
beforeAll(() => {
  db = testPool(served.stack.db.url, 2);
});
afterAll(async () => db?.end());

async function adminReport(eventId: string, query = ""): Promise<{ res: Response; body: FairnessReportView }> {
  const res = await fetch(`${served.url}/api/admin/events/${eventId}/fairness${query}`, {
    headers: { authorization: basic },
  });
  return { res, body: (await res.json()) as FairnessReportView };
}

async function setStatus(eventId: string, status: string): Promise<void> {
  const res = await fetch(`${served.url}/api/admin/events/${eventId}/status`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basic },
    body: JSON.stringify({ status }),
  });
  expect(res.status).toBe(200);
}

async function saleEvent(capacity: number) {
  const event = await createEvent(served.url, stackAdmin, {
    name: "Fairness test",
    status: "on_sale",
    classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity, perOrderMax: 2 }],
    // One slot, kept after paying: a fan is admitted only when the one before leaves the checkout.
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 1, perFanMax: 2, endAdmissionOnPaid: false },
  });
  return { eventId: event.id, classId: event.classes[0]!.id };
}

const admissionOf = (fan: TestFan, eventId: string) =>
  waitFor(`admission of ${fan.fanId}`, () => fan.admitted.find((a) => a.eventId === eventId)?.token);
const leave = (fan: TestFan, eventId: string) => fan.socket.timeout(5_000).emitWithAck("queue:leave", { eventId });

/** Holds and pays `quantity` tickets as an admitted fan; returns when the order is paid. */
async function buy(fan: TestFan, token: string, eventId: string, classId: string, quantity: number): Promise<void> {
  const placed = await hold(served.url, { fanToken: fan.fanToken, admissionToken: token }, eventId, [
    { classId, quantity },
  ]);
  expect(placed.status).toBe(201);
  expect((await completePayment(served.url, placed.body.paymentUrl, "succeeded")).status).toBe(200);
  await orderReaches(served.url, placed.body.orderId, placed.body.orderToken, "paid");
}

/** Five fans join a paused sale of four tickets in order; one at a time: the first buys two, the
 * second holds one and cancels, the third buys the last two and keeps the slot, the fifth leaves
 * the line and the fourth is never admitted. */
async function runSale(eventId: string, classId: string): Promise<TestFan[]> {
  await setStatus(eventId, "paused");
  const fans: TestFan[] = [];
  for (let i = 0; i < 5; i++) {
    const fan = served.closeAfter(await connectFan(served.url));
    const ack = await fan.join(eventId);
    expect(ack.ok && ack.data.queueNumber).toBe(i + 1);
    fans.push(fan);
  }
  const [first, second, third, fourth, fifth] = fans as [TestFan, TestFan, TestFan, TestFan, TestFan];
  await setStatus(eventId, "on_sale");
  await buy(first, await admissionOf(first, eventId), eventId, classId, 2);
  expect(second.admitted.some((a) => a.eventId === eventId)).toBe(false);
  expect((await leave(first, eventId)).ok).toBe(true);
  // The second holds one ticket, cancels, and leaves the checkout: the slot goes to the third.
  const held = await hold(
    served.url,
    { fanToken: second.fanToken, admissionToken: await admissionOf(second, eventId) },
    eventId,
    [{ classId, quantity: 1 }],
  );
  expect(held.status).toBe(201);
  const cancel = await fetch(`${served.url}/api/orders/${held.body.orderId}/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${held.body.orderToken}` },
  });
  expect(cancel.status).toBe(200);
  expect((await leave(second, eventId)).ok).toBe(true);
  // The third buys the last tickets and keeps the slot: nobody is admitted after the sell-out.
  await buy(third, await admissionOf(third, eventId), eventId, classId, 2);
  expect((await leave(fifth, eventId)).ok).toBe(true);
  expect(fourth.admitted.some((a) => a.eventId === eventId)).toBe(false);
  return fans;
}

describe("fairness audit", () => {
  it("reports a sale admitted one at a time in queue order", { timeout: 90_000 }, async () => {
    const { eventId, classId } = await saleEvent(4);
    const fans = await runSale(eventId, classId);
    const { body } = await adminReport(eventId);
    expect(body.fans).toEqual({
      joined: 5,
      admitted: 3,
      outcomes: { bought: 2, held_not_bought: 1, admitted_no_hold: 0, left: 1, never_admitted: 1 },
    });
    expect(body.inversions).toBe(0);
    expect(body.conversion).toEqual({ admitted: 3, bought: 2, rate: 2 / 3 });
    expect(body.dropOff).toEqual({ leftBeforeAdmission: 1, neverAdmitted: 1, rate: 2 / 5 });
    expect(body.timeInLine.samples).toBe(3);
    expect(body.timeInLine.p50Ms).toBeGreaterThan(0);
    // Five numbered fans: one in every other decile, the buyers in the first and the fifth.
    expect(body.deciles.map((d) => d.fans)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(body.deciles.map((d) => d.tickets)).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
    expect(body.soldOutAt).not.toBeNull();
    expect(body.admittedAfterSoldOut).toBe(0);
    const byFan = new Map(body.records.map((r) => [r.fanId, r]));
    expect(fans.map((f) => byFan.get(f.fanId)?.queueNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(byFan.get(fans[0]!.fanId)?.ticketsBought).toBe(2);

    // Positive control for the sell-out count: two records admitted after the last sale.
    await db.query(
      `INSERT INTO admission_records (event_id, fan_id, queue_number, joined_at, admitted_at)
       VALUES ($1, $2, 6, now(), now() + interval '1 hour'), ($1, $3, 7, now(), now() + interval '1 hour')`,
      [eventId, randomUUID(), randomUUID()],
    );
    expect((await adminReport(eventId)).body.admittedAfterSoldOut).toBe(2);

    const summary = await waitFor("the public summary", async () => {
      const res = await fetch(`${served.url}/api/events/${eventId}/fairness`);
      const s = (await res.json()) as FairnessSummary;
      return res.status === 200 && s.fans.joined === 7 ? { s, text: JSON.stringify(s) } : null;
    });
    expect(summary.s.inversions).toBe(0);
    expect("records" in summary.s).toBe(false);
    for (const fan of fans) expect(summary.text).not.toContain(fan.fanId);
  });

  it("records the numbers a lottery drew, for fans admitted and fans still waiting", { timeout: 60_000 }, async () => {
    const event = await createEvent(served.url, stackAdmin, {
      name: "Fairness lottery",
      status: "scheduled",
      classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 10 }],
      waitingRoom: {
        mode: "lottery",
        opensAt: new Date(Date.now() + 3_000).toISOString(),
        admitPerMinute: 60_000,
        maxActiveCheckouts: 1,
      },
    });
    const fans: TestFan[] = [];
    for (let i = 0; i < 4; i++) {
      const fan = served.closeAfter(await connectFan(served.url));
      const ack = await fan.join(event.id);
      expect(ack.ok && ack.data.state).toBe("pre_queue");
      fans.push(fan);
    }
    const first = await waitFor("the first admission", () => fans.find((f) => f.admitted.length > 0), 20_000);
    const drawn = (await (await fetch(`${served.url}/api/events/${event.id}/lottery`)).json()) as { order: string[] };
    expect(drawn.order[0]).toBe(first.fanId);
    const { body } = await adminReport(event.id);
    const numbers = new Map(body.records.map((r) => [r.fanId, r.queueNumber]));
    expect(drawn.order.map((fanId) => numbers.get(fanId))).toEqual([1, 2, 3, 4]);
    expect(body.fans.admitted).toBe(1);
    expect(body.fans.outcomes.never_admitted).toBe(3);
    expect(body.inversions).toBe(0);
  });

  it("counts records admitted out of queue order (negative control)", async () => {
    const { eventId } = await saleEvent(10);
    // Numbers 1..5 admitted at seconds 4, 1, 2, 0, 3: the pairs out of order are (1,2) (1,3) (1,4)
    // (1,5) (2,4) (3,4) — six inversions; 5 joins 3 s later than the others, so its wait differs.
    const admittedAtS = [4, 1, 2, 0, 3];
    for (const [i, s] of admittedAtS.entries()) {
      await db.query(
        `INSERT INTO admission_records (event_id, fan_id, queue_number, joined_at, admitted_at)
         VALUES ($1, $2, $3, to_timestamp(1000), to_timestamp(1000 + $4))`,
        [eventId, randomUUID(), i + 1, s + 10],
      );
    }
    const { body } = await adminReport(eventId);
    expect(body.inversions).toBe(6);
    expect(body.timeInLine).toEqual({ samples: 5, p50Ms: 12_000, p90Ms: 14_000, p99Ms: 14_000 });
    expect(body.admissionOrder.map((p) => p.afterFirstMs)).toEqual([4_000, 1_000, 2_000, 0, 3_000]);
  });

  it("answers exports as files, refuses strangers, hides drafts and malformed ids", async () => {
    const { eventId } = await saleEvent(1);
    const { res } = await adminReport(eventId, "?download=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="fairness-${eventId}.json"`);
    expect((await fetch(`${served.url}/api/admin/events/${eventId}/fairness`)).status).toBe(401);
    const malformed = await fetch(`${served.url}/api/events/not-an-id/fairness`);
    expect(malformed.status).toBe(404);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const draft = await createEvent(served.url, stackAdmin, {
      name: "Draft",
      classes: [{ code: "GA", name: "General", priceCents: 1_000, capacity: 1 }],
    });
    expect((await fetch(`${served.url}/api/events/${draft.id}/fairness`)).status).toBe(404);
    expect((await adminReport(draft.id)).res.status).toBe(200);
  });
});
