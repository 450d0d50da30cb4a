// Goal: the live admin view and the public board over sockets — an admin (session cookie) watching
// an event gets its figures at once, a sale in the sales feed within a second, and a stats tick
// every second; no admin session, no connection; the board follows an event without queuing.
// The feed's recent history comes back from PostgreSQL for a dashboard opened after the sales:
// newest first, readable by a viewer, refused without a sign-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import type { AdminSale, AdminStats } from "@stampede/shared/protocol";
import { admittedFan, completePayment, hold, orderReaches, type AdmittedFan } from "./support/checkout.js";
import { basicAuth, connectFan, createEvent, waitFor } from "./support/fans.js";
import { stackAdmin, startStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
let url: string;
const closers: Array<() => void> = [];
beforeAll(async () => {
  stack = await startStack();
  url = (await stack.addServer()).url;
  stack.addWorkers();
});
afterAll(async () => {
  for (const c of closers) c();
  await stack.close();
});

async function adminCookie(): Promise<string> {
  const res = await fetch(`${url}/api/admin/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(stackAdmin),
  });
  return res.headers.get("set-cookie")?.split(";")[0] ?? "";
}

function adminSocket(cookie: string) {
  const socket = io(`${url}/admin`, {
    transports: ["websocket"],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  closers.push(() => socket.close());
  return socket;
}

describe("admin live view", () => {
  it("refuses a socket without an admin session", async () => {
    const socket = adminSocket("");
    const err = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
    expect(err.message).toBe("unauthorized");
  });

  it("pushes the figures, the sales feed, and stats ticks", async () => {
    const event = await createEvent(url, stackAdmin, {
      name: "Live",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 1_500, capacity: 50 }],
      waitingRoom: { admitPerMinute: 60_000 },
    });
    const socket = adminSocket(await adminCookie());
    const sales: AdminSale[] = [];
    const ticks: AdminStats[] = [];
    socket.on("sales:batch", (b: { sales: AdminSale[] }) => sales.push(...b.sales));
    socket.on("stats:tick", (s: AdminStats) => ticks.push(s));
    const ack = (await socket.timeout(5_000).emitWithAck("admin:watch", { eventId: event.id })) as {
      ok: boolean;
      data: AdminStats;
    };
    expect(ack.ok).toBe(true);
    expect(ack.data.classes[0]).toMatchObject({ code: "GA", capacity: 50, available: 50 });

    const fan: AdmittedFan = await admittedFan(url, event.id);
    closers.push(() => fan.close());
    const held = await hold(url, fan, event.id, [{ classId: event.classes[0]!.id, quantity: 2 }]);
    await completePayment(url, held.body.paymentUrl, "succeeded");
    await orderReaches(url, held.body.orderId, held.body.orderToken, "paid");
    // Pushed to the watching socket (how fast is measured by the benchmarks, not asserted here).
    await waitFor("the sale in the feed", () =>
      sales.find((s) => s.orderId === held.body.orderId && s.status === "paid"),
    );
    expect(sales.map((s) => s.type)).toContain("hold.placed");
    await waitFor("a tick showing the sale", () =>
      ticks.find((t) => t.classes[0]!.sold === 2 && t.revenueCents === 3_000),
    );
  });
});

describe("sales feed history", () => {
  it("gives the last holds, payments and releases newest first, to a viewer too, and 401 without a sign-in", async () => {
    const event = await createEvent(url, stackAdmin, {
      name: "History",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 700, capacity: 50 }],
      waitingRoom: { admitPerMinute: 60_000 },
    });
    const classId = event.classes[0]!.id;
    const paidFan = await admittedFan(url, event.id);
    const cancelledFan = await admittedFan(url, event.id);
    closers.push(
      () => paidFan.close(),
      () => cancelledFan.close(),
    );
    const paid = await hold(url, paidFan, event.id, [{ classId, quantity: 3 }]);
    await completePayment(url, paid.body.paymentUrl, "succeeded");
    await orderReaches(url, paid.body.orderId, paid.body.orderToken, "paid");
    const cancelled = await hold(url, cancelledFan, event.id, [{ classId, quantity: 1 }]);
    await completePayment(url, cancelled.body.paymentUrl, "canceled");
    await orderReaches(url, cancelled.body.orderId, cancelled.body.orderToken, "cancelled");

    const admin = basicAuth(stackAdmin.username, stackAdmin.password);
    const viewer = { username: "feed-viewer", password: "a-good-password" };
    const created = await fetch(`${url}/api/admin/users`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: admin },
      body: JSON.stringify({ ...viewer, role: "viewer" }),
    });
    expect(created.status).toBe(201);
    const res = await fetch(`${url}/api/admin/events/${event.id}/sales`, {
      headers: { authorization: basicAuth(viewer.username, viewer.password) },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { eventId: string; sales: AdminSale[] };
    expect(body.eventId).toBe(event.id);
    expect(body.sales.map((s) => [s.orderId, s.type, s.status, s.quantity, s.totalCents])).toEqual([
      [cancelled.body.orderId, "hold.voided", "cancelled", 1, 700],
      [cancelled.body.orderId, "hold.placed", "held", 1, 700],
      [paid.body.orderId, "order.paid", "paid", 3, 2_100],
      [paid.body.orderId, "hold.placed", "held", 3, 2_100],
    ]);
    const times = body.sales.map((s) => s.atMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const one = (await (
      await fetch(`${url}/api/admin/events/${event.id}/sales?limit=1`, { headers: { authorization: admin } })
    ).json()) as { sales: AdminSale[] };
    expect(one.sales.map((s) => s.type)).toEqual(["hold.voided"]);
    expect((await fetch(`${url}/api/admin/events/${event.id}/sales`)).status).toBe(401);
    expect(
      (
        await fetch(`${url}/api/admin/events/00000000-0000-4000-8000-000000000000/sales`, {
          headers: { authorization: admin },
        })
      ).status,
    ).toBe(404);
    const spec = (await (await fetch(`${url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(spec.paths["/api/admin/events/{eventId}/sales"]).toBeDefined();
  });
});

describe("public board", () => {
  it("follows an event's room without joining the queue", async () => {
    const event = await createEvent(url, stackAdmin, {
      name: "Board",
      status: "on_sale",
      classes: [{ code: "GA", name: "General", priceCents: 100, capacity: 9 }],
    });
    const viewer = await connectFan(url);
    closers.push(() => viewer.close());
    const ack = await viewer.socket.timeout(5_000).emitWithAck("event:watch", { eventId: event.id });
    expect(ack.ok && ack.data).toMatchObject({ eventId: event.id, state: "waiting", servedUpTo: 0, waiting: 0 });
    await waitFor("status frames", () => viewer.statuses.length >= 2);
    await waitFor("stock", () => viewer.stock.find((s) => s.classes[0]!.available === 9));
    const view = (await (
      await fetch(`${url}/api/events/${event.id}/queue`, { headers: { authorization: `Bearer ${viewer.fanToken}` } })
    ).json()) as { entry: unknown };
    expect(view.entry).toBeNull(); // watching is not queuing
  });
});
