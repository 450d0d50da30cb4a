// Goal: presence tracks who went away and since when — the grace starts at the first disconnect,
// coming back within it keeps the number (I5), and the due list names exactly those away since
// before the cutoff, so the departed are removed and admission never waits for them.
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

describe.each(backends)("presence on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("lists fans away since before the cutoff; the first disconnect starts the grace", async () => {
    const eventId = newEventId();
    const [a, b, c] = fanIds(3);
    for (const f of [a!, b!, c!]) await bed.store.join(eventId, f, t0);
    await bed.store.markAway(eventId, a!, t0);
    await bed.store.markAway(eventId, a!, t0 + 50_000); // a second tab closing later does not restart it
    await bed.store.markAway(eventId, b!, t0 + 10_000);
    await bed.store.markAway(eventId, c!, t0 + 20_000);
    expect(await bed.store.dueAway(eventId, t0)).toEqual([]);
    expect(await bed.store.dueAway(eventId, t0 + 10_000)).toEqual([a]);
    expect(await bed.store.dueAway(eventId, t0 + 10_001)).toEqual([a, b]);
  });

  it("a fan back within the grace keeps the number; a departed fan is removed and skipped", async () => {
    const eventId = newEventId();
    const [a, b, c] = fanIds(3);
    for (const f of [a!, b!, c!]) await bed.store.join(eventId, f, t0);
    await bed.store.markAway(eventId, a!, t0);
    await bed.store.markAway(eventId, b!, t0);
    await bed.store.markBack(eventId, a!);
    expect(await bed.store.join(eventId, a!, t0 + 30_000)).toMatchObject({ state: "waiting", queueNumber: 1 });
    const due = await bed.store.dueAway(eventId, t0 + 60_000);
    expect(due).toEqual([b]);
    for (const f of due) await bed.store.leave(eventId, f);
    expect(await bed.store.dueAway(eventId, t0 + 60_000)).toEqual([]); // leave clears the away mark
    const { admitted } = await bed.store.admit(eventId, {
      nowMs: t0 + 60_000,
      admitPerMinute: 600,
      maxActiveCheckouts: 10,
      admissionTtlMs: 1_000,
      paused: false,
    });
    expect(admitted.map((x) => x.queueNumber)).toEqual([1, 3]);
  });
});
