// Goal: the pre-queue opens fairly — joins before the opening wait without a number, the opening
// numbers them 1..P exactly in the order it is given (FIFO or the lottery's), latecomers follow in
// arrival order, and joins racing the opening from other connections are numbered exactly once.
// Negative control: an opening that numbers its list and then flips the phase strands the fans
// who joined meanwhile, so the race test can tell.
import { lotteryOrder, newLotterySeed } from "@stampede/shared/core/lottery";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestbed,
  fanIds,
  newEventId,
  t0,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import { useRedisBackends } from "../../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function numbersOf(eventId: string, fans: string[]): Promise<number[]> {
  const entries = await Promise.all(fans.map((f) => bed.store.entry(eventId, f)));
  return entries.map((e) => {
    expect(e?.state).toBe("waiting");
    return e!.queueNumber!;
  });
}

describe.each(backends)("pre-queue on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(6, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("collects joins without numbers, then numbers them in the lottery's order", async () => {
    const eventId = newEventId();
    expect(await bed.store.setPreQueue(eventId)).toEqual({ kind: "pre_queue" });
    expect(await bed.store.setPreQueue(eventId)).toEqual({ kind: "pre_queue" }); // again is fine
    const fans = fanIds(50);
    for (const [i, f] of fans.entries()) {
      expect(await bed.store.join(eventId, f, t0 + i)).toMatchObject({ state: "pre_queue", queueNumber: null });
    }
    expect(await bed.store.join(eventId, fans[0]!, t0 + 99)).toMatchObject({ state: "pre_queue", queueNumber: null });
    expect(await bed.store.preQueueMembers(eventId)).toEqual(fans);
    expect(await bed.store.snapshot(eventId)).toMatchObject({ phase: "pre", preQueued: 50, waiting: 0, lastNumber: 0 });
    expect(
      (
        await bed.store.admit(eventId, {
          nowMs: t0,
          admitPerMinute: 600,
          maxActiveCheckouts: 10,
          admissionTtlMs: 1_000,
          paused: false,
        })
      ).admitted,
    ).toEqual([]);

    const order = await lotteryOrder(newLotterySeed(), await bed.store.preQueueMembers(eventId));
    expect(await bed.store.openPreQueue(eventId, order)).toBe(50);
    expect(await numbersOf(eventId, order)).toEqual(range(1, 50));
    expect(await bed.store.snapshot(eventId)).toMatchObject({
      phase: "open",
      preQueued: 0,
      waiting: 50,
      lastNumber: 50,
    });
    expect(await bed.store.join(eventId, "late", t0 + 1_000)).toMatchObject({ state: "waiting", queueNumber: 51 });
    expect(await bed.store.openPreQueue(eventId, order)).toBe(0); // done is done
    expect(await bed.store.setPreQueue(eventId)).toEqual({ kind: "already_numbered" });
  });

  it("skips fans who left, appends pre-queued fans missing from the order in arrival order", async () => {
    const eventId = newEventId();
    await bed.store.setPreQueue(eventId);
    const [a, b, c, d, e] = fanIds(5);
    for (const f of [a!, b!, c!, d!, e!]) await bed.store.join(eventId, f, t0);
    expect(await bed.store.leave(eventId, b!)).toBe(true);
    expect(await bed.store.openPreQueue(eventId, [c!, b!, a!, "never-joined"])).toBe(4);
    expect(await numbersOf(eventId, [c!, a!, d!, e!])).toEqual([1, 2, 3, 4]);
    expect(await bed.store.entry(eventId, b!)).toMatchObject({ state: "left", queueNumber: null });
  });

  it("opens an empty pre-queue straight away, in batches past the batch size", async () => {
    const empty = newEventId();
    await bed.store.setPreQueue(empty);
    expect(await bed.store.openPreQueue(empty, [])).toBe(0);
    expect((await bed.store.snapshot(empty)).phase).toBe("open");

    const big = newEventId();
    await bed.store.setPreQueue(big);
    const fans = fanIds(2_500);
    await Promise.all(fans.map((f, i) => bed.stores[i % bed.stores.length]!.join(big, f, t0)));
    const order = [...fans].reverse();
    expect(await bed.store.openPreQueue(big, order)).toBe(2_500);
    expect(await numbersOf(big, order)).toEqual(range(1, 2_500));
  });

  it("refuses to turn a numbered queue into a pre-queue", async () => {
    const eventId = newEventId();
    await bed.store.join(eventId, "early", t0);
    expect(await bed.store.setPreQueue(eventId)).toEqual({ kind: "already_numbered" });
    expect((await bed.store.snapshot(eventId)).phase).toBe("open");
  });

  it("numbers everyone exactly once when joins race the opening", async () => {
    const eventId = newEventId();
    await bed.store.setPreQueue(eventId);
    const early = fanIds(2_500, "early");
    await Promise.all(early.map((f, i) => bed.stores[i % bed.stores.length]!.join(eventId, f, t0)));
    const order = await lotteryOrder(newLotterySeed(), await bed.store.preQueueMembers(eventId));
    const late = fanIds(600, "late");
    // Joins arrive in waves on other connections while the opening runs its batches, so some land
    // before it, some in the middle (pre-queue, phase opening) and some after it (phase open).
    const racingJoins = async () => {
      let preQueuedLate = 0;
      for (let i = 0; i < late.length; i += 30) {
        const wave = late
          .slice(i, i + 30)
          .map((f, j) => bed.stores[1 + (j % (bed.stores.length - 1))]!.join(eventId, f, t0 + 1));
        // An early fan re-joining from another tab during the opening keeps their one place.
        const rejoin = bed.stores[1]!.join(eventId, early[i]!, t0 + 1);
        preQueuedLate += (await Promise.all(wave)).filter((r) => r.state === "pre_queue").length;
        await rejoin;
      }
      return preQueuedLate;
    };
    const [opened, preQueuedLate] = await Promise.all([bed.store.openPreQueue(eventId, order), racingJoins()]);
    expect(preQueuedLate).toBeGreaterThan(0); // some did land in the pre-queue before it emptied
    expect(opened).toBe(2_500 + preQueuedLate); // and the opening numbered each of them
    const snapshot = await bed.store.snapshot(eventId);
    expect(snapshot).toMatchObject({ phase: "open", preQueued: 0, waiting: 3_100, lastNumber: 3_100 });
    expect(await numbersOf(eventId, order)).toEqual(range(1, 2_500));
    const lateNumbers = await numbersOf(eventId, late);
    expect([...lateNumbers].sort((x, y) => x - y)).toEqual(range(2_501, 3_100));
  });

  it("negative control: numbering the list and then opening strands fans who joined meanwhile", async () => {
    const eventId = newEventId();
    await bed.store.setPreQueue(eventId);
    const early = fanIds(2_000, "early");
    await Promise.all(early.map((f) => bed.store.join(eventId, f, t0)));
    const k = bed.store.keys(eventId);
    const naiveOpen = async () => {
      const redis = bed.connections[0]!;
      for (let i = 0; i < early.length; i += 200) {
        const pipeline = redis.pipeline();
        for (const f of early.slice(i, i + 200)) pipeline.zrem(k.pre, f).incr(k.seq);
        await pipeline.exec();
      }
      await redis.set(k.phase, "open");
    };
    const late = fanIds(600, "late");
    await Promise.all([
      naiveOpen(),
      ...late.map((f, i) => bed.stores[1 + (i % (bed.stores.length - 1))]!.join(eventId, f, t0 + 1)),
    ]);
    const stranded = await bed.connections[0]!.zcard(k.pre);
    expect(stranded).toBeGreaterThan(0); // pre-queued during the opening, and nobody will number them
  });
});
