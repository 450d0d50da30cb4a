// Goal: the waiting room shows a fan the truth as the server pushes it — place, people ahead,
// ETA and progress from the served-up-to cursor; admission with a countdown; pause, sold out and
// closed — and keeps the fan's number through reconnects, a refused token and a network that
// blocks websockets (REST polling), all on fake sockets and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import { WaitingRoom } from "./waiting-room.svelte.js";
import { memoryStorage } from "./storage.js";
import {
  apiError,
  event,
  fakeFetch,
  fakeSession,
  fakeSockets,
  json,
  queueEntry,
  queueStatus,
  tier,
  type Responder,
} from "./test-support.js";

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

function setup(options: { entry?: () => unknown; fetch?: Responder } = {}) {
  const entry = options.entry ?? (() => ({ ok: true, data: queueEntry() }));
  const sockets = fakeSockets((name) =>
    name === "queue:join" ? entry() : name === "queue:leave" ? { ok: true, data: { left: true } } : undefined,
  );
  const session = fakeSession();
  const fetch = fakeFetch(options.fetch ?? (() => apiError(404, "not_found")));
  const ev = event({ classes: [tier({ id: "c1", code: "GA" }), tier({ id: "c2", code: "VIP", available: 10 })] });
  const room = new WaitingRoom({
    event: () => ev,
    api: createApi({ fetch }),
    session,
    createSocket: sockets.create,
    storage: memoryStorage(),
  });
  return { room, sockets, session, fetch };
}

async function joined(options: Parameters<typeof setup>[0] = {}) {
  const t = setup(options);
  await t.room.start();
  t.sockets.latest().serverConnect();
  await flush();
  return t;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("WaitingRoom: joining and the line moving", () => {
  it("opens the socket with the fan token, joins on connect and shows the place", async () => {
    const { room, sockets } = setup();
    expect(room.connection).toBe("connecting");
    expect(room.phase).toBe("starting");
    await room.start();
    const socket = sockets.latest();
    expect(socket.fanToken).toBe("token-1");
    socket.serverConnect();
    await flush();
    expect(socket.emitted("queue:join")).toEqual([{ eventId: "e1" }]);
    expect(room.connection).toBe("connected");
    expect(room.phase).toBe("waiting");
    expect(room.entry?.queueNumber).toBe(120);
    expect(room.position).toBe(20);
    expect(room.ahead).toBe(19);
    room.destroy();
  });

  it("status ticks move the position, the ETA and the progress", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    socket.push("queue:status", queueStatus({ servedUpTo: 100 }));
    expect(room.position).toBe(20);
    // 50 free slots, 600/min: 20 fans go in 2 s.
    expect(room.etaSeconds).toBe(2);
    expect(room.progress).toBe(0);
    socket.push("queue:status", queueStatus({ servedUpTo: 110 }));
    expect(room.position).toBe(10);
    expect(room.ahead).toBe(9);
    expect(room.etaSeconds).toBe(1);
    expect(room.progress).toBe(10 / 19); // 19 ahead at joining, 9 now
    socket.push("queue:status", queueStatus({ servedUpTo: 119 }));
    expect(room.ahead).toBe(0);
    expect(room.progress).toBe(1);
    room.destroy();
  });

  it("with every slot taken the ETA is unknown until the observed rate says how fast slots free up", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    const t0 = Date.now();
    expect(room.slotsFull).toBe(false);
    socket.push("queue:status", queueStatus({ activeCheckouts: 200, admittedTotal: 100, sentAtMs: t0 }));
    expect(room.slotsFull).toBe(true);
    expect(room.etaSeconds).toBeNull();
    await vi.advanceTimersByTimeAsync(12_000);
    socket.push(
      "queue:status",
      queueStatus({ activeCheckouts: 200, admittedTotal: 112, servedUpTo: 100, sentAtMs: t0 + 12_000 }),
    );
    expect(room.observedAdmitPerMinute).toBe(60);
    expect(room.etaSeconds).toBe(20); // 20 places at 60 a minute
    room.destroy();
  });

  it("runs the ETA at the rate admissions actually happened when the server measured it", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    socket.push("queue:status", queueStatus({ admitPerMinute: 6_000, admittedPerMinute: 60 }));
    expect(room.etaSeconds).toBe(20); // 20 places at 60 a minute, not at the 6,000 the room may admit
    socket.push("queue:status", queueStatus({ admitPerMinute: 6_000 }));
    expect(room.etaSeconds).toBe(1); // no measurement yet: the room's rate
    room.destroy();
  });

  it("says every ticket left is held while the frames say so, and stops as soon as one doesn't", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    const until = new Date(Date.now() + 4 * 60_000).toISOString();
    expect(room.allHeldNotice).toBeNull();
    socket.push("queue:status", queueStatus({ allHeld: { until }, sentAtMs: Date.now() }));
    const held = "All remaining tickets are held by fans ahead of you.";
    expect(room.allHeldNotice).toMatch(new RegExp(`^${held} Some may come back by \\d\\d:\\d\\d if they don't pay`));
    socket.push("queue:status", queueStatus({ allHeld: { until: null }, sentAtMs: Date.now() + 500 }));
    expect(room.allHeldNotice).toBe(`${held} Some may come back if they don't pay — keep this page open.`);
    socket.push("queue:status", queueStatus({ sentAtMs: Date.now() + 1_000 }));
    expect(room.allHeldNotice).toBeNull();
    room.destroy();
  });

  it("ignores a status tick older than the one it has", async () => {
    const { room, sockets } = await joined();
    const now = Date.now();
    sockets.latest().push("queue:status", queueStatus({ servedUpTo: 110, sentAtMs: now }));
    sockets.latest().push("queue:status", queueStatus({ servedUpTo: 105, sentAtMs: now - 500 }));
    expect(room.position).toBe(10);
    room.destroy();
  });
});

describe("WaitingRoom: admission", () => {
  it("queue:admitted turns the page to the fan's turn with a countdown that runs out", async () => {
    const { room, sockets } = await joined();
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    sockets.latest().push("queue:admitted", { eventId: "e1", token: "adm-1", expiresAt });
    expect(room.phase).toBe("admitted");
    expect(room.admission).toEqual({ token: "adm-1", expiresAt });
    expect(room.admissionRemainingMs).toBe(600_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(room.admissionRemainingMs).toBe(595_000);
    await vi.advanceTimersByTimeAsync(595_000);
    expect(room.phase).toBe("admission_expired");
    room.destroy();
  });

  it("ignores another event's admission", async () => {
    const { room, sockets } = await joined();
    sockets
      .latest()
      .push("queue:admitted", { eventId: "other", token: "x", expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect(room.phase).toBe("waiting");
    room.destroy();
  });

  it("a join that answers with an admission (a reload mid-turn) shows the turn at once", async () => {
    const admission = { token: "adm-2", expiresAt: new Date(Date.now() + 120_000).toISOString() };
    const { room } = await joined({
      entry: () => ({ ok: true, data: queueEntry({ state: "admitted", position: 0, admission }) }),
    });
    expect(room.phase).toBe("admitted");
    expect(room.admission).toEqual(admission);
    room.destroy();
  });

  it("keeps the turn when a join read before the admission answers after its push", async () => {
    let answer: (entry: unknown) => void = () => {};
    const { room, sockets } = setup({ entry: () => new Promise((resolve) => (answer = resolve)) });
    await room.start();
    sockets.latest().serverConnect();
    await flush(); // the join is on its way; the server read "waiting, #120" for it
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    sockets.latest().push("queue:admitted", { eventId: "e1", token: "adm-1", expiresAt, queueNumber: 120 });
    answer({ ok: true, data: queueEntry({ state: "waiting", queueNumber: 120, position: 1 }) });
    await flush();
    expect(room.phase).toBe("admitted");
    expect(room.admission).toEqual({ token: "adm-1", expiresAt });
    expect(room.entry?.queueNumber).toBe(120);
    room.destroy();
  });

  it("a waiting answer with another number than the admission's ends the turn (a new place)", async () => {
    const newPlace = queueEntry({ state: "waiting", queueNumber: 140, position: 5 });
    const { room, sockets } = await joined({ entry: () => ({ ok: true, data: newPlace }) });
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    sockets.latest().push("queue:admitted", { eventId: "e1", token: "adm-1", expiresAt, queueNumber: 120 });
    expect(room.phase).toBe("admitted");
    room.retry(); // joins again: the server has given the fan #140 since
    await flush();
    expect(room.phase).toBe("waiting");
    expect(room.admission).toBeNull();
    room.destroy();
  });

  it("counts down on the server's clock when the phone's clock is off", async () => {
    const { room, sockets } = await joined();
    const serverNow = Date.now() + 30_000; // the phone is 30 s behind
    sockets.latest().push("queue:status", queueStatus({ sentAtMs: serverNow }));
    sockets
      .latest()
      .push("queue:admitted", { eventId: "e1", token: "a", expiresAt: new Date(serverNow + 60_000).toISOString() });
    expect(room.admissionRemainingMs).toBe(60_000);
    room.destroy();
  });
});

describe("WaitingRoom: reconnecting", () => {
  it("a dropped socket shows reconnecting, and the reconnect joins again and keeps the number", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    socket.serverDrop();
    expect(room.connection).toBe("reconnecting");
    expect(room.entry?.queueNumber).toBe(120);
    socket.serverConnect();
    await flush();
    expect(socket.emitted("queue:join")).toHaveLength(2);
    expect(room.connection).toBe("connected");
    expect(room.entry?.queueNumber).toBe(120);
    expect(sockets.made).toHaveLength(1);
    room.destroy();
  });

  it("a join with no ack is sent again", async () => {
    let answer = false;
    const { room, sockets } = await joined({ entry: () => (answer ? { ok: true, data: queueEntry() } : undefined) });
    expect(room.entry).toBeNull();
    answer = true;
    await vi.advanceTimersByTimeAsync(5_000 + 2_000);
    expect(sockets.latest().emitted("queue:join")).toHaveLength(2);
    expect(room.entry?.queueNumber).toBe(120);
    room.destroy();
  });

  it("a refused join says why in plain words and retries when it can help", async () => {
    let calls = 0;
    const { room } = await joined({
      entry: () =>
        ++calls === 1
          ? { ok: false, error: { code: "rate_limited", message: "slow down" } }
          : { ok: true, data: queueEntry() },
    });
    expect(room.problem?.message).toMatch(/Lots of people are joining/);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(room.problem).toBeNull();
    expect(room.phase).toBe("waiting");
    room.destroy();
  });

  it("an unauthorized handshake renews the session once and connects with the new token", async () => {
    const { room, sockets, session } = setup();
    await room.start();
    sockets.latest().refuse("unauthorized");
    await flush();
    expect(session.renewals).toBe(1);
    expect(sockets.made).toHaveLength(2);
    expect(sockets.made[0]?.disconnectCalls).toBe(1);
    expect(sockets.latest().fanToken).toBe("token-2");
    sockets.latest().serverConnect();
    await flush();
    expect(room.phase).toBe("waiting");
    room.destroy();
  });

  it("refused again after the renewal, it stops and asks for a reload", async () => {
    const { room, sockets, session } = setup();
    await room.start();
    sockets.latest().refuse("unauthorized");
    await flush();
    sockets.latest().refuse("unauthorized");
    await flush();
    expect(session.renewals).toBe(1);
    expect(sockets.made).toHaveLength(2);
    expect(room.connection).toBe("offline");
    expect(room.problem?.message).toMatch(/Reload the page/);
    room.destroy();
  });
});

describe("WaitingRoom: REST fallback", () => {
  const view = (servedUpTo: number) => ({ entry: queueEntry(), status: queueStatus({ servedUpTo }) });

  function server(): Responder {
    let served = 100;
    return (call) => {
      if (call.path === "/api/events/e1/queue" && call.method === "DELETE") return json(200, { left: true });
      if (call.path === "/api/events/e1/queue") return json(call.method === "POST" ? 201 : 200, view((served += 2)));
      if (call.path === "/api/events/e1") return json(200, event({ classes: [tier({ id: "c1", available: 7 })] }));
      return apiError(404, "not_found");
    };
  }

  it("after repeated connect errors it joins by POST, polls by GET every 2 s with the fan token, and stops once the socket connects", async () => {
    const { room, sockets, fetch } = setup({ fetch: server() });
    await room.start();
    const socket = sockets.latest();
    for (let i = 0; i < 3; i++) socket.refuse("websocket error");
    await flush();
    expect(room.connection).toBe("polling");
    const queueCalls = () => fetch.calls.filter((c) => c.path === "/api/events/e1/queue");
    expect(queueCalls()[0]).toMatchObject({ method: "POST", headers: { Authorization: "Bearer token-1" } });
    expect(room.position).toBe(18);
    expect(room.tiers.find((t) => t.id === "c1")?.available).toBe(7); // stock read from the event
    await vi.advanceTimersByTimeAsync(2_000);
    expect(queueCalls()[1]).toMatchObject({ method: "GET", headers: { Authorization: "Bearer token-1" } });
    expect(room.position).toBe(16);

    socket.serverConnect();
    await flush();
    expect(room.connection).toBe("connected");
    const before = queueCalls().length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(queueCalls()).toHaveLength(before);
    room.destroy();
  });

  it("a socket that never connects falls back to polling after a few seconds", async () => {
    const { room, fetch } = setup({ fetch: server() });
    await room.start();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(room.connection).toBe("polling");
    expect(fetch.calls.some((c) => c.path === "/api/events/e1/queue")).toBe(true);
    room.destroy();
  });

  it("after leaving while polling, joining again goes in over REST", async () => {
    const { room, fetch } = setup({ fetch: server() });
    await room.start();
    await vi.advanceTimersByTimeAsync(6_000);
    await room.leave();
    expect(room.phase).toBe("left");
    const posts = () => fetch.calls.filter((c) => c.path === "/api/events/e1/queue" && c.method === "POST").length;
    expect(posts()).toBe(1);
    expect(fetch.calls.find((c) => c.method === "DELETE")).toMatchObject({
      path: "/api/events/e1/queue",
      headers: { Authorization: "Bearer token-1" },
    });
    room.rejoin();
    await flush();
    expect(posts()).toBe(2);
    expect(room.connection).toBe("polling");
    expect(room.phase).toBe("waiting");
    room.destroy();
  });

  it("shows offline while polls get no answer, and polling again once they do", async () => {
    let down = true;
    const up = server();
    const { room } = setup({
      fetch: (call, signal) => (down ? Promise.reject(new TypeError("Failed to fetch")) : up(call, signal)),
    });
    await room.start();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(room.connection).toBe("offline");
    down = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(room.connection).toBe("polling");
    room.destroy();
  });
});

describe("WaitingRoom: the sale's state", () => {
  it("paused keeps the place and has no ETA; sold out and closed say so", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    socket.push("queue:status", queueStatus({ state: "paused" }));
    expect(room.phase).toBe("paused");
    expect(room.position).toBe(20);
    expect(room.etaSeconds).toBeNull();
    socket.push("queue:status", queueStatus({ state: "waiting" }));
    expect(room.phase).toBe("waiting");
    socket.push("queue:status", queueStatus({ state: "sold_out" }));
    expect(room.phase).toBe("sold_out");
    socket.push("queue:status", queueStatus({ state: "closed" }));
    expect(room.phase).toBe("closed");
    room.destroy();
  });

  it("pre-queue counts down to the opening, then asks for its number when the queue opens", async () => {
    let open = false;
    const { room, sockets } = await joined({
      entry: () => ({
        ok: true,
        data: open
          ? queueEntry({ queueNumber: 7, position: 7 })
          : queueEntry({ state: "pre_queue", queueNumber: null, position: null }),
      }),
    });
    const opensAt = new Date(Date.now() + 90_000).toISOString();
    sockets.latest().push("queue:status", queueStatus({ state: "pre_queue", servedUpTo: 0, opensAt }));
    expect(room.phase).toBe("pre_queue");
    expect(room.opensInMs).toBe(90_000);
    expect(room.position).toBeNull();
    open = true;
    sockets.latest().push("queue:status", queueStatus({ state: "waiting", servedUpTo: 0 }));
    await flush();
    expect(sockets.latest().emitted("queue:join")).toHaveLength(2);
    expect(room.phase).toBe("waiting");
    expect(room.position).toBe(7);
    room.destroy();
  });

  it("merges pushed stock into the event's tiers and ignores other events' stock", async () => {
    const { room, sockets } = await joined();
    sockets
      .latest()
      .push("stock", { eventId: "e1", classes: [{ id: "c2", code: "VIP", available: 3, held: 5, sold: 92 }] });
    expect(room.tiers.map((t) => [t.code, t.available])).toEqual([
      ["GA", 90],
      ["VIP", 3],
    ]);
    sockets
      .latest()
      .push("stock", { eventId: "other", classes: [{ id: "c2", code: "VIP", available: 0, held: 0, sold: 100 }] });
    expect(room.tiers[1]?.available).toBe(3);
    room.destroy();
  });
});

describe("WaitingRoom: leaving and cleaning up", () => {
  it("leave() acks with the server and stops re-joining on reconnect", async () => {
    const { room, sockets } = await joined();
    const socket = sockets.latest();
    await room.leave();
    expect(socket.emitted("queue:leave")).toEqual([{ eventId: "e1" }]);
    expect(room.phase).toBe("left");
    socket.serverDrop();
    socket.serverConnect();
    await flush();
    expect(socket.emitted("queue:join")).toHaveLength(1);
    room.destroy();
  });

  it("destroy() disconnects and stops every timer", async () => {
    const { room, sockets } = await joined();
    room.destroy();
    expect(sockets.latest().disconnectCalls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a failed session start says so in plain words", async () => {
    const sockets = fakeSockets();
    const session = fakeSession({
      fail: { status: 0, code: "network_error", message: "down", retryAfterSeconds: null },
    });
    const room = new WaitingRoom({
      event: () => event(),
      api: createApi({ fetch: fakeFetch(() => json(200, {})) }),
      session,
      createSocket: sockets.create,
    });
    await room.start();
    expect(sockets.made).toHaveLength(0);
    expect(room.connection).toBe("offline");
    expect(room.problem?.retryable).toBe(true);
    room.destroy();
  });

  it("Try again after a failed session start starts over, with one countdown clock", async () => {
    let fail = true;
    const sockets = fakeSockets(() => ({ ok: true, data: queueEntry() }));
    const good = fakeSession();
    const session = {
      get token() {
        return good.token;
      },
      ensure: () =>
        fail
          ? Promise.resolve({
              ok: false as const,
              error: { status: 0, code: "network_error" as const, message: "down", retryAfterSeconds: null },
            })
          : good.ensure(),
      renew: () => good.renew(),
    };
    const room = new WaitingRoom({
      event: () => event(),
      api: createApi({ fetch: fakeFetch(() => json(200, {})) }),
      session,
      createSocket: sockets.create,
    });
    await room.start();
    expect(room.problem).not.toBeNull();
    fail = false;
    room.retry();
    await flush();
    sockets.latest().serverConnect();
    await flush();
    expect(room.problem).toBeNull();
    expect(room.phase).toBe("waiting");
    expect(vi.getTimerCount()).toBe(1); // connected: only the countdown clock runs (one, not one per start)
    room.destroy();
  });
});
