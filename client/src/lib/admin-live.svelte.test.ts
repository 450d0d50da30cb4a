// Goal: the dashboard watches its event on every connect, shows the ack's figures at once, keeps
// each tick (newest wins) and its chart point, keeps the sales feed newest first and bounded,
// speaks the figures at most once a minute, and says plainly when the session ended. The admission
// controller's chart starts from the server's history and grows with each tick, one point a step.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AdminAdmission, AdminSale } from "@stampede/shared/protocol";
import { AdminLive } from "./admin-live.svelte.js";
import { createApi } from "./api.js";
import { adminStats, apiError, event, fakeAdminSockets, fakeFetch, json, type AckResponder } from "./test-support.js";

const t0 = Date.parse("2030-03-14T18:00:00Z");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(t0);
});
afterEach(() => vi.useRealTimers());

function sale(orderId: string, over: Partial<AdminSale> = {}): AdminSale {
  return { type: "order.paid", orderId, status: "paid", quantity: 2, totalCents: 9_000, atMs: t0, ...over };
}

function setup(
  respond: AckResponder = (event) => (event === "admin:watch" ? { ok: true, data: adminStats() } : undefined),
) {
  const sockets = fakeAdminSockets(respond);
  const onUnauthorized = vi.fn();
  const live = new AdminLive({ eventId: "e1", createSocket: sockets.create, onUnauthorized, salesMax: 3 });
  live.start();
  return { live, sockets, onUnauthorized };
}

describe("AdminLive", () => {
  it("watches the event on connect and shows the ack's figures", async () => {
    const { live, sockets } = setup();
    expect(live.connection).toBe("connecting");
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets.latest().emitted("admin:watch")).toEqual([{ eventId: "e1" }]);
    expect(live.connection).toBe("live");
    expect(live.stats?.revenueCents).toBe(27_000);
    expect(live.series.points).toHaveLength(1);
  });

  it("watches again after a reconnect", async () => {
    const { live, sockets } = setup();
    const socket = sockets.latest();
    socket.serverConnect();
    socket.serverDrop();
    expect(live.connection).toBe("reconnecting");
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.emitted("admin:watch")).toHaveLength(2);
  });

  it("asks again when the watch gets no ack", async () => {
    let answer = false;
    const { live, sockets } = setup((event) =>
      event === "admin:watch" && answer ? { ok: true, data: adminStats() } : undefined,
    );
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(5_000); // ack timeout
    answer = true;
    await vi.advanceTimersByTimeAsync(2_000); // retry delay
    expect(sockets.latest().emitted("admin:watch")).toHaveLength(2);
    expect(live.stats).not.toBeNull();
  });

  it("keeps the event as an admin's edit pushed it (event:updated), not another event's", async () => {
    const { live, sockets } = setup();
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    sockets.latest().pushAdmin("event:updated", { eventId: "other", event: event({ id: "other" }) });
    expect(live.edited).toBeNull();
    sockets.latest().pushAdmin("event:updated", { eventId: "e1", event: event({ name: "Renamed" }) });
    expect(live.edited?.name).toBe("Renamed");
  });

  it("says so when the event does not exist", async () => {
    const { live, sockets } = setup(() => ({ ok: false, error: { code: "not_found", message: "no such event" } }));
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.problem).toMatch(/no event/);
  });

  it("keeps the newest tick and adds one chart point per tick", async () => {
    const { live, sockets } = setup();
    const socket = sockets.latest();
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 1_000, revenueCents: 30_000 }));
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 500, revenueCents: 1 })); // late
    socket.pushAdmin("stats:tick", adminStats({ eventId: "other", atMs: t0 + 2_000 }));
    expect(live.stats?.revenueCents).toBe(30_000);
    expect(live.series.points).toHaveLength(2);
  });

  it("keeps the sales feed newest first and bounded", () => {
    const { live, sockets } = setup();
    const socket = sockets.latest();
    socket.pushAdmin("sales:batch", { eventId: "e1", sales: [sale("o1"), sale("o2")] });
    socket.pushAdmin("sales:batch", { eventId: "e1", sales: [sale("o3"), sale("o4")] });
    socket.pushAdmin("sales:batch", { eventId: "other", sales: [sale("x")] });
    expect(live.sales.map((s) => s.orderId)).toEqual(["o4", "o3", "o2"]);
    expect(new Set(live.sales.map((s) => s.key)).size).toBe(3);
  });

  it("renews the spoken figures at most once a minute", async () => {
    const { live, sockets } = setup();
    const socket = sockets.latest();
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0, revenueCents: 1 }));
    expect(live.spokenStats?.revenueCents).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 30_000, revenueCents: 2 }));
    expect(live.spokenStats?.revenueCents).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 60_000, revenueCents: 3 }));
    expect(live.spokenStats?.revenueCents).toBe(3);
  });

  it("a refused socket means the session ended", () => {
    const { live, sockets, onUnauthorized } = setup();
    sockets.latest().refuse("unauthorized");
    expect(live.connection).toBe("refused");
    expect(live.problem).toMatch(/session has ended/);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("destroy() disconnects and leaves no timers", async () => {
    const { live, sockets } = setup(() => undefined);
    sockets.latest().serverConnect();
    live.destroy();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets.latest().disconnectCalls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("AdminLive feed history", () => {
  function withHistory(history: () => Promise<Response>) {
    const fetch = fakeFetch((call) =>
      call.path === "/api/admin/events/e1/sales" ? history() : Promise.resolve(apiError(404, "not_found")),
    );
    const sockets = fakeAdminSockets((event) =>
      event === "admin:watch" ? { ok: true, data: adminStats() } : undefined,
    );
    const onUnauthorized = vi.fn();
    const live = new AdminLive({
      eventId: "e1",
      createSocket: sockets.create,
      api: createApi({ fetch }),
      onUnauthorized,
      salesMax: 4,
    });
    live.start();
    return { live, sockets, fetch, onUnauthorized };
  }

  it("reads the history only after the watch, and merges it with live batches: newest first, no duplicates", async () => {
    let answer: (r: Response) => void = () => undefined;
    const { live, sockets, fetch } = withHistory(() => new Promise((resolve) => (answer = resolve)));
    const socket = sockets.latest();
    expect(fetch.calls).toHaveLength(0);
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.emitted("admin:watch")).toHaveLength(1);
    expect(fetch.calls.map((c) => c.path)).toEqual(["/api/admin/events/e1/sales", "/api/admin/events/e1/admission"]);
    // While the history is on its way, a batch brings o2's payment (also in the history) and o3's hold.
    socket.pushAdmin("sales:batch", {
      eventId: "e1",
      sales: [sale("o2", { atMs: t0 + 3_000 }), sale("o3", { type: "hold.placed", status: "held", atMs: t0 + 4_000 })],
    });
    answer(
      json(200, {
        eventId: "e1",
        sales: [
          sale("o2", { atMs: t0 + 2_999 }),
          sale("o2", { type: "hold.placed", status: "held", atMs: t0 + 2_000 }),
          sale("o1", { atMs: t0 + 1_000 }),
        ],
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(live.sales.map((s) => s.key)).toEqual([
      "o3:hold.placed",
      "o2:order.paid",
      "o2:hold.placed",
      "o1:order.paid",
    ]);
    socket.pushAdmin("sales:batch", { eventId: "e1", sales: [sale("o3", { atMs: t0 + 5_000 })] });
    expect(live.sales.map((s) => s.key)).toEqual([
      "o3:order.paid",
      "o3:hold.placed",
      "o2:order.paid",
      "o2:hold.placed",
    ]); // bounded
  });

  it("reads it again after a reconnect, filling what was missed without repeating what was shown", async () => {
    let history = [sale("o1", { atMs: t0 + 1_000 })];
    const { live, sockets, fetch } = withHistory(() => Promise.resolve(json(200, { eventId: "e1", sales: history })));
    const socket = sockets.latest();
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.sales.map((s) => s.key)).toEqual(["o1:order.paid"]);
    socket.serverDrop();
    history = [sale("o2", { atMs: t0 + 2_000 }), ...history]; // sold while the socket was down
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch.calls.filter((c) => c.path.endsWith("/sales"))).toHaveLength(2);
    expect(live.sales.map((s) => s.key)).toEqual(["o2:order.paid", "o1:order.paid"]);
  });

  it("a refused history read means the session ended", async () => {
    const { sockets, onUnauthorized } = withHistory(() => Promise.resolve(apiError(401, "unauthorized")));
    sockets.latest().serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(onUnauthorized).toHaveBeenCalled();
  });
});

describe("AdminLive admission controller", () => {
  function step(atS: number, over: Partial<AdminAdmission> = {}): AdminAdmission {
    return {
      mode: "auto",
      ratePerMinute: 600 + atS,
      reason: "slow_start",
      floorPerMinute: 60,
      ceilingPerMinute: 60_000,
      lastCutAtMs: null,
      health: {
        holdP95Ms: 100,
        settlementLagMs: null,
        poolWaits: 0,
        holdsInFlight: 0,
        webhooksWaiting: 0,
        overloadRefusals: 0,
        holdsPerSecond: 0,
      },
      stockRoom: 100,
      atMs: t0 + atS * 1_000,
      ...over,
    };
  }
  const history = (fromS: number, toS: number) =>
    Array.from({ length: toS - fromS + 1 }, (_, i) => {
      const s = step(fromS + i);
      return { atMs: s.atMs, ratePerMinute: s.ratePerMinute, reason: s.reason, holdP95Ms: 100, settlementLagMs: null };
    });

  function withAdmission(answer: () => Promise<Response>) {
    const noSales = () => Promise.resolve(json(200, { eventId: "e1", sales: [] }));
    const fetch = fakeFetch((call) => (call.path === "/api/admin/events/e1/admission" ? answer() : noSales()));
    const watched = { ok: true, data: adminStats({ atMs: t0 - 5_000 }) };
    const sockets = fakeAdminSockets((event) => (event === "admin:watch" ? watched : undefined));
    const onUnauthorized = vi.fn();
    const live = new AdminLive({
      eventId: "e1",
      createSocket: sockets.create,
      api: createApi({ fetch }),
      onUnauthorized,
    });
    live.start();
    return { live, socket: sockets.latest(), onUnauthorized };
  }

  it("seeds the chart from the history read after the watch, and each tick's step extends it", async () => {
    let answer: (r: Response) => void = () => undefined;
    const { live, socket } = withAdmission(() => new Promise((resolve) => (answer = resolve)));
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 10_500, admission: step(10) })); // before the history arrives
    expect(live.admission?.ratePerMinute).toBe(610);
    answer(json(200, { eventId: "e1", current: step(9), history: history(0, 10) }));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.admissionPoints.map((p) => (p.atMs - t0) / 1_000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(live.admission?.atMs).toBe(t0 + 10_000); // the older `current` doesn't replace the tick's
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 11_500, admission: step(10) })); // the same step again
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 12_500, admission: step(12, { reason: "ceiling" }) }));
    expect(live.admissionPoints).toHaveLength(12);
    expect(live.admission?.reason).toBe("ceiling");
  });

  it("still draws from the ticks when the history can't be read, and a refusal ends the session", async () => {
    const { live, socket, onUnauthorized } = withAdmission(() => Promise.resolve(apiError(401, "unauthorized")));
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(onUnauthorized).toHaveBeenCalled();
    socket.pushAdmin("stats:tick", adminStats({ atMs: t0 + 1_000, admission: step(1) }));
    expect(live.admissionPoints).toHaveLength(1);
  });

  it("shows the history's current step when no tick has brought one yet", async () => {
    const { live, socket } = withAdmission(() =>
      Promise.resolve(json(200, { eventId: "e1", current: step(3), history: history(0, 3) })),
    );
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.admission?.atMs).toBe(t0 + 3_000);
    expect(live.admissionPoints).toHaveLength(4);
  });
});
