// Goal: the mean ledger batch between two readings of the server's histogram.
import { describe, expect, it } from "vitest";
import { meanBetween } from "./server-metrics.js";

describe("meanBetween", () => {
  it("divides the new events by the new calls, and is null without calls", () => {
    expect(meanBetween({ sum: 10, count: 2 }, { sum: 30, count: 4 })).toBe(10);
    expect(meanBetween({ sum: 30, count: 4 }, { sum: 30, count: 4 })).toBeNull();
  });
});
