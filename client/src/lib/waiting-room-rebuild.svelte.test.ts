// Goal: a fan keeps their place when the server's store loses its data and the room is rebuilt.
// Every join (socket and REST) carries the fan's proofs — the placeToken kept in storage across a
// reload, and an admission that has not run out by the server's clock; a status frame from a new
// room epoch makes the page join again once; the page tells the fan honestly whether the place
// was kept; and leaving or going to the back of the line forgets the token.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QueueEntry, QueueView } from "@stampede/shared/protocol";
import { createApi } from "./api.js";
import { restartNoticeWords } from "./room-rebuild.svelte.js";
import { memoryStorage, storageKeys } from "./storage.js";
import {
  apiError,
  event,
  fakeFetch,
  fakeSession,
  fakeSockets,
  json,
  queueEntry,
  queueStatus,
  type Responder,
} from "./test-support.js";
import { WaitingRoom } from "./waiting-room.svelte.js";

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

const placeKey = storageKeys.place("e1");
const inRoomA = queueEntry({ queueNumber: 120, position: 20, placeToken: "place-120", roomEpoch: "A" });

/** The fan's turn, as a join answers it, with the admission that runs out `inMs` from now. */
function admittedEntry(inMs: number, overrides: Partial<QueueEntry> = {}): QueueEntry {
  const admission = { token: "adm-1", expiresAt: new Date(Date.now() + inMs).toISOString() };
  return queueEntry({
    state: "admitted",
    queueNumber: 120,
    position: 0,
    admission,
    placeToken: "place-120",
    ...overrides,
  });
}

/** A room on a fake socket whose joins the server answers with `answer()` (read at each join). */
function setup(
  answer: () => QueueEntry,
  options: { storage?: ReturnType<typeof memoryStorage>; fetch?: Responder } = {},
) {
  const storage = options.storage ?? memoryStorage();
  const sockets = fakeSockets((name) =>
    name === "queue:join"
      ? { ok: true, data: answer() }
      : name === "queue:leave"
        ? { ok: true, data: { left: true } }
        : undefined,
  );
  const fetch = fakeFetch(options.fetch ?? (() => apiError(404, "not_found")));
  const ev = event();
  const api = createApi({ fetch });
  const room = new WaitingRoom({ event: () => ev, api, session: fakeSession(), createSocket: sockets.create, storage });
  return { room, sockets, storage, fetch };
}

async function joined(answer: () => QueueEntry, options: Parameters<typeof setup>[1] = {}) {
  const t = setup(answer, options);
  await t.room.start();
  t.sockets.latest().serverConnect();
  await flush();
  return { ...t, socket: t.sockets.latest() };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("WaitingRoom: the proofs every join carries", () => {
  it("sends the placeToken of the last entry and a live admission with the next join", async () => {
    const { room, socket } = await joined(() => admittedEntry(600_000));
    expect(socket.emitted("queue:join")).toEqual([{ eventId: "e1" }]); // nothing kept yet
    socket.serverDrop();
    socket.serverConnect();
    await flush();
    expect(socket.emitted("queue:join")[1]).toEqual({
      eventId: "e1",
      placeToken: "place-120",
      admissionToken: "adm-1",
    });
    room.destroy();
  });

  it("leaves out an admission that has run out by the server's clock, though not by the phone's", async () => {
    const { room, socket } = await joined(() => admittedEntry(60_000));
    socket.push("queue:status", queueStatus({ sentAtMs: Date.now() + 90_000 })); // the phone is 90 s behind
    socket.serverDrop();
    socket.serverConnect();
    await flush();
    expect(socket.emitted("queue:join")[1]).toEqual({ eventId: "e1", placeToken: "place-120" });
    room.destroy();
  });

  it("keeps the token in storage, so the page after a reload joins with it", async () => {
    const storage = memoryStorage();
    const first = await joined(() => inRoomA, { storage });
    first.room.destroy();
    const reloaded = await joined(() => inRoomA, { storage });
    expect(reloaded.socket.emitted("queue:join")).toEqual([{ eventId: "e1", placeToken: "place-120" }]);
    reloaded.room.destroy();
  });

  it("over REST, the join's body carries the proofs, and a poll that finds the fan gone joins again at once with them", async () => {
    const storage = memoryStorage();
    storage.setItem(placeKey, JSON.stringify({ placeToken: "place-120", roomEpoch: "A", queueNumber: 120 }));
    let lost = false;
    const view = (entry: QueueEntry | null): QueueView => ({
      entry,
      status: queueStatus({ roomEpoch: lost ? "B" : "A" }),
    });
    const fetch: Responder = (call) => {
      if (call.path !== "/api/events/e1/queue") return apiError(404, "not_found");
      if (call.method === "POST")
        return json(201, view(lost ? { ...inRoomA, roomEpoch: "B", restored: true } : inRoomA));
      return json(200, view(lost ? null : inRoomA));
    };
    const t = setup(() => inRoomA, { storage, fetch });
    await t.room.start();
    await vi.advanceTimersByTimeAsync(6_000); // no socket: polling
    const posts = () => t.fetch.calls.filter((c) => c.method === "POST" && c.path === "/api/events/e1/queue");
    expect(posts().map((c) => c.body)).toEqual([{ placeToken: "place-120" }]);
    lost = true; // the store was flushed: the next GET has no entry for the fan
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(1_000); // less than the 2 s between polls: only a join at once is in
    expect(posts().map((c) => c.body)).toEqual([{ placeToken: "place-120" }, { placeToken: "place-120" }]);
    expect(t.room.entry?.roomEpoch).toBe("B");
    expect(t.room.restartNotice).toBe("kept_place");
    t.room.destroy();
  });
});

describe("WaitingRoom: a status frame from a rebuilt room", () => {
  it("joins again exactly once per new epoch, with the proofs, and not while the epoch is the same", async () => {
    const { room, socket } = await joined(() => inRoomA); // the answer stays in room A: only the guard stops repeats
    socket.push("queue:status", queueStatus({ roomEpoch: "A" }));
    await flush();
    expect(socket.emitted("queue:join")).toHaveLength(1);
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    expect(socket.emitted("queue:join")).toEqual([{ eventId: "e1" }, { eventId: "e1", placeToken: "place-120" }]);
    socket.push("queue:status", queueStatus({ roomEpoch: "C" })); // rebuilt once more
    await flush();
    expect(socket.emitted("queue:join")).toHaveLength(3);
    room.destroy();
  });

  it("does not join again after the fan left, nor without an epoch on both sides", async () => {
    const { room, socket } = await joined(() => queueEntry());
    socket.push("queue:status", queueStatus({ roomEpoch: "B" })); // the entry has no epoch (an older server)
    await flush();
    expect(socket.emitted("queue:join")).toHaveLength(1);
    const left = await joined(() => inRoomA);
    await left.room.leave();
    left.socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    expect(left.socket.emitted("queue:join")).toHaveLength(1);
    room.destroy();
    left.room.destroy();
  });

  it("while polling, joins again by POST at once", async () => {
    let epoch = "A";
    const fetch: Responder = (call) => {
      if (call.path !== "/api/events/e1/queue") return apiError(404, "not_found");
      return json(call.method === "POST" ? 201 : 200, { entry: inRoomA, status: queueStatus({ roomEpoch: epoch }) });
    };
    const t = setup(() => inRoomA, { fetch });
    await t.room.start();
    await vi.advanceTimersByTimeAsync(6_000);
    const posts = () => t.fetch.calls.filter((c) => c.method === "POST" && c.path === "/api/events/e1/queue").length;
    expect(posts()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(posts()).toBe(1);
    epoch = "B"; // the GET's entry still says A, the frame says B
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(1_000); // less than the 2 s between polls: only a join at once is in
    expect(posts()).toBe(2);
    t.room.destroy();
  });
});

describe("WaitingRoom: telling the fan what the rebuild did", () => {
  it("says the place was kept when the join restored it, until dismissed", async () => {
    let answer = inRoomA;
    const { room, socket } = await joined(() => answer);
    expect(room.restartNotice).toBeNull();
    answer = { ...inRoomA, roomEpoch: "B", restored: true };
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    expect(room.restartNotice).toBe("kept_place");
    expect(restartNoticeWords.kept_place).toBe("The waiting room was restarted. You kept your place in line.");
    room.dismissRestartNotice();
    expect(room.restartNotice).toBeNull();
    room.destroy();
  });

  it("believes the server's restored even with no room epoch to compare (only the token was kept)", async () => {
    const storage = memoryStorage();
    storage.setItem(placeKey, JSON.stringify({ placeToken: "place-120" }));
    const { room } = await joined(() => ({ ...inRoomA, roomEpoch: "B", restored: true }), { storage });
    expect(room.restartNotice).toBe("kept_place");
    room.destroy();
  });

  it("says the turn was kept for an admitted fan", async () => {
    const admitted = admittedEntry(600_000, { roomEpoch: "A" });
    let answer = admitted;
    const { room, socket } = await joined(() => answer);
    answer = { ...admitted, roomEpoch: "B", restored: true };
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    expect(socket.emitted("queue:join")[1]).toEqual({
      eventId: "e1",
      placeToken: "place-120",
      admissionToken: "adm-1",
    });
    expect(room.restartNotice).toBe("kept_turn");
    expect(restartNoticeWords.kept_turn).toMatch(/^The waiting room was restarted\. You kept your turn to buy\.$/);
    room.destroy();
  });

  it("says honestly that the place was lost when the rebuilt room gave a new number", async () => {
    let answer = inRoomA;
    const { room, socket } = await joined(() => answer);
    answer = queueEntry({ queueNumber: 480, position: 380, placeToken: "place-480", roomEpoch: "B" });
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    expect(room.entry?.queueNumber).toBe(480);
    expect(room.restartNotice).toBe("lost_place");
    expect(restartNoticeWords.lost_place).toBe(
      "The waiting room was restarted and your place could not be kept; you are back in line.",
    );
    // The progress bar starts over from the new place (not from the old one, which it would never reach).
    socket.push("queue:status", queueStatus({ roomEpoch: "B", servedUpTo: 290 }));
    expect(room.position).toBe(190);
    expect(room.progress).toBe((379 - 189) / 379);
    room.destroy();
  });

  it("tells a restored place once: the same answer again in the same room does not bring back a dismissed notice", async () => {
    let answer = inRoomA;
    const { room, socket } = await joined(() => answer);
    answer = { ...inRoomA, roomEpoch: "B", restored: true };
    socket.push("queue:status", queueStatus({ roomEpoch: "B" }));
    await flush();
    room.dismissRestartNotice();
    socket.serverDrop();
    socket.serverConnect();
    await flush();
    expect(socket.emitted("queue:join")).toHaveLength(3);
    expect(room.restartNotice).toBeNull();
    room.destroy();
  });

  it("keeps the place moving with the new room's departures, not the old room's count", async () => {
    let answer = { ...inRoomA, basis: { admittedTotal: 100, departedSeq: 500 } };
    const { room, socket } = await joined(() => answer);
    socket.push("queue:departed", { eventId: "e1", fromSeq: 500, numbers: [7] }); // counted by the old room
    expect(room.position).toBe(19);
    answer = { ...inRoomA, position: 19, roomEpoch: "B", restored: true, basis: { admittedTotal: 0, departedSeq: 0 } };
    socket.push("queue:status", queueStatus({ roomEpoch: "B", servedUpTo: 0, admittedTotal: 0 }));
    await flush();
    socket.push("queue:departed", { eventId: "e1", fromSeq: 0, numbers: [9] }); // the new room counts from 0
    expect(room.position).toBe(18);
    expect(socket.emitted("queue:join")).toHaveLength(2);
    room.destroy();
  });

  it("says nothing about a restart when the number changed in the same room (back after the grace)", async () => {
    let answer = inRoomA;
    const { room, socket } = await joined(() => answer);
    answer = queueEntry({ queueNumber: 480, position: 380, placeToken: "place-480", roomEpoch: "A" });
    socket.serverDrop();
    socket.serverConnect();
    await flush();
    expect(room.entry?.queueNumber).toBe(480);
    expect(room.restartNotice).toBeNull();
    room.destroy();
  });
});

describe("WaitingRoom: leaving forgets the place", () => {
  it("leave() removes the stored token, and rejoin() joins at the back without it", async () => {
    const { room, socket, storage } = await joined(() => inRoomA);
    expect(JSON.parse(storage.getItem(placeKey) ?? "null")).toMatchObject({ placeToken: "place-120" });
    await room.leave();
    expect(storage.getItem(placeKey)).toBeNull();
    room.rejoin();
    await flush();
    expect(socket.emitted("queue:join")).toEqual([{ eventId: "e1" }, { eventId: "e1" }]);
    room.destroy();
  });

  it("rejoin() after a turn ran out forgets the token too", async () => {
    const { room, socket, storage } = await joined(() => admittedEntry(60_000));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(room.phase).toBe("admission_expired");
    room.rejoin();
    expect(storage.getItem(placeKey)).toBeNull();
    await flush();
    expect(socket.emitted("queue:join").at(-1)).toEqual({ eventId: "e1" });
    room.destroy();
  });
});
