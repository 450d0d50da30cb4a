// Goal: a benchmark's before → after takes the runs at the baseline's commit (matched by prefix)
// and the runs at the newest commit, and gives per figure the median over each side's runs that
// have it (even and odd counts), the ratio to the same run's calibration at the figure's own
// concurrency, p99, CPU per operation per process, and the change in words. Nothing is shown —
// and nothing throws — without a baseline, when its commit has no runs, or when nothing is newer.
import { describe, expect, it } from "vitest";
import {
  change,
  compareScenario,
  isCommit,
  median,
  newestCommit,
  usableBaselines,
  type CompareRow,
} from "./bench-compare.js";
import { groupRuns, type BenchGroup } from "./bench-runs.js";
import { benchRun } from "./bench-test-support.js";
import type { BenchCell, BenchCpu, BenchRow, BenchRun } from "./bench-views.js";

const noop = (concurrency: number, opsPerSecond: number): BenchRow => ({
  calibration: "GET /noop (Express)",
  concurrency,
  "ops/s": opsPerSecond,
});

interface Phase {
  perSecond: BenchCell;
  p99?: number;
  paid: number;
  noop: number;
}

/** A purchase run as bench/purchase.ts records it: a figures row and a calibration row per concurrency. */
function purchase(
  commit: string,
  startedAt: string,
  phases: { c30?: Phase; c200: Phase },
  cpu: BenchCpu[] = [],
): BenchRun {
  const entries = Object.entries(phases).map(([key, p]) => [Number(key.slice(1)), p] as const);
  return benchRun({
    file: `${startedAt.replaceAll(":", "-")}-purchase.json`,
    name: "purchase",
    startedAt,
    versions: { git: commit },
    figures: entries.map(([c, p]) => ({
      concurrency: c,
      "paid tickets/s": p.perSecond,
      ...(p.p99 === undefined ? {} : { "p99 ms": p.p99 }),
      paid: p.paid,
    })),
    calibration: entries.map(([c, p]) => noop(c, p.noop)),
    cpu,
  });
}

const cpu200 = (seconds: Record<string, number>): BenchCpu[] => [{ concurrency: 200, seconds }];

// Before: three runs at 4de5b1b (c=200 only); after: two runs at 9fe72cc, the newest commit, and
// one run in between at c43df2b that is on neither side.
const before = [
  purchase(
    "4de5b1b",
    "2026-12-05T12:12:58Z",
    { c200: { perSecond: 73.9, p99: 4335.5, paid: 835, noop: 5000 } },
    cpu200({ server: 7.4, postgresql: 7.55 }),
  ),
  purchase(
    "4de5b1b",
    "2026-12-05T12:19:14Z",
    { c200: { perSecond: 78.4, p99: 4055.9, paid: 884, noop: 3441 } },
    cpu200({ server: 7.48, postgresql: 7.49 }),
  ),
  purchase("4de5b1b", "2026-12-05T12:20:38Z", { c200: { perSecond: 87.8, p99: 3843.3, paid: 988, noop: 5879 } }),
];
const between = purchase("c43df2b", "2026-12-05T12:30:00Z", { c200: { perSecond: 999, p99: 1, paid: 1, noop: 1 } });
const after = [
  purchase(
    "9fe72cc",
    "2026-12-05T12:55:01Z",
    {
      c30: { perSecond: 134.7, p99: 470.1, paid: 1364, noop: 6109 },
      c200: { perSecond: 227.6, p99: 2028.5, paid: 2000, noop: 5923 },
    },
    cpu200({ server: 8, postgresql: 4, generators: 2 }),
  ),
  purchase(
    "9fe72cc",
    "2026-12-05T13:10:00Z",
    { c200: { perSecond: "not within the run", paid: 1000, noop: 6000 } },
    cpu200({ server: 4, postgresql: 2 }),
  ),
];
const baseline = { commit: "4de5b1b", label: "before the purchase path was batched" };

function group(runs: BenchRun[]): BenchGroup {
  const [g] = groupRuns(runs);
  if (!g) throw new Error("no group");
  return g;
}

function row(rows: readonly CompareRow[], label: string): CompareRow {
  const found = rows.find((r) => r.label === label);
  if (!found) throw new Error(`no row ${label} in ${rows.map((r) => r.label).join(", ")}`);
  return found;
}

describe("median", () => {
  it("takes the middle value of an odd count and the mean of the middle two of an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  it("leaves its input as it was", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("isCommit", () => {
  it("matches a recorded short commit by prefix either way, in any case", () => {
    expect(isCommit("4de5b1b", "4de5b1b")).toBe(true);
    expect(isCommit("4de5b1b", "4de5")).toBe(true);
    expect(isCommit("4de5b1b", "4de5b1b0123456789abcdef0123456789abcdef")).toBe(true);
    expect(isCommit("4DE5B1B", "4de5b1b")).toBe(true);
    expect(isCommit("4de5b1b", "4de5b1c")).toBe(false);
    expect(isCommit(null, "4de5b1b")).toBe(false);
    expect(isCommit("", "4de5b1b")).toBe(false);
    expect(isCommit("4de5b1b", "")).toBe(false);
  });
});

describe("newestCommit", () => {
  it("is the commit of the newest run that records one, whatever the order", () => {
    const unrecorded = benchRun({ startedAt: "2026-12-06T00:00:00Z", versions: { git: null } });
    expect(newestCommit([before[0]!, unrecorded, after[1]!, between])).toBe("9fe72cc");
    expect(newestCommit([unrecorded])).toBeNull();
    expect(newestCommit([])).toBeNull();
  });
});

describe("change", () => {
  it("says a factor of 2 or more as ×, and less as a signed percentage", () => {
    expect(change(10, 24, "higher", "en-US")).toEqual({ factor: 2.4, text: "×2.4", verdict: "better" });
    expect(change(10, 20, "higher", "en-US")?.text).toBe("×2");
    expect(change(100, 137, "higher")).toMatchObject({ text: "+37 %", verdict: "better" });
    expect(change(21.7, 8.68, "lower")).toMatchObject({ text: "−60 %", verdict: "better" });
    expect(change(100, 40, "higher")).toMatchObject({ text: "−60 %", verdict: "worse" });
    expect(change(2, 5, "lower")).toMatchObject({ text: "×2.5", verdict: "worse" });
    expect(change(100, 100.2, "higher")).toMatchObject({ text: "±0 %", verdict: "same" });
  });

  it("has no factor when a side is missing or the before is not positive", () => {
    expect(change(null, 5, "higher")).toBeNull();
    expect(change(5, null, "higher")).toBeNull();
    expect(change(0, 5, "higher")).toBeNull();
    expect(change(-1, 5, "higher")).toBeNull();
  });
});

describe("compareScenario", () => {
  const compared = compareScenario(group([...before, between, ...after]), baseline);

  it("sets the baseline commit's runs against the newest commit's, counting each side's runs", () => {
    expect(compared).toMatchObject({
      label: "before the purchase path was batched",
      before: { commit: "4de5b1b", runs: 3 },
      after: { commit: "9fe72cc", runs: 2 },
    });
  });

  it("takes medians over the runs that have the figure: odd and even counts, and a missing figure", () => {
    const rows = compared?.rows ?? [];
    const paid = row(rows, "Paid tickets per second (c=200)");
    expect(paid.before).toEqual({ median: 78.4, runs: 3 });
    // The second after run did not get a rate ("not within the run"): one of two runs has it.
    expect(paid.after).toEqual({ median: 227.6, runs: 1 });
    expect(paid.change).toMatchObject({ text: "×2.9", verdict: "better" });
    const p99 = row(rows, "p99 latency (c=200)");
    expect(p99.before).toEqual({ median: 4055.9, runs: 3 });
    expect(p99.change).toMatchObject({ text: "−50 %", verdict: "better" });
    // c=30 was not run before: the row is there, with nothing to divide by.
    expect(row(rows, "Paid tickets per second (c=30)")).toMatchObject({
      before: { median: null, runs: 0 },
      after: { median: 134.7, runs: 1 },
      change: null,
    });
  });

  it("divides each run's figure by the calibration at the figure's own concurrency before taking the median", () => {
    const rows = compared?.rows ?? [];
    const ratio200 = row(rows, "Paid tickets per second (c=200) ÷ GET /noop (Express)");
    // 73.9 / 5000, 78.4 / 3441, 87.8 / 5879 → 0.01478, 0.02278, 0.01493.
    expect(ratio200.before.median).toBeCloseTo(87.8 / 5879, 10);
    expect(ratio200.after.median).toBeCloseTo(227.6 / 5923, 10);
    expect(row(rows, "Paid tickets per second (c=30) ÷ GET /noop (Express)").after.median).toBeCloseTo(
      134.7 / 6109,
      10,
    );
  });

  it("gives CPU per operation per process, an even count's median, and a total without the load generator", () => {
    const rows = compared?.rows ?? [];
    expect(rows.filter((r) => r.label.startsWith("CPU")).map((r) => r.label)).toEqual([
      "CPU per paid ticket: server",
      "CPU per paid ticket: postgresql",
      "CPU per paid ticket: generators",
      "CPU per paid ticket: all processes",
    ]);
    const server = row(rows, "CPU per paid ticket: server");
    // Before: 7.4 s / 835 and 7.48 s / 884 (the third run recorded no CPU); after: 8 s / 2000 and 4 s / 1000.
    expect(server.before.runs).toBe(2);
    expect(server.before.median).toBeCloseTo((7400 / 835 + 7480 / 884) / 2, 10);
    expect(server.after).toEqual({ median: 4, runs: 2 });
    expect(server.change?.verdict).toBe("better");
    expect(row(rows, "CPU per paid ticket: all processes").after).toEqual({ median: 6, runs: 2 });
    const generators = row(rows, "CPU per paid ticket: generators");
    expect(generators).toMatchObject({ before: { runs: 0 }, after: { median: 1, runs: 1 }, change: null });
  });

  it("shows nothing without a baseline, when its commit has no runs, or when no run is newer", () => {
    const all = group([...before, between, ...after]);
    expect(compareScenario(all, undefined)).toBeNull();
    expect(compareScenario(all, { commit: "0123abc", label: "never benchmarked" })).toBeNull();
    expect(compareScenario(group(before), baseline)).toBeNull();
    expect(compareScenario({ name: "purchase", title: null, runs: [] }, baseline)).toBeNull();
  });

  it("shows nothing when the two sides share no figure the page compares", () => {
    const unknown = (git: string, startedAt: string) =>
      benchRun({ name: "something-new", startedAt, versions: { git }, figures: [{ x: 1 }] });
    const runs = [unknown("aaaa111", "2026-12-01T00:00:00Z"), unknown("bbbb222", "2026-12-02T00:00:00Z")];
    expect(compareScenario(group(runs), { commit: "aaaa111", label: "before" })).toBeNull();
  });
});

describe("usableBaselines", () => {
  it("keeps the well-formed entries and drops the rest", () => {
    const answer = {
      purchase: { commit: "4de5b1b", label: "before" },
      holds: { commit: "HEAD~1", label: "before" },
      joins: { commit: "abcd123" },
      sockets: "abcd123",
      Ledger: { commit: "abcd123", label: "before" },
      ["__proto__"]: { commit: "abcd123", label: "before" },
    };
    expect(usableBaselines(answer)).toEqual({ purchase: { commit: "4de5b1b", label: "before" } });
    for (const bad of [undefined, null, "purchase", ["purchase"], 42]) expect(usableBaselines(bad)).toEqual({});
  });
});

describe("the committed baselines", () => {
  // bench/results/baselines.json against the committed runs: a baseline naming a commit with no
  // runs of its benchmark would silently show nothing.
  const files = import.meta.glob<unknown>("../../../bench/results/*.json", { eager: true, import: "default" });
  const baselines = usableBaselines(Object.entries(files).find(([file]) => file.endsWith("/baselines.json"))?.[1]);
  const runs = Object.entries(files)
    .filter(([file]) => !file.endsWith("/baselines.json"))
    .map(([file, json]) => ({ file, run: json as BenchRun & { versions?: { git?: string | null } } }))
    .map(({ file, run }) => ({ ...run, file, title: null, cpu: [], versions: { git: run.versions?.git ?? null } }));

  it("names purchase, and each baseline's benchmark has runs at its commit and at a newer one", () => {
    expect(baselines.purchase?.commit).toBe("4de5b1b");
    for (const [name, b] of Object.entries(baselines)) {
      const compared = compareScenario(group(runs.filter((r) => r.name === name)), b);
      expect(compared, name).not.toBeNull();
      expect(compared?.before.runs, name).toBeGreaterThan(0);
      expect(compared?.rows.length, name).toBeGreaterThan(0);
    }
  });
});
