// Goal: routine room frames slow down as the room grows, never past the contract's bounds, and a
// frame that says something new is never held back.
import { describe, expect, it } from "vitest";
import { FramePacer, roomFramesPerSecond, routineEveryMs, statusEveryMaxMs, stockEveryMaxMs } from "./frame-pacing.js";

describe("routineEveryMs", () => {
  it("keeps a small room at the tick's pace", () => {
    expect(routineEveryMs(10, "status")).toBe(500);
    expect(routineEveryMs(10, "stock")).toBe(250);
  });

  it("spreads a big room's frames so it costs at most the budget, within the contract's bounds", () => {
    const audience = roomFramesPerSecond / 3; // one second per kind
    expect(routineEveryMs(audience, "status")).toBe(1_000);
    expect(routineEveryMs(audience, "stock")).toBe(1_000);
    expect(routineEveryMs(1_000_000, "status")).toBe(statusEveryMaxMs);
    expect(routineEveryMs(1_000_000, "stock")).toBe(stockEveryMaxMs);
  });
});

describe("FramePacer", () => {
  it("holds a routine frame until its interval passed, but not one whose key changed", () => {
    const pacer = new FramePacer();
    expect(pacer.due("e:status", "open", 2_000, 0)).toBe(true);
    pacer.sentNow("e:status", "open", 0);
    expect(pacer.due("e:status", "open", 2_000, 1_999)).toBe(false);
    expect(pacer.due("e:status", "sold_out", 2_000, 1)).toBe(true);
    expect(pacer.due("e:status", "open", 2_000, 2_000)).toBe(true);
    pacer.forget("e");
    expect(pacer.due("e:status", "open", 2_000, 1)).toBe(true);
  });
});
