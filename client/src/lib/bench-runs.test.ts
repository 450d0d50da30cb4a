// Goal: runs are grouped per benchmark in the page's order (unknown benchmarks last), newest
// first within a group, and a run's table shows every column any row has, as recorded.
import { describe, expect, it } from "vitest";
import { formatCell, groupRuns, tableColumns } from "./bench-runs.js";
import { benchRun, purchaseRun } from "./bench-test-support.js";

describe("groupRuns", () => {
  it("orders the benchmarks as the page does, unknown names last, runs newest first", () => {
    const holdsOld = benchRun({ file: "a", startedAt: "2026-11-22T00:14:15.189Z", title: "old title" });
    const holdsNew = benchRun({ file: "b", startedAt: "2026-11-22T00:42:38.751Z", title: "new title" });
    const purchase = purchaseRun("2026-11-22T01:11:47.718Z", { c30: 29.7, c200: 23.4 });
    const zeta = benchRun({ file: "z", name: "zeta" });
    const alpha = benchRun({ file: "y", name: "alpha" });
    const groups = groupRuns([zeta, holdsOld, alpha, purchase, holdsNew]);
    expect(groups.map((g) => g.name)).toEqual(["purchase", "holds", "alpha", "zeta"]);
    expect(groups[1]?.runs.map((r) => r.file)).toEqual(["b", "a"]);
    expect(groups[1]?.title).toBe("new title");
    expect(groupRuns([])).toEqual([]);
  });
});

describe("tableColumns", () => {
  it("takes every column in first-seen order", () => {
    expect(
      tableColumns([
        { a: 1, b: 2 },
        { a: 3, c: 4 },
      ]),
    ).toEqual(["a", "b", "c"]);
    expect(tableColumns([])).toEqual([]);
  });
});

describe("formatCell", () => {
  it("prints values as recorded", () => {
    expect(formatCell(1647.18, "en-US")).toBe("1,647.18");
    expect(formatCell(0.88606, "en-US")).toBe("0.88606");
    expect(formatCell(true)).toBe("yes");
    expect(formatCell(false)).toBe("no");
    expect(formatCell(null)).toBe("");
    expect(formatCell(undefined)).toBe("");
    expect(formatCell("≥ 8000")).toBe("≥ 8000");
  });
});
