// Goal: a room the store lost comes back where it was (R11). After its keys are gone, joins are
// refused until the room is rebuilt; the checkpoint's counters come back (never lowered), so new
// fans queue behind every number handed out before and admitted numbers stay admitted; fans get
// back exactly what their proofs show, once, and only if the rebuilt room does not know them.
// Negative control: rebuilt without a checkpoint, numbers start again at 1 — the collision the
// checkpoint prevents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoomRestore } from "./room-restore.js";
import { waitingRoomKeyPrefix } from "./keys.js";
import {
  admitOptions,
  createTestbed,
  fanIds,
  newEventId,
  t0,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import { useRedisBackends } from "../../../../test/support/redis-backends.js";
import { keysMatching } from "../../../../test/support/services.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;
let restore: RoomRestore;

/** What a flush does to one room: every key of the event gone. */
async function loseRoom(eventId: string): Promise<void> {
  // One slot ({eventId}), so one DEL takes them all, on a cluster too.
  const keys = await keysMatching(bed.redis.client, `${waitingRoomKeyPrefix(bed.redis.prefix, eventId)}:*`);
  if (keys.length > 0) await bed.redis.client.del(...keys);
}

const checkpoint = { servedUpTo: 10, lastNumber: 30, admittedTotal: 10, phase: "open" as const };

describe.each(backends)("rebuilding a lost room on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
    restore = new RoomRestore(bed.redis.client, bed.redis.prefix);
  });
  afterAll(() => bed.cleanup());

  it("makes a room once; every later caller gets the same epoch", async () => {
    const eventId = newEventId();
    const first = await restore.restoreRoom(eventId, null, t0);
    expect(first.made).toBe(true);
    expect(await restore.restoreRoom(eventId, checkpoint, t0)).toEqual({ made: false, epoch: first.epoch });
    expect(await bed.store.snapshot(eventId)).toMatchObject({ servedUpTo: 0, lastNumber: 0, epoch: first.epoch });
  });

  it("refuses joins without an epoch, then restores the counters and queues newcomers behind them", async () => {
    const eventId = newEventId();
    const before = await restore.restoreRoom(eventId, null, t0);
    await loseRoom(eventId);
    expect(await bed.store.joinWithoutMaking(eventId, "newcomer", t0)).toBeNull();
    const rebuilt = await restore.restoreRoom(eventId, checkpoint, t0);
    expect(rebuilt.made).toBe(true);
    expect(rebuilt.epoch).not.toBe(before.epoch);
    expect(await bed.store.snapshot(eventId)).toMatchObject({
      servedUpTo: 10,
      lastNumber: 30,
      admittedTotal: 10,
      epoch: rebuilt.epoch,
    });
    expect(await bed.store.join(eventId, "newcomer", t0)).toMatchObject({ state: "waiting", queueNumber: 31 });
  });

  it("gives back places ahead of the cursor and live admissions, once, to fans the room does not know", async () => {
    const eventId = newEventId();
    await restore.restoreRoom(eventId, checkpoint, t0);
    const [early, admitted, stale, late, expired] = fanIds(5);
    expect(await bed.store.join(eventId, late!, t0)).toMatchObject({ queueNumber: 31 });
    expect(await restore.restoreFan(eventId, early!, { kind: "waiting", queueNumber: 20 }, t0)).toBe("restored");
    expect(await restore.restoreFan(eventId, early!, { kind: "waiting", queueNumber: 12 }, t0)).toBe("exists");
    expect(await restore.restoreFan(eventId, late!, { kind: "waiting", queueNumber: 11 }, t0)).toBe("exists");
    expect(await restore.restoreFan(eventId, stale!, { kind: "waiting", queueNumber: 10 }, t0)).toBe("stale");
    const admission = { kind: "admitted" as const, jti: "n.7", expiresAtMs: t0 + 60_000, queueNumber: 7 };
    expect(await restore.restoreFan(eventId, admitted!, admission, t0)).toBe("restored");
    expect(await restore.restoreFan(eventId, expired!, { ...admission, expiresAtMs: t0 }, t0)).toBe("stale");
    // The restored place is ahead of the newcomer; the admission is the fan's live one, in a slot.
    expect(await bed.store.place(eventId, early!)).toMatchObject({ position: 1 });
    expect(await bed.store.place(eventId, late!)).toMatchObject({ position: 2 });
    const live = { state: "admitted", queueNumber: 7, admission: { jti: "n.7", expiresAtMs: t0 + 60_000 } };
    expect(await bed.store.entry(eventId, admitted!)).toMatchObject(live);
    expect(await bed.store.snapshot(eventId)).toMatchObject({ activeCheckouts: 1, waiting: 2 });
  });

  it("gives nothing back to a fan who left in this incarnation (the tombstone wins)", async () => {
    const eventId = newEventId();
    await restore.restoreRoom(eventId, checkpoint, t0);
    const [fan] = fanIds(1);
    const joined = await bed.store.join(eventId, fan!, t0);
    await bed.store.leave(eventId, fan!);
    expect(await restore.restoreFan(eventId, fan!, { kind: "waiting", queueNumber: joined.queueNumber! }, t0)).toBe(
      "exists",
    );
    expect(await bed.store.place(eventId, fan!)).toBeNull();
  });

  it("starts the rate budget empty: a rebuilt room does not admit a minute's worth at once", async () => {
    const eventId = newEventId();
    await restore.restoreRoom(eventId, checkpoint, t0);
    for (const f of fanIds(20)) await bed.store.join(eventId, f, t0);
    expect((await bed.store.admit(eventId, admitOptions(t0, { admitPerMinute: 600 }))).admitted).toHaveLength(0);
    expect((await bed.store.admit(eventId, admitOptions(t0 + 100, { admitPerMinute: 600 }))).admitted).toHaveLength(1);
    // A new room's bucket starts full, as before (the control for the line above).
    const fresh = newEventId();
    for (const f of fanIds(20)) await bed.store.join(fresh, f, t0);
    expect((await bed.store.admit(fresh, admitOptions(t0, { admitPerMinute: 600 }))).admitted).toHaveLength(10);
  });

  it("negative control: rebuilt without a checkpoint, numbers start again at 1", async () => {
    const eventId = newEventId();
    await restore.restoreRoom(eventId, checkpoint, t0);
    await loseRoom(eventId);
    await restore.restoreRoom(eventId, null, t0);
    expect(await bed.store.join(eventId, "newcomer", t0)).toMatchObject({ queueNumber: 1 });
  });

  it("refuses restores while the room has no epoch", async () => {
    const eventId = newEventId();
    expect(await restore.restoreFan(eventId, "someone", { kind: "waiting", queueNumber: 3 }, t0)).toBe("no_room");
    expect(await restore.epoch(eventId)).toBeNull();
  });
});
