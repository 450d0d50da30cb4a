// Goal: chaos decisions do what the knobs say and nothing more — off means exactly one immediate
// delivery; duplicates are bounded; reorder spreads within its window; a dropped attempt is never
// the last one, so "at least once" survives any fail rate.
import { describe, expect, it } from "vitest";
import { mockpayChaosDuplicatesMax, mockpayChaosReorderSpreadMs } from "@stampede/shared/limits";
import { assertChaos, dropAttempt, noChaos, planDeliveries } from "./chaos.js";

/** A random source that replays the given values in order (then fails the test if over-read). */
function scripted(...values: number[]): () => number {
  return () => {
    const v = values.shift();
    if (v === undefined) throw new Error("random read more often than scripted");
    return v;
  };
}

const evt = "evt_0123456789abcdef0123456789abcdef";

describe("planDeliveries", () => {
  it("with chaos off: the event once, at once, under its own id", () => {
    expect(planDeliveries(evt, noChaos, scripted())).toEqual([{ jobId: evt, delayMs: 0 }]);
  });

  it("duplicates: copies while the coin says so, ids without ':'", () => {
    const planned = planDeliveries(evt, { ...noChaos, duplicateRate: 0.5 }, scripted(0.1, 0.4, 0.9));
    expect(planned.map((p) => p.jobId)).toEqual([evt, `${evt}-dup-1`, `${evt}-dup-2`]);
    expect(planned.every((p) => !p.jobId.includes(":"))).toBe(true);
  });

  it("duplicates: rate 1 ends at the cap", () => {
    expect(planDeliveries(evt, { ...noChaos, duplicateRate: 1 }, () => 0.99)).toHaveLength(
      1 + mockpayChaosDuplicatesMax,
    );
  });

  it("delay: every delivery waits the configured time", () => {
    const planned = planDeliveries(evt, { ...noChaos, duplicateRate: 1, delayMs: 700 }, () => 0.5);
    expect(planned.map((p) => p.delayMs)).toEqual(planned.map(() => 700));
  });

  it("reorder: adds 0..delayMs on top of the delay", () => {
    const planned = planDeliveries(
      evt,
      { ...noChaos, duplicateRate: 1, delayMs: 1_000, reorder: true },
      scripted(0, 0, 0, 0.9, 0, 0.5, 0.999999),
    );
    // 3 reads for the copies (the 4th copy is capped without a read), then one per delivery.
    expect(planned.map((p) => p.delayMs)).toEqual([1_900, 1_000, 1_500, 2_000]);
  });

  it("reorder without a delay spreads over 0..1 s", () => {
    const low = planDeliveries(evt, { ...noChaos, reorder: true }, () => 0)[0];
    const high = planDeliveries(evt, { ...noChaos, reorder: true }, () => 0.999999)[0];
    expect(low?.delayMs).toBe(0);
    expect(high?.delayMs).toBe(mockpayChaosReorderSpreadMs);
  });
});

describe("dropAttempt", () => {
  it("drops that fraction of attempts", () => {
    expect(dropAttempt(0.3, false, () => 0.29)).toBe(true);
    expect(dropAttempt(0.3, false, () => 0.3)).toBe(false);
    expect(dropAttempt(0, false, () => 0)).toBe(false);
  });

  it("never drops the last attempt, even at rate 1", () => {
    expect(dropAttempt(1, false, () => 0.5)).toBe(true);
    expect(dropAttempt(1, true, () => 0.5)).toBe(false);
  });
});

describe("assertChaos", () => {
  it("accepts the defaults and asserts on out-of-range settings (config validates env; this guards code)", () => {
    expect(() => assertChaos(noChaos)).not.toThrow();
    expect(() => assertChaos({ ...noChaos, failRate: 1.5 })).toThrow(/failRate/);
    expect(() => assertChaos({ ...noChaos, duplicateRate: -0.1 })).toThrow(/duplicateRate/);
    expect(() => assertChaos({ ...noChaos, delayMs: 1.5 })).toThrow(/delayMs/);
  });
});
