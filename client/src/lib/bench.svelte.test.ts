// Goal: the /bench page's state loads the recorded runs once, groups them, shows the latest run of
// each benchmark until an older one is picked, compares a benchmark with the baseline the answer
// names (none for a malformed one), and reports empty and failed loads.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { BenchResults } from "./bench.svelte.js";
import { benchRun } from "./bench-test-support.js";
import { apiError, fakeFetch, json } from "./test-support.js";

const older = benchRun({ file: "2026-11-22T00-14-15.189Z-holds.json", startedAt: "2026-11-22T00:14:15.189Z" });
const newer = benchRun({ file: "2026-11-22T00-42-38.751Z-holds.json", startedAt: "2026-11-22T00:42:38.751Z" });

describe("BenchResults", () => {
  it("loads the runs and shows each benchmark's latest run", async () => {
    const fetch = fakeFetch(() => json(200, { runs: [newer, older] }));
    const page = new BenchResults(createApi({ fetch }));
    expect(page.state.kind).toBe("idle");
    await page.load();
    expect(fetch.calls.map((c) => c.path)).toEqual(["/api/bench/results"]);
    expect(page.state.kind).toBe("loaded");
    expect(page.empty).toBe(false);
    const [group] = page.groups;
    expect(group?.name).toBe("holds");
    expect(group && page.shown(group)?.file).toBe(newer.file);
  });

  it("shows a picked older run, and ignores a file that is not one of the benchmark's runs", async () => {
    const page = new BenchResults(createApi({ fetch: fakeFetch(() => json(200, { runs: [newer, older] })) }));
    await page.load();
    page.pick("holds", older.file);
    expect(page.shown(page.groups[0]!)?.file).toBe(older.file);
    page.pick("holds", "2020-01-01T00-00-00.000Z-holds.json");
    page.pick("purchase", newer.file);
    expect(page.shown(page.groups[0]!)?.file).toBe(older.file);
  });

  it("falls back to the latest run when the picked one is no longer listed", async () => {
    let runs = [newer, older];
    const page = new BenchResults(createApi({ fetch: fakeFetch(() => json(200, { runs })) }));
    await page.load();
    page.pick("holds", older.file);
    runs = [newer];
    await page.load();
    expect(page.shown(page.groups[0]!)?.file).toBe(newer.file);
  });

  it("compares a benchmark with its baseline, and leaves one with a malformed or runless baseline alone", async () => {
    const baseline = benchRun({ ...older, versions: { git: "aaaa111" } });
    const newest = benchRun({ ...newer, versions: { git: "bbbb222" }, figures: [{ "holds/s": 356 }] });
    let baselines: unknown = { holds: { commit: "aaaa111", label: "before the batching" } };
    const page = new BenchResults(
      createApi({ fetch: fakeFetch(() => json(200, { runs: [newest, baseline], baselines })) }),
    );
    await page.load();
    const compared = page.comparison(page.groups[0]!);
    expect(compared).toMatchObject({
      label: "before the batching",
      before: { commit: "aaaa111", runs: 1 },
      after: { commit: "bbbb222" },
    });
    const holds = {
      label: "Holds per second",
      before: { median: 178 },
      after: { median: 356 },
      change: { text: "×2" },
    };
    expect(compared?.rows[0]).toMatchObject(holds);
    const malformed = { holds: { commit: "not a commit", label: "x" } };
    const runless = { holds: { commit: "cccc333", label: "no runs" } };
    for (const bad of [malformed, runless, "holds", null]) {
      baselines = bad;
      await page.load();
      expect(page.state.kind).toBe("loaded");
      expect(page.comparison(page.groups[0]!), JSON.stringify(bad)).toBeNull();
    }
  });

  it("says when nothing is recorded", async () => {
    const page = new BenchResults(createApi({ fetch: fakeFetch(() => json(200, { runs: [] })) }));
    await page.load();
    expect(page.empty).toBe(true);
    expect(page.groups).toEqual([]);
  });

  it("reports a failed load with the server's code, and is not empty then", async () => {
    const page = new BenchResults(createApi({ fetch: fakeFetch(() => apiError(404, "not_found")) }));
    await page.load();
    expect(page.state).toMatchObject({ kind: "failed", error: { status: 404, code: "not_found" } });
    expect(page.empty).toBe(false);
  });
});
