// Goal: an operator reads why the admission rate is what it is in plain words — the overload sign
// that cut it with its figure and limit and when, rising, at the ceiling, nobody waiting, a fixed
// rate, holding while every ticket left is held — and every health figure beside its limit.
import { describe, expect, it } from "vitest";
import type { AdminAdmission } from "@stampede/shared/protocol";
import { admissionReasonWords, healthFigures, type ReasonContext } from "./admission-words.js";

const cutAt = Date.parse("2030-03-14T14:02:11Z");
const context: ReasonContext = { available: 40, time: (atMs) => new Date(atMs).toISOString().slice(11, 19) };
const healthy: AdminAdmission["health"] = {
  holdP95Ms: 120,
  settlementLagMs: 900,
  poolWaits: 0,
  holdsInFlight: 3,
  webhooksWaiting: 0,
  overloadRefusals: 0,
  holdsPerSecond: 20,
};

function admission(over: Partial<AdminAdmission> = {}): AdminAdmission {
  return {
    mode: "auto",
    ratePerMinute: 1_200,
    reason: "slow_start",
    floorPerMinute: 60,
    ceilingPerMinute: 60_000,
    lastCutAtMs: null,
    health: healthy,
    stockRoom: 500,
    atMs: cutAt + 5_000,
    ...over,
  };
}

describe("admissionReasonWords", () => {
  it("names the sign that cut the rate, its figure, its limit and when", () => {
    const slow = admission({ reason: "holdP95Ms", lastCutAtMs: cutAt, health: { ...healthy, holdP95Ms: 820 } });
    expect(admissionReasonWords(slow, context)).toBe(
      "Cut at 14:02:11: hold answers slowed to 820 ms (p95, limit 750 ms)",
    );
    const lag = admission({
      reason: "settlementLagMs",
      lastCutAtMs: cutAt,
      health: { ...healthy, settlementLagMs: 5_230 },
    });
    expect(admissionReasonWords(lag, context)).toBe(
      "Cut at 14:02:11: payments took 5,230 ms to settle (limit 4,000 ms)",
    );
    const refused = admission({
      reason: "overloadRefusals",
      lastCutAtMs: cutAt,
      health: { ...healthy, overloadRefusals: 3 },
    });
    expect(admissionReasonWords(refused, context)).toBe("Cut at 14:02:11: checkout turned away 3 holds as too busy");
    const pool = admission({ reason: "poolWaits", lastCutAtMs: null, health: { ...healthy, poolWaits: 12 } });
    expect(admissionReasonWords(pool, context)).toBe("Held down: 12 requests waited for the database (limit 10)");
    const paced = admission({ reason: "pacing", health: { ...healthy, holdsPerSecond: 20.4 } });
    expect(admissionReasonWords(paced, context)).toBe(
      "Rising with the checkout: held to the pace it answers holds (1,224 a minute)",
    );
    const unknown = admission({ reason: "holdP95Ms", lastCutAtMs: cutAt, health: { ...healthy, holdP95Ms: null } });
    expect(admissionReasonWords(unknown, context)).toBe(
      "Cut at 14:02:11: hold answers (p95) went past its limit of 750 ms",
    );
  });

  it("says how the rate grows, and where it stops", () => {
    expect(admissionReasonWords(admission(), context)).toBe("Rising: checkout healthy");
    expect(admissionReasonWords(admission({ reason: "recovering", lastCutAtMs: cutAt }), context)).toBe(
      "Rising: checkout healthy again since the cut at 14:02:11",
    );
    expect(admissionReasonWords(admission({ reason: "ceiling" }), context)).toBe("At the ceiling");
    expect(admissionReasonWords(admission({ reason: "idle" }), context)).toBe("Nobody waiting");
  });

  it("says a fixed rate is the operator's", () => {
    const fixed = admission({ mode: "manual", reason: "manual", stockRoom: null });
    expect(admissionReasonWords(fixed, context)).toBe("Fixed rate set by an operator");
  });

  it("holds while the tickets left can't serve another fan, saying why", () => {
    expect(admissionReasonWords(admission({ stockRoom: 0 }), { ...context, available: 0 })).toBe(
      "Holding: all tickets left are held",
    );
    expect(
      admissionReasonWords(admission({ stockRoom: 0, reason: "holdP95Ms", lastCutAtMs: cutAt }), {
        ...context,
        available: 0,
      }),
    ).toBe("Holding: all tickets left are held");
    expect(admissionReasonWords(admission({ stockRoom: 0 }), context)).toBe(
      "Holding: fans already in checkout can take every ticket left",
    );
    expect(admissionReasonWords(admission({ stockRoom: 0, reason: "idle" }), context)).toBe("Nobody waiting");
  });

  it("passes an unknown reason through rather than hide it", () => {
    expect(admissionReasonWords(admission({ reason: "something_new" }), context)).toBe("something_new");
  });
});

describe("healthFigures", () => {
  it("shows every figure with its limit and marks the ones past it", () => {
    const figures = healthFigures({ ...healthy, holdP95Ms: 820, settlementLagMs: null });
    const inCheckOrder = [
      "overloadRefusals",
      "holdP95Ms",
      "settlementLagMs",
      "poolWaits",
      "holdsInFlight",
      "webhooksWaiting",
    ];
    expect(figures.map((f) => f.signal)).toEqual(inCheckOrder);
    const p95 = figures.find((f) => f.signal === "holdP95Ms");
    expect(p95).toMatchObject({ label: "Hold answers (p95)", value: "820 ms", limit: "750 ms", over: true });
    expect(figures.find((f) => f.signal === "settlementLagMs")).toMatchObject({
      value: "—",
      limit: "4,000 ms",
      over: false,
    });
    expect(figures.filter((f) => f.over).map((f) => f.signal)).toEqual(["holdP95Ms"]);
    expect(healthFigures({ ...healthy, holdsInFlight: 400 }).some((f) => f.over)).toBe(false); // at the limit is not past it
  });
});
