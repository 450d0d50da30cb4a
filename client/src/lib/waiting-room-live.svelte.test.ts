// Goal: what the fan sees moves on its own as the server pushes: a fan ahead leaving moves the
// place with no admission, a missed push makes the page ask again, "updated N s ago" runs on the
// injected clock and turns into a warning when nothing comes, and a pushed sale status (closed,
// paused) changes the page at once — even over a frame that still carries the old status.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QueueEntry } from "@stampede/shared/protocol";
import { createApi } from "./api.js";
import { memoryStorage } from "./storage.js";
import { apiError, event, fakeFetch, fakeSession, fakeSockets, queueEntry, queueStatus } from "./test-support.js";
import { WaitingRoom } from "./waiting-room.svelte.js";

async function joined(entry: QueueEntry) {
  const sockets = fakeSockets((name) => (name === "queue:join" ? { ok: true, data: entry } : undefined));
  const ev = event();
  const room = new WaitingRoom({
    event: () => ev,
    api: createApi({ fetch: fakeFetch(() => apiError(404, "not_found")) }),
    session: fakeSession(),
    createSocket: sockets.create,
    storage: memoryStorage(),
  });
  await room.start();
  const socket = sockets.latest();
  socket.serverConnect();
  await vi.advanceTimersByTimeAsync(0);
  return { room, socket };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

// Fan B: ticket #13, one fan (#12) ahead, the only checkout slot held by #11.
const fanB = queueEntry({ queueNumber: 13, position: 2, basis: { admittedTotal: 11, departedSeq: 0 } });
const frame = queueStatus({ servedUpTo: 11, admittedTotal: 11, waiting: 2, activeCheckouts: 1, maxActiveCheckouts: 1 });

describe("WaitingRoom: the place moves when fans ahead leave", () => {
  it("goes from place 2 to 1 (nobody ahead, bar full) when #12 leaves, with no admission", async () => {
    const { room, socket } = await joined(fanB);
    socket.push("queue:status", frame);
    expect(room.position).toBe(2);
    expect(room.ahead).toBe(1);
    expect(room.progress).toBe(0);
    socket.push("queue:departed", { eventId: "e1", fromSeq: 0, numbers: [12] });
    socket.push("queue:status", frame); // the cursor has not moved: nobody was admitted
    expect(room.position).toBe(1);
    expect(room.ahead).toBe(0);
    expect(room.progress).toBe(1);
    expect(room.entry?.queueNumber).toBe(13); // the number never changes
    socket.push("queue:departed", { eventId: "e1", fromSeq: 1, numbers: [14, 15] }); // behind: no change
    expect(room.position).toBe(1);
    room.destroy();
  });

  it("asks for its place again when a departures push was missed", async () => {
    const { room, socket } = await joined(fanB);
    expect(socket.emitted("queue:join")).toHaveLength(1);
    socket.push("queue:departed", { eventId: "e1", fromSeq: 3, numbers: [5] }); // departures 1..3 never arrived
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.emitted("queue:join")).toHaveLength(2);
    room.destroy();
  });
});

describe("WaitingRoom: how fresh the place is", () => {
  it("counts the seconds since the last push on the clock, and warns when nothing comes for a while", async () => {
    const { room, socket } = await joined(fanB);
    socket.push("queue:status", frame);
    expect(room.updatedAgoMs).toBe(0);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(room.updatedAgoMs).toBe(3_000);
    expect(room.stale).toBe(false);
    socket.serverDrop();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(room.stale).toBe(true);
    expect(room.connection).not.toBe("connected");
    room.destroy();
  });
});

describe("WaitingRoom: the sale's status as pushed", () => {
  const admitted = queueEntry({
    state: "admitted",
    queueNumber: 1,
    position: null,
    admission: { token: "adm", expiresAt: "2030-03-14T18:10:00Z" },
  });

  it("closes an admitted fan's turn at once, even if a later frame still says on sale", async () => {
    const { room, socket } = await joined(admitted);
    expect(room.phase).toBe("admitted");
    socket.push("event:status", { eventId: "e1", status: "closed", atMs: Date.now() });
    expect(room.phase).toBe("closed");
    expect(room.sale).toBe("closed");
    socket.push("queue:status", queueStatus({ state: "waiting", sentAtMs: Date.now() + 400 })); // a ticker that has not heard yet
    expect(room.phase).toBe("closed");
    room.destroy();
  });

  it("pauses and resumes: the admitted fan keeps the turn, a waiting fan keeps the place", async () => {
    const { room, socket } = await joined(admitted);
    socket.push("event:status", { eventId: "e1", status: "paused", atMs: Date.now() });
    expect(room.phase).toBe("admitted");
    expect(room.paused).toBe(true);
    socket.push("queue:status", queueStatus({ state: "waiting" }));
    expect(room.paused).toBe(true);
    socket.push("event:status", { eventId: "e1", status: "on_sale", atMs: Date.now() + 1 });
    expect(room.paused).toBe(false);
    socket.push("event:status", { eventId: "other", status: "closed", atMs: Date.now() + 2 });
    expect(room.phase).toBe("admitted");
    room.destroy();
  });

  it("keeps an admin's edit of the event for the page around it (event:updated), not another event's", async () => {
    const { room, socket } = await joined(admitted);
    socket.push("event:updated", { eventId: "other", event: event({ id: "other", name: "Other" }) });
    expect(room.edited).toBeNull();
    socket.push("event:updated", { eventId: "e1", event: event({ name: "Renamed" }) });
    expect(room.edited?.name).toBe("Renamed");
    room.destroy();
  });
});
