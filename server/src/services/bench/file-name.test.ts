// Goal: only names bench/lib/result.ts writes pass; paths, other extensions and odd names do not.
import { describe, expect, it } from "vitest";
import { benchFileNameCharsMax, isBenchFileName } from "./file-name.js";

describe("isBenchFileName", () => {
  it("accepts what the benchmarks write", () => {
    for (const name of [
      "2026-11-22T00-14-15.189Z-holds.json",
      "2026-11-22T00-16-12.839Z-last-ticket.json",
      "2026-11-22T00-14-15Z-flash-sale.json",
    ]) {
      expect(isBenchFileName(name), name).toBe(true);
    }
  });

  it("refuses paths, other extensions and odd names", () => {
    for (const name of [
      "../2026-11-22T00-14-15.189Z-holds.json",
      "results/2026-11-22T00-14-15.189Z-holds.json",
      "2026-11-22T00-14-15.189Z-holds.json/..",
      "2026-11-22T00:14:15.189Z-holds.json",
      "2026-11-22T00-14-15.189Z-holds.json.bak",
      "2026-11-22T00-14-15.189Z-Holds.json",
      "2026-11-22T00-14-15.189Z-.json",
      "2026-11-22T00-14-15.189Z-holds.json\u0000",
      "..",
      "",
      `2026-11-22T00-14-15.189Z-${"a".repeat(benchFileNameCharsMax)}.json`,
    ]) {
      expect(isBenchFileName(name), name).toBe(false);
    }
  });
});
