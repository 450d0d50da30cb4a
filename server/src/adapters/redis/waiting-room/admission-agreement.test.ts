// Goal: the admit script's rate budget is admissionsThisTick of shared/src/core/admission.ts, step
// for step — same fans admitted per tick and the same bucket left behind — over random sequences
// of tick gaps (including a clock going backwards), rate changes, slot limits, stock caps and pauses. The two
// implementations are written twice (Lua, TypeScript); this test is what keeps them one rule.
import { admissionsThisTick } from "@stampede/shared/core/admission";
import fc from "fast-check";
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

const step = fc.record({
  dtMs: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.constantFrom(-5_000, 59_999, 60_000, 3_600_000)),
  admitPerMinute: fc.oneof(fc.constantFrom(1, 7, 59, 60, 61, 600, 6_000), fc.integer({ min: 1, max: 200_000 })),
  extraSlots: fc.integer({ min: -3, max: 40 }),
  paused: fc.boolean(),
  stockRoom: fc.option(fc.nat(30)),
});

describe.each(backends)("admission agreement (Lua ≡ TypeScript) on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(1, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("admits the same number of fans and leaves the same bucket", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const eventId = newEventId();
        const k = bed.store.keys(eventId);
        await Promise.all(fanIds(400).map((f) => bed.store.join(eventId, f, t0)));
        let model: { tokenParts: number | null; lastMs: number | null } = { tokenParts: null, lastMs: null };
        let now = t0;
        let active = 0;
        let waiting = 400;
        for (const s of steps) {
          now += s.dtMs;
          const maxActiveCheckouts = Math.max(0, active + s.extraSlots);
          const expected = admissionsThisTick({
            ...model,
            nowMs: now,
            admitPerMinute: s.admitPerMinute,
            // The stock room caps a tick like fewer free slots would (auto admission).
            freeSlots: Math.min(Math.max(0, maxActiveCheckouts - active), s.stockRoom ?? Infinity),
            waiting,
            paused: s.paused,
          });
          const { admitted, snapshot } = await bed.store.admit(eventId, {
            nowMs: now,
            admitPerMinute: s.admitPerMinute,
            maxActiveCheckouts,
            admissionTtlMs: 365 * 24 * 3_600_000, // no slot expires here: slots are the test's input
            paused: s.paused,
            ...(s.stockRoom === null ? {} : { stockRoom: s.stockRoom }),
          });
          expect(admitted.length).toBe(expected.admit);
          const [tokenParts, lastMs] = await bed.redis.client.hmget(k.bucket, "tokenParts", "lastMs");
          expect({ tokenParts: Number(tokenParts), lastMs: Number(lastMs) }).toEqual({
            tokenParts: expected.tokenParts,
            lastMs: expected.lastMs,
          });
          active += expected.admit;
          waiting -= expected.admit;
          expect(snapshot).toMatchObject({ activeCheckouts: active, waiting });
          model = expected;
        }
      }),
      { numRuns: 60 },
    );
  });
});
