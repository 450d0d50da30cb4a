// Goal: the transparency board shows the room's numbers whether they arrive as socket pushes or
// (while no push comes) over REST with a fan token, measures the admission rate actually seen,
// merges live stock into the tiers, and stops everything on destroy.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { BoardFeed } from "./board.svelte.js";
import { apiError, event, fakeFetch, fakeSession, fakeSockets, json, queueStatus, tier } from "./test-support.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

function setup() {
  let admitted = 100;
  const fetch = fakeFetch((call) => {
    if (call.path === "/api/events/e1")
      return json(
        200,
        event({ classes: [tier({ id: "c1", available: 40, capacity: 100 }), tier({ id: "c2", available: 0 })] }),
      );
    if (call.path === "/api/events/e1/queue")
      return json(200, { entry: null, status: queueStatus({ admittedTotal: (admitted += 10) }) });
    return apiError(404, "not_found");
  });
  const sockets = fakeSockets();
  const feed = new BoardFeed({
    eventId: "e1",
    api: createApi({ fetch }),
    session: fakeSession(),
    createSocket: sockets.create,
  });
  return { feed, fetch, sockets };
}

describe("BoardFeed", () => {
  it("reads status and stock over REST with the fan token while nothing is pushed, and never joins", async () => {
    const { feed, fetch, sockets } = setup();
    await feed.start();
    expect(feed.connection).toBe("polling");
    expect(feed.status?.waiting).toBe(500);
    expect(feed.remaining).toBe(40);
    expect(fetch.calls.find((c) => c.path === "/api/events/e1/queue")?.headers.Authorization).toBe("Bearer token-1");
    expect(fetch.calls.every((c) => c.method === "GET")).toBe(true);
    expect(sockets.latest().emits).toEqual([]);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(feed.observedAdmitPerMinute).toBe(300); // 10 more every 2 s
    feed.destroy();
  });

  it("prefers pushes while they come, and merges pushed stock", async () => {
    const { feed, fetch, sockets } = setup();
    await feed.start();
    const socket = sockets.latest();
    socket.push("queue:status", queueStatus({ waiting: 42 }));
    socket.push("stock", { eventId: "e1", classes: [{ id: "c1", code: "GA", available: 7, held: 3, sold: 90 }] });
    expect(feed.connection).toBe("live");
    expect(feed.status?.waiting).toBe(42);
    expect(feed.remaining).toBe(7);
    const before = fetch.calls.length;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fetch.calls).toHaveLength(before); // fresh pushes: no REST
    await vi.advanceTimersByTimeAsync(6_000);
    expect(fetch.calls.length).toBeGreaterThan(before); // pushes stopped: back to REST
    expect(feed.connection).toBe("polling");
    feed.destroy();
  });

  it("watches the event on every connect and goes live on the ack, without joining", async () => {
    let admittedTotal = 500;
    const sockets = fakeSockets((event) =>
      event === "event:watch"
        ? { ok: true, data: queueStatus({ waiting: 7, admittedTotal: (admittedTotal += 1) }) }
        : undefined,
    );
    const fetch = fakeFetch((call) =>
      call.path === "/api/events/e1" ? json(200, event()) : json(200, { entry: null, status: queueStatus() }),
    );
    const feed = new BoardFeed({
      eventId: "e1",
      api: createApi({ fetch }),
      session: fakeSession(),
      createSocket: sockets.create,
    });
    await feed.start();
    const socket = sockets.latest();
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.emitted("event:watch")).toEqual([{ eventId: "e1" }]);
    expect(socket.emitted("queue:join")).toEqual([]);
    expect(feed.connection).toBe("live");
    expect(feed.status?.waiting).toBe(7);
    socket.serverDrop();
    socket.serverConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.emitted("event:watch")).toHaveLength(2);
    feed.destroy();
  });

  it("destroy() disconnects and stops polling", async () => {
    const { feed, sockets } = setup();
    await feed.start();
    feed.destroy();
    expect(sockets.latest().disconnectCalls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
