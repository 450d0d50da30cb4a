// Goal: admission is fair and bounded — fans are admitted in number order across many ticks (I5),
// never faster than admitPerMinute (no burst after an idle minute), never beyond the checkout
// slots; a release frees exactly one slot and only for its own admission; slots end exactly at
// their expiry; leavers are skipped; a paused room admits nobody; the snapshot adds up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admitOptions,
  createTestbed,
  fanIds,
  newEventId,
  t0,
  type WaitingRoomTestbed,
} from "../../../../test/support/waiting-room.js";
import { useRedisBackends } from "../../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;

async function joinAll(eventId: string, fans: string[], nowMs = t0): Promise<Map<string, number>> {
  const numbers = new Map<string, number>();
  const results = await Promise.all(fans.map((f, i) => bed.stores[i % bed.stores.length]!.join(eventId, f, nowMs)));
  results.forEach((r, i) => numbers.set(fans[i]!, r.queueNumber!));
  return numbers;
}

describe.each(backends)("admit on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(4, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("admits in number order across many ticks, skipping fans who left (I5)", async () => {
    const eventId = newEventId();
    const fans = fanIds(300);
    const numbers = await joinAll(eventId, fans);
    const leavers = fans.filter((_, i) => i % 7 === 3);
    for (const f of leavers) expect(await bed.store.leave(eventId, f)).toBe(true);
    const order: number[] = [];
    for (let tick = 0, now = t0; order.length < 300 - leavers.length; tick++, now += 100) {
      expect(tick).toBeLessThan(1_000);
      const { admitted, snapshot } = await bed.store.admit(
        eventId,
        admitOptions(now, { admitPerMinute: 6_000, maxActiveCheckouts: 20, admissionTtlMs: 250 }),
      );
      for (const a of admitted) {
        expect(a.queueNumber).toBe(numbers.get(a.fanId));
        order.push(a.queueNumber);
      }
      if (admitted.length > 0) expect(snapshot.servedUpTo).toBe(admitted.at(-1)!.queueNumber);
      expect(snapshot.activeCheckouts).toBeLessThanOrEqual(20);
    }
    const expected = fans
      .filter((f) => !leavers.includes(f))
      .map((f) => numbers.get(f)!)
      .sort((a, b) => a - b);
    expect(order).toEqual(expected);
  });

  it("pays out 600/min as one fan per 100 ms tick, and no burst after an idle minute", async () => {
    const eventId = newEventId();
    await joinAll(eventId, fanIds(1_000));
    const perTick: number[] = [];
    let now = t0;
    for (let i = 0; i < 100; i++, now += 100)
      perTick.push((await bed.store.admit(eventId, admitOptions(now))).admitted.length);
    expect(perTick[0]).toBe(10); // a fresh bucket: one second's worth at most
    expect(perTick.slice(1).every((n) => n === 1)).toBe(true);
    now += 60_000; // nobody ticks for a minute
    const afterIdle = (await bed.store.admit(eventId, admitOptions(now))).admitted.length;
    expect(afterIdle).toBe(10); // one second's worth, not a minute's 600
    expect((await bed.store.admit(eventId, admitOptions(now + 100))).admitted.length).toBe(1);
  });

  it("caps concurrent admissions at the slots; a release frees exactly one slot for the next fan", async () => {
    const eventId = newEventId();
    const fans = fanIds(10);
    await joinAll(eventId, fans);
    const opts = (now: number) => admitOptions(now, { admitPerMinute: 60_000, maxActiveCheckouts: 3 });
    const first = await bed.store.admit(eventId, opts(t0));
    expect(first.admitted.map((a) => a.queueNumber)).toEqual([1, 2, 3]);
    expect((await bed.store.admit(eventId, opts(t0 + 1_000))).admitted).toEqual([]);
    const second = first.admitted[1]!;
    expect(await bed.store.releaseSlot(eventId, second.fanId, second.jti)).toBe(true);
    expect(await bed.store.releaseSlot(eventId, second.fanId, second.jti)).toBe(false); // once only
    const next = await bed.store.admit(eventId, opts(t0 + 2_000));
    expect(next.admitted.map((a) => a.queueNumber)).toEqual([4]);
    expect(next.snapshot).toMatchObject({ activeCheckouts: 3, admittedTotal: 4, servedUpTo: 4, waiting: 6 });
    expect((await bed.store.entry(eventId, second.fanId))?.state).toBe("admission_ended");
  });

  it("a stale or foreign jti frees nothing", async () => {
    const eventId = newEventId();
    const [a, b] = fanIds(2);
    await joinAll(eventId, [a!, b!]);
    const ttl = 1_000;
    const opts = (now: number) =>
      admitOptions(now, { admitPerMinute: 60_000, maxActiveCheckouts: 2, admissionTtlMs: ttl });
    const [first, other] = (await bed.store.admit(eventId, opts(t0))).admitted;
    await bed.store.admit(eventId, opts(t0 + ttl)); // a's first admission expires
    const rejoined = await bed.store.join(eventId, a!, t0 + ttl);
    expect(rejoined).toMatchObject({ state: "waiting", queueNumber: 3 });
    const [second] = (await bed.store.admit(eventId, opts(t0 + ttl + 1))).admitted;
    expect(second!.fanId).toBe(a);
    expect(second!.jti).not.toBe(first!.jti);
    expect(await bed.store.releaseSlot(eventId, a!, first!.jti)).toBe(false); // stale: the earlier admission
    expect(await bed.store.releaseSlot(eventId, a!, other!.jti)).toBe(false); // someone else's
    expect(await bed.store.releaseSlot(eventId, b!, second!.jti)).toBe(false);
    expect((await bed.store.snapshot(eventId)).activeCheckouts).toBe(1); // b expired too; a holds its slot
    expect(await bed.store.releaseSlot(eventId, a!, second!.jti)).toBe(true);
    expect((await bed.store.snapshot(eventId)).activeCheckouts).toBe(0);
  });

  it("keeps a slot until its last millisecond and drops it at expiry", async () => {
    const eventId = newEventId();
    const [a] = fanIds(1);
    await joinAll(eventId, [a!]);
    const opts = (now: number) => admitOptions(now, { admissionTtlMs: 5_000 });
    const [adm] = (await bed.store.admit(eventId, opts(t0))).admitted;
    expect(adm!.expiresAtMs).toBe(t0 + 5_000);
    expect((await bed.store.admit(eventId, opts(t0 + 4_999))).snapshot.activeCheckouts).toBe(1);
    const lastMillisecond = {
      state: "admitted",
      queueNumber: 1,
      admission: { jti: adm!.jti, expiresAtMs: t0 + 5_000 },
    };
    expect(await bed.store.join(eventId, a!, t0 + 4_999)).toMatchObject(lastMillisecond);
    expect((await bed.store.admit(eventId, opts(t0 + 5_000))).snapshot.activeCheckouts).toBe(0);
    expect(await bed.store.entry(eventId, a!)).toMatchObject({
      state: "admission_expired",
      admission: { jti: adm!.jti },
    });
    expect(await bed.store.releaseSlot(eventId, a!, adm!.jti)).toBe(false);
  });

  it("a join after expiry but before the next tick frees the slot and queues at the back", async () => {
    const eventId = newEventId();
    const [a, b] = fanIds(2);
    await joinAll(eventId, [a!]);
    await bed.store.admit(eventId, admitOptions(t0, { admissionTtlMs: 5_000 }));
    await bed.store.join(eventId, b!, t0);
    expect(await bed.store.join(eventId, a!, t0 + 5_000)).toMatchObject({ state: "waiting", queueNumber: 3 });
    expect(await bed.store.snapshot(eventId)).toMatchObject({ activeCheckouts: 0, waiting: 2 });
  });

  it("a leaving admitted fan frees the slot for the next fan", async () => {
    const eventId = newEventId();
    const fans = fanIds(3);
    await joinAll(eventId, fans);
    const opts = (now: number) => admitOptions(now, { maxActiveCheckouts: 1 });
    const [first] = (await bed.store.admit(eventId, opts(t0))).admitted;
    expect(await bed.store.leave(eventId, first!.fanId)).toBe(true);
    expect((await bed.store.admit(eventId, opts(t0 + 1_000))).admitted.map((a) => a.queueNumber)).toEqual([2]);
  });

  it("a paused room admits nobody, and its bucket does not fill while paused", async () => {
    const eventId = newEventId();
    await joinAll(eventId, fanIds(50));
    expect((await bed.store.admit(eventId, admitOptions(t0))).admitted).toHaveLength(10); // drains the bucket
    for (const now of [t0 + 100, t0 + 10_000, t0 + 30_000, t0 + 60_000]) {
      const { admitted, snapshot } = await bed.store.admit(eventId, admitOptions(now, { paused: true }));
      expect(admitted).toEqual([]);
      expect(snapshot.waiting).toBe(40);
    }
    // Resumed: only the 100 ms since the last (paused) tick count, not the minute of pause.
    expect((await bed.store.admit(eventId, admitOptions(t0 + 60_100))).admitted).toHaveLength(1);
  });

  it("reports a snapshot that adds up", async () => {
    const eventId = newEventId();
    const fans = fanIds(25);
    const numbers = await joinAll(eventId, fans);
    // The joins race over several stores: the fan who drew number 25 leaves, whichever fan that is
    // (the 25th fan in the list drew a lower number once, in CI, and the room served up to 5).
    await bed.store.leave(
      eventId,
      fans.find((f) => numbers.get(f) === 25)!,
    );
    const { snapshot } = await bed.store.admit(eventId, admitOptions(t0, { maxActiveCheckouts: 4 }));
    const expected = {
      ...{
        phase: "open",
        servedUpTo: 4,
        waiting: 20,
        preQueued: 0,
        activeCheckouts: 4,
        admittedTotal: 4,
        lastNumber: 25,
      },
      epoch: expect.stringMatching(/^\S+$/),
    };
    expect(snapshot).toEqual(expected);
    expect(await bed.store.snapshot(eventId)).toEqual(expected);
    // A room never made has no epoch.
    const never = { servedUpTo: 0, waiting: 0, activeCheckouts: 0, admittedTotal: 0, lastNumber: 0, epoch: "" };
    expect(await bed.store.snapshot(newEventId())).toEqual({ ...expected, ...never });
  });
});
