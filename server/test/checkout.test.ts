// Goal: the whole purchase through the public contract against real server and workers
// processes — hold, MockPay, webhook, paid order with QR tickets and the perk — and every refusal
// the contract names, idempotent holds, perks exactly N times under concurrency, check-in where
// the first scan wins, admin refunds that return stock; the ledger audit passes after each test,
// and every JSON answer of the walk parsed with its route's declared schema (the response check).
// All of it on a single Redis and on a Redis Cluster (the waiting room, BullMQ's webhooks and
// expiry jobs, the rate limits and the Socket.IO adapter on both).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
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
import { stackAdmin } from "./support/stack.js";
import { useStack, type UsedStack } from "./support/use-stack.js";
import { useRedisBackends } from "./support/redis-backends.js";
import { expectAnswersMatchSchemas } from "./support/response-check.js";
import { waitingRoomKeys } from "../src/adapters/redis/waiting-room/keys.js";

const eventsMade: string[] = [];
const basic = basicAuth(stackAdmin.username, stackAdmin.password);
const asAdmin = { "content-type": "application/json", authorization: basic };

const backends = useRedisBackends();
/** The stack of the describe block running now (one per Redis backend). */
let served: UsedStack;
afterEach(async () => {
  for (const id of eventsMade.splice(0)) expect(await auditOk(served.url, id, basic)).toBe(true);
  // 0, not null: the server checks its answers (on under NODE_ENV=test) and none differed from its schemas.
  await expectAnswersMatchSchemas(served);
});

async function saleEvent(overrides: Record<string, unknown> = {}, waitingRoom: Record<string, unknown> = {}) {
  const event = await createEvent(served.url, stackAdmin, {
    name: "Checkout test",
    status: "on_sale",
    classes: [
      { code: "VIP", name: "VIP", priceCents: 10_000, capacity: 5, perOrderMax: 2 },
      { code: "GA", name: "General", priceCents: 1_000, capacity: 100, perOrderMax: 4 },
    ],
    perks: [{ code: "POSTER", name: "Tour poster", capacity: 2 }],
    waitingRoom: { admitPerMinute: 60_000, maxActiveCheckouts: 500, perFanMax: 6, ...waitingRoom },
    ...overrides,
  });
  eventsMade.push(event.id);
  const [vip, ga] = event.classes as unknown as [{ id: string }, { id: string }];
  return { event, vip: vip.id, ga: ga.id };
}

async function fan(eventId: string): Promise<AdmittedFan> {
  const f = await admittedFan(served.url, eventId);
  served.closeAfter(f);
  return f;
}

describe.each(backends)("checkout on $name", (backend) => {
  const stack = useStack({}, { redisUrl: backend.url });
  beforeAll(() => {
    served = stack;
  });

  it("sells: hold → MockPay → webhook → paid order with QR tickets, the perk, and a live update", async () => {
    const { event, vip, ga } = await saleEvent();
    const f = await fan(event.id);
    const held = await hold(served.url, f, event.id, [
      { classId: vip, quantity: 2 },
      { classId: ga, quantity: 1 },
    ]);
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: "held", totalCents: 21_000, currency: "USD" });
    expect(new URL(held.body.paymentUrl).pathname).toMatch(/^\/mockpay\/checkout\//);
    expect((await stockOf(served.url, event.id)).map((c) => [c.code, c.available, c.held, c.sold])).toEqual([
      ["VIP", 3, 2, 0],
      ["GA", 99, 1, 0],
    ]);

    const page = await fetch(held.body.paymentUrl);
    expect(await page.text()).toContain("MockPay");
    const pay = await completePayment(served.url, held.body.paymentUrl, "succeeded");
    expect(pay.status).toBe(200);
    const order = await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
    expect(order.tickets.map((t) => t.classCode).sort()).toEqual(["GA", "VIP", "VIP"]);
    expect(order.perks).toEqual([{ code: "POSTER", name: "Tour poster" }]);
    expect((await stockOf(served.url, event.id)).map((c) => [c.code, c.available, c.held, c.sold])).toEqual([
      ["VIP", 3, 0, 2],
      ["GA", 99, 0, 1],
    ]);
    await waitFor("order:update paid", () =>
      f.orderUpdates.some((u) => u.orderId === held.body.orderId && u.status === "paid"),
    );
    expect(f.orderUpdates.filter((u) => u.orderId === held.body.orderId).map((u) => u.status)).toEqual([
      "held",
      "paid",
    ]);

    const svg = await fetch(`${served.url}${order.tickets[0]!.qrSvgUrl}`);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await fetch(`${served.url}${order.tickets[0]!.qrPngUrl}`);
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await fetch(`${served.url}/api/tickets/${order.tickets[0]!.ticketId}/qr.svg`)).status).toBe(404);
    expect(
      (await fetch(`${served.url}/api/orders/${held.body.orderId}`, { headers: { authorization: "Bearer wrong" } }))
        .status,
    ).toBe(404);

    // The rest of the fan's REST routes and the dashboard's reads, for the response check (afterEach).
    const asFan = { authorization: `Bearer ${f.fanToken}` };
    const reads: Array<[string, RequestInit]> = [
      ["/api/events", {}],
      [`/api/events/${event.id}/queue`, { method: "POST", headers: asFan }],
      [`/api/events/${event.id}/queue`, { headers: asFan }],
      [`/api/events/${event.id}/orders/mine`, { headers: asFan }],
      [`/api/events/${event.id}/lottery`, {}],
      [`/api/admin/events/${event.id}`, { headers: asAdmin }],
      [`/api/admin/events/${event.id}/sales`, { headers: asAdmin }],
      [`/api/admin/events/${event.id}/admission`, { headers: asAdmin }],
      [`/api/events/${event.id}/queue`, { method: "DELETE", headers: asFan }],
    ];
    for (const [path, init] of reads) {
      expect((await fetch(`${served.url}${path}`, init)).status, `${init.method ?? "GET"} ${path}`).toBe(200);
    }
  });

  it("answers a decline with payment_failed and MockPay's cancel with cancelled, stock back at once", async () => {
    const { event, ga } = await saleEvent();
    for (const [outcome, status] of [
      ["failed", "payment_failed"],
      ["canceled", "cancelled"],
    ] as const) {
      const f = await fan(event.id);
      const held = await hold(served.url, f, event.id, [{ classId: ga, quantity: 3 }]);
      await completePayment(served.url, held.body.paymentUrl, outcome);
      await orderReaches(served.url, held.body.orderId, held.body.orderToken, status);
    }
    expect((await stockOf(served.url, event.id))[1]).toMatchObject({ available: 100, held: 0, sold: 0 });
  });

  it("lets the fan cancel a held order once", async () => {
    const { event, ga } = await saleEvent();
    const f = await fan(event.id);
    const held = await hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }]);
    const cancel = () =>
      fetch(`${served.url}/api/orders/${held.body.orderId}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${held.body.orderToken}` },
      });
    const first = await cancel();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { status: string }).status).toBe("cancelled");
    expect((await cancel()).status).toBe(409);
    expect((await stockOf(served.url, event.id))[1]).toMatchObject({ available: 100, held: 0 });
    // The admission goes on: the fan may hold again.
    expect((await hold(served.url, f, event.id, [{ classId: ga, quantity: 1 }])).status).toBe(201);
  });

  it("refuses what the contract refuses, each with its code, and changes nothing", async () => {
    const { event, vip, ga } = await saleEvent(
      {
        classes: [
          { code: "VIP", name: "VIP", priceCents: 10_000, capacity: 5, perOrderMax: 2 },
          { code: "GA", name: "General", priceCents: 1_000, capacity: 100, perOrderMax: 3 },
        ],
      },
      { perFanMax: 3, endAdmissionOnPaid: false },
    );
    const f = await fan(event.id);
    const other = await fan(event.id);
    const code = async (p: Promise<{ status: number; body: { error?: { code: string } } }>) => {
      const r = await p;
      return `${r.status} ${r.body.error?.code ?? "ok"}`;
    };
    expect(
      await code(
        hold(served.url, { ...f, admissionToken: "forged.token.value" }, event.id, [{ classId: ga, quantity: 1 }]),
      ),
    ).toBe("403 admission_required");
    expect(
      await code(
        hold(served.url, { ...f, admissionToken: other.admissionToken }, event.id, [{ classId: ga, quantity: 1 }]),
      ),
    ).toBe("403 admission_required");
    expect(await code(hold(served.url, f, event.id, [{ classId: vip, quantity: 3 }]))).toBe("422 invalid_request");
    expect(
      await code(hold(served.url, f, event.id, [{ classId: "00000000-0000-7000-8000-000000000000", quantity: 1 }])),
    ).toBe("422 invalid_request");
    expect(
      (
        await fetch(`${served.url}/api/events/${event.id}/holds`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(401);
    // The per-fan limit spans orders: 2 paid, then 2 more is over 3.
    const first = await hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }]);
    expect(first.status).toBe(201);
    expect(await code(hold(served.url, f, event.id, [{ classId: ga, quantity: 1 }]))).toBe("409 hold_active");
    await completePayment(served.url, first.body.paymentUrl, "succeeded");
    await orderReaches(served.url, first.body.orderId, first.body.orderToken, "paid");
    expect(await code(hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }]))).toBe("429 fan_limit_reached");
    expect(await code(hold(served.url, other, event.id, [{ classId: vip, quantity: 2 }]))).toBe("201 ok");
    const third = await fan(event.id);
    expect(await code(hold(served.url, third, event.id, [{ classId: vip, quantity: 2 }]))).toBe("201 ok");
    const fourth = await fan(event.id);
    expect(await code(hold(served.url, fourth, event.id, [{ classId: vip, quantity: 2 }]))).toBe(
      "409 insufficient_stock",
    );
    expect(await code(hold(served.url, fourth, event.id, [{ classId: vip, quantity: 1 }]))).toBe("201 ok");
    const fifth = await fan(event.id);
    expect(await code(hold(served.url, fifth, event.id, [{ classId: vip, quantity: 1 }]))).toBe("409 sold_out");
    // Stock-aware admission hears of the fans refused for want of stock — and of no other refusal
    // (the first fan's 403s, 422s, hold_active and fan_limit_reached above are not among them).
    const refused = waitingRoomKeys(served.stack.redis.prefix, event.id).refused;
    const redis = served.stack.redis.client;
    await waitFor("the stock refusals noted", async () => (await redis.zcard(refused)) >= 2 || null);
    expect((await redis.zrange(refused, 0, -1)).sort()).toEqual([fourth.fanId, fifth.fanId].sort());
    await fetch(`${served.url}/api/admin/events/${event.id}/waiting-room`, {
      method: "PATCH",
      headers: asAdmin,
      body: JSON.stringify({ paused: true }),
    });
    // Holds read the event through the server's event cache; the queue view reads the same cache.
    await waitFor("the event cache to see the pause", async () => {
      const res = await fetch(`${served.url}/api/events/${event.id}/queue`, {
        headers: { authorization: `Bearer ${fifth.fanToken}` },
      });
      return ((await res.json()) as { status: { state: string } }).status.state === "paused";
    });
    expect(await code(hold(served.url, fifth, event.id, [{ classId: ga, quantity: 1 }]))).toBe("409 sale_not_open");
    expect((await stockOf(served.url, event.id)).map((c) => [c.code, c.available, c.held, c.sold])).toEqual([
      ["VIP", 0, 5, 0],
      ["GA", 98, 0, 2],
    ]);
  });

  it("answers a repeated Idempotency-Key with the first response and creates nothing new", async () => {
    const { event, ga } = await saleEvent();
    const f = await fan(event.id);
    const key = { "idempotency-key": "order-attempt-1" };
    const [a, b] = await Promise.all([
      hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }], key),
      hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }], key),
    ]);
    // Two at once: one places the hold, the other is told it is in progress (409) or gets the replay.
    expect([a.status, b.status]).toContain(201);
    expect([201, 409]).toContain(a.status === 201 ? b.status : a.status);
    const again = await hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }], key);
    expect(again.status, JSON.stringify([a, b, again])).toBe(201);
    expect(again.body.orderId).toBe((a.status === 201 ? a : b).body.orderId);
    expect((await stockOf(served.url, event.id))[1]).toMatchObject({ held: 2 });
    const changed = await hold(served.url, f, event.id, [{ classId: ga, quantity: 1 }], key);
    expect(changed.status).toBe(422);
  });

  it("grants the perk to exactly N paid orders when many pay at once", async () => {
    const { event, ga } = await saleEvent();
    const buyers = await Promise.all(Array.from({ length: 8 }, () => fan(event.id)));
    const holds = await Promise.all(buyers.map((b) => hold(served.url, b, event.id, [{ classId: ga, quantity: 1 }])));
    await Promise.all(holds.map((h) => completePayment(served.url, h.body.paymentUrl, "succeeded")));
    const orders = await Promise.all(
      holds.map((h) => orderReaches(served.url, h.body.orderId, h.body.orderToken, "paid")),
    );
    expect(orders.filter((o) => o.perks.length === 1)).toHaveLength(2);
    const stats = (await (
      await fetch(`${served.url}/api/admin/events/${event.id}/stats`, { headers: asAdmin })
    ).json()) as { perks: Array<{ granted: number }>; orders: { paid: number }; revenueCents: number };
    expect(stats.perks[0]!.granted).toBe(2);
    expect(stats.orders.paid).toBe(8);
    expect(stats.revenueCents).toBe(8_000);
  });

  it("checks a ticket in once: the second scan gets 409 with the first time; forged codes are 404", async () => {
    const { event, ga } = await saleEvent();
    const f = await fan(event.id);
    const held = await hold(served.url, f, event.id, [{ classId: ga, quantity: 1 }]);
    await completePayment(served.url, held.body.paymentUrl, "succeeded");
    const order = await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
    const scan = (code: string) =>
      fetch(`${served.url}/api/admin/checkin`, { method: "POST", headers: asAdmin, body: JSON.stringify({ code }) });
    // Five doors scan the same ticket at once: one wins, every other answer names the first time.
    const responses = await Promise.all(Array.from({ length: 5 }, () => scan(order.tickets[0]!.code)));
    const answers = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      firstScan?: boolean;
      checkedInAt?: string;
      error?: { code: string; details: { checkedInAt: string } };
    }>;
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const first = answers.find((x) => x.firstScan)!;
    for (const later of answers.filter((x) => x.error))
      expect(later.error?.details.checkedInAt).toBe(first.checkedInAt);
    const again = (await (await scan(order.tickets[0]!.code)).json()) as {
      error: { code: string; details: { checkedInAt: string } };
    };
    expect(again.error).toMatchObject({ code: "already_checked_in", details: { checkedInAt: first.checkedInAt } });
    const forged = order.tickets[0]!.code.slice(0, -4) + "AAAA";
    expect((await scan(forged)).status).toBe(404);
  });

  it("refuses a sold-out tier from the stock snapshot without asking the ledger, and sells again at once when a hold ends", async () => {
    const { event, vip } = await saleEvent();
    const buyers = await Promise.all([1, 2, 3].map(() => fan(event.id)));
    const holds = await Promise.all(
      [[2], [2], [1]].map(([q], i) => hold(served.url, buyers[i]!, event.id, [{ classId: vip, quantity: q! }])),
    );
    expect(holds.map((h) => h.status)).toEqual([201, 201, 201]); // VIP (5) is gone
    // The stock snapshot holds refuse from is the one pushed to fans: wait until a push shows VIP gone.
    await waitFor(
      "the stock snapshot to show VIP sold out",
      () => buyers[0]!.stock.at(-1)?.classes.find((c) => c.code === "VIP")?.available === 0,
    );
    const ledgerCalls = () =>
      fetch(`${served.url}/metrics`).then(async (r) =>
        Number(/^stampede_ledger_batch_events_count (\S+)$/m.exec(await r.text())?.[1] ?? NaN),
      );
    const late = await fan(event.id);
    const before = await ledgerCalls();
    const refused = await hold(served.url, late, event.id, [{ classId: vip, quantity: 1 }]);
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe("sold_out");
    expect(await ledgerCalls()).toBe(before);
    // A hold ends: its stock is for sale again (the snapshot is dropped on the hold's domain event).
    const cancelled = await fetch(`${served.url}/api/orders/${holds[2]!.body.orderId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${holds[2]!.body.orderToken}` },
    });
    expect(cancelled.status).toBe(200);
    await waitFor(
      "the returned VIP ticket to sell",
      async () =>
        (
          await hold(served.url, late, event.id, [{ classId: vip, quantity: 1 }], {
            "idempotency-key": `retry-${Date.now()}`,
          })
        ).status === 201,
      15_000,
    );
  });

  it("tells sold out before other work, keeps it as the key's answer, and replays the hold that took the last ticket", async () => {
    const { event, vip } = await saleEvent();
    const buyers = await Promise.all([1, 2, 3].map(() => fan(event.id)));
    const lastKey = { "idempotency-key": "takes-the-last" };
    const holdVip = (i: number, quantity: number, key = {}) =>
      hold(served.url, buyers[i]!, event.id, [{ classId: vip, quantity }], key);
    const holds = await Promise.all([holdVip(0, 2), holdVip(1, 2), holdVip(2, 1, lastKey)]);
    expect(holds.map((h) => h.status)).toEqual([201, 201, 201]);
    const vipLeft = () => buyers[0]!.stock.at(-1)?.classes.find((c) => c.code === "VIP")?.available;
    await waitFor("the stock snapshot to show VIP sold out", () => vipLeft() === 0);
    const again = await holdVip(2, 1, lastKey);
    expect({ status: again.status, orderId: again.body.orderId }).toEqual({
      status: 201,
      orderId: holds[2]!.body.orderId,
    });
    const late = await fan(event.id);
    const answer = async (p: Promise<{ status: number; body: { error?: { code: string } } }>) => {
      const r = await p;
      return `${r.status} ${r.body.error?.code}`;
    };
    // Sold out is public (every fan's page shows the stock): told before the admission is checked.
    const forged = { ...late, admissionToken: "forged.token.value" };
    expect(await answer(hold(served.url, forged, event.id, [{ classId: vip, quantity: 1 }]))).toBe("409 sold_out");
    expect(await answer(hold(served.url, late, event.id, [{ classId: vip, quantity: 3 }]))).toBe("422 invalid_request");
    const lateKey = { "idempotency-key": "too-late" };
    expect(await answer(hold(served.url, late, event.id, [{ classId: vip, quantity: 1 }], lateKey))).toBe(
      "409 sold_out",
    );
    const last = holds[2]!.body;
    const cancel = { method: "POST", headers: { authorization: `Bearer ${last.orderToken}` } };
    const cancelled = await fetch(`${served.url}/api/orders/${last.orderId}/cancel`, cancel);
    expect(cancelled.status).toBe(200);
    await waitFor(
      "the cancelled ticket back on sale",
      async () => (await stockOf(served.url, event.id))[0]!.available === 1,
    );
    // The refusal was the key's answer: the same request again gets it again; a new key buys.
    expect(await answer(hold(served.url, late, event.id, [{ classId: vip, quantity: 1 }], lateKey))).toBe(
      "409 sold_out",
    );
    expect(
      (await hold(served.url, late, event.id, [{ classId: vip, quantity: 1 }], { "idempotency-key": "once-more" }))
        .status,
    ).toBe(201);
  });

  it("refunds a paid order: money back, tickets void, stock returned to the pool", async () => {
    const { event, ga } = await saleEvent();
    const f = await fan(event.id);
    const held = await hold(served.url, f, event.id, [{ classId: ga, quantity: 2 }]);
    await completePayment(served.url, held.body.paymentUrl, "succeeded");
    const order = await orderReaches(served.url, held.body.orderId, held.body.orderToken, "paid");
    const refund = await fetch(`${served.url}/api/admin/orders/${order.orderId}/refund`, {
      method: "POST",
      headers: asAdmin,
    });
    expect(refund.status).toBe(200);
    expect(((await refund.json()) as { status: string }).status).toBe("refunded");
    expect((await stockOf(served.url, event.id))[1]).toMatchObject({ capacity: 100, available: 100, held: 0, sold: 0 });
    const scan = await fetch(`${served.url}/api/admin/checkin`, {
      method: "POST",
      headers: asAdmin,
      body: JSON.stringify({ code: order.tickets[0]!.code }),
    });
    expect(scan.status).toBe(404);
    expect(
      (await fetch(`${served.url}/api/admin/orders/${order.orderId}/refund`, { method: "POST", headers: asAdmin }))
        .status,
    ).toBe(200);
    expect((await getOrder(served.url, order.orderId, held.body.orderToken)).status).toBe("refunded");
    const list = (await (
      await fetch(`${served.url}/api/admin/orders?eventId=${event.id}&status=refunded`, { headers: asAdmin })
    ).json()) as { orders: Array<{ orderId: string }> };
    expect(list.orders.map((o) => o.orderId)).toEqual([order.orderId]);
  });
});
