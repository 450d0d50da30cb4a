// Goal: queue numbers are handed out exactly once — concurrent joins from several connections get
// 1..N with no gap or duplicate, and the same fan joining from many tabs at once gets one number —
// with a negative control: a non-atomic join (GET, INCR, SET) does hand out duplicates under the
// same concurrency, so these tests can see the race. Leaving and joining again goes to the back.
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

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(backends)("join on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(8, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("numbers 200 concurrent fans 1..200, no gaps, no duplicates", async () => {
    const eventId = newEventId();
    const fans = fanIds(200);
    const results = await Promise.all(fans.map((f, i) => bed.stores[i % bed.stores.length]!.join(eventId, f, t0)));
    expect(results.every((r) => r.state === "waiting")).toBe(true);
    expect(results.map((r) => r.queueNumber).sort((a, b) => a! - b!)).toEqual(range(200));
    const snap = await bed.store.snapshot(eventId);
    expect(snap).toMatchObject({ phase: "open", waiting: 200, lastNumber: 200, servedUpTo: 0 });
  });

  it("gives a fan joining from several tabs at once one number, the same in every tab", async () => {
    const eventId = newEventId();
    const fans = fanIds(100);
    const tabs = fans.flatMap((f) => [0, 1, 2, 3].map((tab) => ({ f, tab })));
    const results = await Promise.all(
      tabs.map(({ f, tab }, i) => bed.stores[(i + tab) % bed.stores.length]!.join(eventId, f, t0 + tab)),
    );
    const byFan = new Map<string, Set<number | null>>();
    tabs.forEach(({ f }, i) => byFan.set(f, (byFan.get(f) ?? new Set()).add(results[i]!.queueNumber)));
    expect([...byFan.values()].every((numbers) => numbers.size === 1)).toBe(true);
    expect([...byFan.values()].map((s) => [...s][0]).sort((a, b) => a! - b!)).toEqual(range(100));
    expect((await bed.store.snapshot(eventId)).lastNumber).toBe(100);
    // And later, from any node, still the same.
    const again = await bed.stores[5]!.join(eventId, fans[0]!, t0 + 60_000);
    expect(again.queueNumber).toBe([...byFan.get(fans[0]!)!][0]);
  });

  it("negative control: a GET-then-INCR-then-SET join from two connections hands one fan two numbers", async () => {
    const k = bed.store.keys(newEventId());
    const naiveJoin = async (conn: number, fan: string): Promise<number> => {
      const redis = bed.connections[conn]!;
      const existing = await redis.get(k.fan(fan));
      if (existing !== null) return Number(existing);
      const number = await redis.incr(k.seq);
      await redis.set(k.fan(fan), number);
      return number;
    };
    // On a cluster a connection opens its link to a node on first use: warm both on the room's node,
    // or one would start every round trip behind the other and the race would not be a race.
    await Promise.all([0, 1].map((conn) => bed.connections[conn]!.get(k.seq)));
    const fans = fanIds(100);
    const pairs = await Promise.all(fans.map((f) => Promise.all([naiveJoin(0, f), naiveJoin(1, f)])));
    const doubled = pairs.filter(([a, b]) => a !== b).length;
    expect(doubled).toBeGreaterThan(0); // the race is real at this concurrency…
    expect(Number(await bed.connections[0]!.get(k.seq))).toBeGreaterThan(100); // …and burns numbers
  });

  it("sends a fan who left and joins again to the back with a new number", async () => {
    const eventId = newEventId();
    const [a, b, c] = fanIds(3);
    for (const f of [a!, b!, c!]) await bed.store.join(eventId, f, t0);
    expect(await bed.store.leave(eventId, a!)).toBe(true);
    expect(await bed.store.leave(eventId, a!)).toBe(false);
    expect(await bed.store.leave(eventId, "stranger")).toBe(false);
    expect(await bed.store.entry(eventId, a!)).toMatchObject({ state: "left", queueNumber: null }); // a tombstone: see restore-fan.lua
    expect(await bed.store.join(eventId, a!, t0 + 1)).toMatchObject({ state: "waiting", queueNumber: 4 });
    expect(await bed.store.entry(eventId, a!)).toEqual({ state: "waiting", queueNumber: 4, joinedAtMs: t0 + 1 });
    expect(await bed.store.snapshot(eventId)).toMatchObject({ waiting: 3, lastNumber: 4 });
  });

  it("keeps rooms apart: each event counts from 1", async () => {
    const [e1, e2] = [newEventId(), newEventId()];
    expect((await bed.store.join(e1, "same-fan", t0)).queueNumber).toBe(1);
    expect((await bed.store.join(e2, "same-fan", t0)).queueNumber).toBe(1);
    expect(bed.store.keys(e1).q).toBe(`${bed.redis.prefix}:wr:{${e1}}:q`);
    expect(bed.store.keys(e1).fan("x")).toBe(`${bed.redis.prefix}:wr:{${e1}}:fan:x`);
  });
});
