// Goal: routine room frames slow down as the room's sockets on a node grow, within the contract's
// bounds while the budget allows them; past that every kind slows in proportion so the room's
// frames stay within the budget, never past the overload bound; and a frame that says something
// new is never held back.
import { describe, expect, it } from "vitest";
import {
  contractSocketsMax,
  FramePacer,
  overloadEveryMaxMs,
  roomFramesPerSecond,
  routineEveryMs,
  statusEveryMaxMs,
  stockEveryMaxMs,
} from "./frame-pacing.js";

/** Routine frames a second a room of this many sockets costs: status and departures, and stock. */
const framesPerSecond = (sockets: number) =>
  sockets * ((2 * 1_000) / routineEveryMs(sockets, "status") + 1_000 / routineEveryMs(sockets, "stock"));

describe("routineEveryMs", () => {
  it("keeps a small room at the tick's pace", () => {
    expect(routineEveryMs(10, "status")).toBe(500);
    expect(routineEveryMs(10, "stock")).toBe(250);
  });

  it("spreads a big room's frames so it costs at most the budget, within the contract's bounds while they fit", () => {
    expect(contractSocketsMax).toBe(3_000);
    expect(routineEveryMs(contractSocketsMax / 2, "status")).toBe(statusEveryMaxMs / 2);
    expect(routineEveryMs(contractSocketsMax / 2, "stock")).toBe(stockEveryMaxMs / 2);
    expect(routineEveryMs(contractSocketsMax, "status")).toBe(statusEveryMaxMs);
    expect(routineEveryMs(contractSocketsMax, "stock")).toBe(stockEveryMaxMs);
    for (const sockets of [1_000, 2_000, contractSocketsMax]) {
      expect(framesPerSecond(sockets)).toBeLessThanOrEqual(roomFramesPerSecond + 1e-6);
    }
  });

  it("past the bounds' reach slows every kind in proportion, keeping the budget, up to the overload bound", () => {
    const past = 2 * contractSocketsMax;
    expect(routineEveryMs(past, "status")).toBe(2 * statusEveryMaxMs);
    expect(routineEveryMs(past, "stock")).toBe(2 * stockEveryMaxMs);
    expect(framesPerSecond(past)).toBeCloseTo(roomFramesPerSecond, 6);
    // Negative control: held to the contract's bounds, the same room would cost twice the budget.
    expect(past * ((2 * 1_000) / statusEveryMaxMs + 1_000 / stockEveryMaxMs)).toBe(2 * roomFramesPerSecond);
    expect(routineEveryMs(1_000_000, "status")).toBe(overloadEveryMaxMs);
    expect(routineEveryMs(1_000_000, "stock")).toBe(overloadEveryMaxMs);
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
