// Goal: whatever fans do — join from any connection, join again, leave, get admitted, release
// current or stale admissions, let slots expire — the room keeps its promises: no number is ever
// given to two fans, a fan in line keeps their number, admission takes the lowest waiting numbers
// and admitted numbers only ever increase (I5), and checkout slots never exceed the limit.
// Checked against a small model over random sequences (fast-check prints the seed on failure).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestbed, newEventId, t0, type WaitingRoomTestbed } from "../../../../test/support/waiting-room.js";
import { useRedisBackends } from "../../../../test/support/redis-backends.js";

const backends = useRedisBackends();
let bed: WaitingRoomTestbed;

const fanCount = 5;
const fan = fc.integer({ min: 0, max: fanCount - 1 });
const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("join" as const), fan, conn: fc.integer({ min: 0, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("leave" as const), fan }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("admit" as const), dtMs: fc.integer({ min: 0, max: 3_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("release" as const),
      fan,
      jti: fc.constantFrom("current", "stale", "other"),
    }),
  },
);

interface Model {
  waiting: Map<string, number>;
  active: Map<string, { jti: string; expiresAtMs: number }>;
  jtis: Map<string, string[]>; // every jti a fan ever got
  numberOwner: Map<number, string>;
  lastAdmitted: number;
}

describe.each(backends)("waiting room properties on $name", (backend) => {
  beforeAll(async () => {
    bed = await createTestbed(3, backend.url());
  });
  afterAll(() => bed.cleanup());

  it("keeps numbers unique, order by number, and slots within the limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 20, maxLength: 80, size: "max" }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1_000, max: 4_000 }),
        async (ops, maxActiveCheckouts, admissionTtlMs) => {
          const eventId = newEventId();
          const fans = Array.from({ length: fanCount }, (_, i) => `f${i}`);
          const m: Model = {
            waiting: new Map(),
            active: new Map(),
            jtis: new Map(),
            numberOwner: new Map(),
            lastAdmitted: 0,
          };
          let now = t0;
          for (const o of ops) {
            const id = fans[o.kind === "admit" ? 0 : o.fan]!;
            if (o.kind === "join") {
              const r = await bed.stores[o.conn]!.join(eventId, id, now);
              const slot = m.active.get(id);
              if (m.waiting.has(id)) expect(r).toMatchObject({ state: "waiting", queueNumber: m.waiting.get(id) });
              else if (slot && slot.expiresAtMs > now) {
                expect(r).toMatchObject({ state: "admitted", queueNumber: expect.any(Number), admission: slot });
              } else {
                m.active.delete(id);
                expect(r.state).toBe("waiting");
                expect(m.numberOwner.has(r.queueNumber!)).toBe(false); // a fresh number, never handed out before
                m.numberOwner.set(r.queueNumber!, id);
                m.waiting.set(id, r.queueNumber!);
              }
            } else if (o.kind === "leave") {
              const wasIn = m.waiting.delete(id) || m.active.delete(id);
              expect(await bed.store.leave(eventId, id)).toBe(wasIn);
            } else if (o.kind === "release") {
              const own = m.jtis.get(id) ?? [];
              const jti =
                o.jti === "current"
                  ? own.at(-1)
                  : o.jti === "stale"
                    ? own.at(-2)
                    : m.jtis.get(fans[(o.fan + 1) % fanCount]!)?.at(-1);
              if (jti === undefined) continue;
              // Only the fan's own, current admission frees a slot (one past expiry that no tick has
              // dropped yet included: it is freed a little early, never someone else's).
              const matches = m.active.get(id)?.jti === jti;
              expect(await bed.store.releaseSlot(eventId, id, jti)).toBe(matches);
              if (matches) m.active.delete(id);
            } else {
              now += o.dtMs;
              for (const [f, slot] of m.active) if (slot.expiresAtMs <= now) m.active.delete(f);
              const lowest = [...m.waiting.values()].sort((a, b) => a - b);
              const { admitted, snapshot } = await bed.store.admit(eventId, {
                nowMs: now,
                admitPerMinute: 120,
                maxActiveCheckouts,
                admissionTtlMs,
                paused: false,
              });
              expect(admitted.map((a) => a.queueNumber)).toEqual(lowest.slice(0, admitted.length)); // the lowest numbers, in order
              expect(admitted.length).toBeLessThanOrEqual(maxActiveCheckouts - m.active.size);
              for (const a of admitted) {
                expect(a.queueNumber).toBeGreaterThan(m.lastAdmitted); // admitted numbers only increase
                expect(m.numberOwner.get(a.queueNumber)).toBe(a.fanId);
                m.lastAdmitted = a.queueNumber;
                m.waiting.delete(a.fanId);
                m.active.set(a.fanId, { jti: a.jti, expiresAtMs: a.expiresAtMs });
                m.jtis.set(a.fanId, [...(m.jtis.get(a.fanId) ?? []), a.jti]);
              }
              expect(snapshot.activeCheckouts).toBe(m.active.size);
              expect(snapshot.activeCheckouts).toBeLessThanOrEqual(maxActiveCheckouts);
              expect(snapshot.waiting).toBe(m.waiting.size);
            }
          }
          for (const [id, number] of m.waiting)
            expect(await bed.store.entry(eventId, id)).toMatchObject({ state: "waiting", queueNumber: number });
        },
      ),
      { numRuns: 80 },
    );
  });
});
