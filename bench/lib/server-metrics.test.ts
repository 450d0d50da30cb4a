// Goal: the mean ledger batch is read from prom-client's text format, labels or not.
import { describe, expect, it } from "vitest";
import { histogramTotals, meanBatch } from "./server-metrics.js";

describe("histogramTotals", () => {
  it("reads _sum and _count and gives the mean between two readings", () => {
    const text = ["# HELP stampede_ledger_batch_events x", 'stampede_ledger_batch_events_bucket{le="1"} 2', "stampede_ledger_batch_events_sum 30", "stampede_ledger_batch_events_count 4"].join("\n");
    const after = histogramTotals(text, "stampede_ledger_batch_events");
    expect(after).toEqual({ sum: 30, count: 4 });
    expect(meanBatch({ sum: 10, count: 2 }, after)).toBe(10);
    expect(meanBatch(after, after)).toBeNull();
    expect(histogramTotals("", "stampede_ledger_batch_events")).toEqual({ sum: 0, count: 0 });
  });
});
