// Goal: the /bench page's state loads the recorded runs once, groups them, shows the latest run of
// each benchmark until an older one is picked, and reports empty and failed loads.
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
