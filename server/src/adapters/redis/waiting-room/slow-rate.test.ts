// Goal: a slow admission rate holds in the real admit script — at 2/min with fans always waiting,
// ticking every admissionTickMs on a clock the test controls, five minutes admit one fan at once
// (a full bucket is one token) and then one every 30 s: never two within 30 s. The dashboard's
// "Admissions per minute" must read this (client/src/lib/series.test.ts feeds it the same totals).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admissionTickMs } from "@stampede/shared/limits";
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

describe.each(backends)("a slow admission rate on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("admits 2 a minute at 2/min, over five minutes of ticks", async () => {
    const eventId = newEventId();
    for (const fan of fanIds(40)) await bed.store.join(eventId, fan, t0);
    const admittedAtMs: number[] = [];
    let admittedTotal = 0;
    for (let now = t0; now < t0 + 300_000; now += admissionTickMs) {
      const { admitted, snapshot } = await bed.store.admit(
        eventId,
        admitOptions(now, { admitPerMinute: 2, maxActiveCheckouts: 100, admissionTtlMs: 3_600_000 }),
      );
      for (const _ of admitted) admittedAtMs.push(now - t0);
      admittedTotal = snapshot.admittedTotal;
    }
    expect(admittedAtMs).toEqual(Array.from({ length: 10 }, (_, i) => i * 30_000));
    expect(admittedTotal).toBe(10);
  });
});
