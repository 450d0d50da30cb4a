// Goal: /bench, served by a real server whose BENCH_RESULTS_DIR holds a few recorded runs (and a
// malformed file it must skip), draws a chart per benchmark and the latest run's figures and
// calibration tables, in the page's benchmark order; picking an older run in the select shows that
// run's figures instead. baselines.json gives holds a before → after table (its first run against
// the newest) and purchase none, its baseline commit having no runs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useSite } from "./support.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "stampede-bench-page-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(startedAt: string, name: string, body: Record<string, unknown>): void {
  const result = {
    name,
    startedAt,
    config: {},
    machine: { cpus: 2, loadAverage1mAtStart: 1.61 },
    versions: { node: "v20.20.2", git: `c0ffee${startedAt.slice(15, 16)}` },
    notes: [],
    ...body,
  };
  writeFileSync(path.join(dir, `${startedAt.replaceAll(":", "-")}-${name}.json`), JSON.stringify(result));
}

const noop = (opsPerSecond: number) => [
  {
    calibration: "GET /noop (Express)",
    generators: 1,
    concurrency: 200,
    "ops/s": opsPerSecond,
    "p50 ms": 120,
    "p99 ms": 400,
    seconds: 3,
  },
];
const holds = (startedAt: string, perSecond: number, noopOps: number): void =>
  write(startedAt, "holds", {
    title: "one hold per admitted fan",
    calibration: noop(noopOps),
    figures: [{ "holds/s": perSecond, target: "≥ 8000", "p99 ms": 1647.18, "p99 target": "≤ 100", errors: 0 }],
  });

holds("2026-11-22T00:14:15.189Z", 178, 1212);
holds("2026-11-22T00:39:26.044Z", 203, 1287);
holds("2026-11-22T00:42:38.751Z", 4321, 9876);
write("2026-11-22T01:11:47.718Z", "purchase", {
  title: "hold → MockPay → webhook → paid",
  calibration: noop(2590),
  figures: [
    { concurrency: 30, "paid tickets/s": 29.7, target: "", errors: 0 },
    { concurrency: 200, "paid tickets/s": 23.4, target: "≥ 1500", errors: 0 },
  ],
});
write("2026-11-22T00:11:12.264Z", "ledger", {
  figures: [1, 10, 100, 1000].map((c) => ({
    shape: "first",
    concurrency: c,
    holdsPerSecond: c * 3,
    calibrationRoundTripsPerSecond: 20_000,
  })),
});
writeFileSync(path.join(dir, "2026-11-22T00-50-00.000Z-holds.json"), '{"name": "holds", "figu');
writeFileSync(
  path.join(dir, "baselines.json"),
  JSON.stringify({
    holds: { commit: "c0ffee4", label: "before holds were batched" },
    purchase: { commit: "0000000", label: "a commit with no runs" },
  }),
);

const opened = useSite({ BENCH_RESULTS_DIR: dir });

describe("the benchmarks page", () => {
  it("charts each benchmark and tables the latest run, and shows an older run when picked", async () => {
    const { site, browser } = opened();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${site.url}/`);
    await page.getByRole("link", { name: "Benchmarks" }).click();
    await page.waitForURL(`${site.url}/bench`);
    await page.getByRole("heading", { name: "Benchmarks", level: 1 }).waitFor();

    const sections = page.locator("section.bench-scenario");
    await sections.first().waitFor({ timeout: 10_000 });
    expect(await sections.locator("h2 code").allTextContents()).toEqual(["purchase", "holds", "ledger"]);

    const section = page.locator("#bench-holds");
    await section.locator(".bench-chart canvas").first().waitFor();
    expect(await section.locator(".bench-chart canvas").first().isVisible()).toBe(true);
    expect(await section.locator(".u-legend").textContent()).toContain("holds/s target");
    await expect.poll(() => section.locator(".bench-chart-latest").textContent()).toBe("4,321/s (target 8,000)");

    const figures = section.locator("table", { has: page.locator("caption", { hasText: "Figures" }) });
    expect(await figures.locator("thead th").allTextContents()).toEqual([
      "holds/s",
      "target",
      "p99 ms",
      "p99 target",
      "errors",
    ]);
    expect(await figures.locator("tbody td").first().textContent()).toBe("4,321");
    const calibration = section.locator("table", { has: page.locator("caption", { hasText: "Calibration" }) });
    expect(await calibration.locator("tbody td").allTextContents()).toContain("9,876");
    expect(await section.locator(".bench-run-facts").textContent()).toContain("1.61 on 2 CPUs");
    expect(await section.locator(".bench-count").textContent()).toBe("3 recorded runs"); // the malformed file is skipped

    await section.getByLabel("Run shown below").selectOption("2026-11-22T00-14-15.189Z-holds.json");
    await figures.locator("tbody td").first().getByText("178", { exact: true }).waitFor();
    expect(await calibration.locator("tbody td").allTextContents()).toContain("1,212");
    expect(await section.locator(".bench-chart-latest").textContent()).toBe("178/s (target 8,000)");

    const compared = section.locator("table", { has: page.locator("caption", { hasText: "Before → after" }) });
    expect(await compared.locator("caption").textContent()).toBe("Before → after: before holds were batched");
    expect((await compared.locator("thead th").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim())).toEqual([
      "Figure",
      "Before c0ffee4 median of 1 run",
      "After (newest) c0ffee2 median of 1 run",
      "Change",
    ]);
    const holdsRow = compared.locator("tbody tr", {
      has: page.getByRole("rowheader", { name: "Holds per second", exact: true }),
    });
    const holdsCells = (await holdsRow.locator("td").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
    expect(holdsCells).toEqual(["178/s", "4,321/s", "×24.3 better"]);
    expect(
      await page
        .locator("#bench-purchase table", { has: page.locator("caption", { hasText: "Before → after" }) })
        .count(),
    ).toBe(0);

    const raw = await page.request.get(`${site.url}/api/bench/results/2026-11-22T00-14-15.189Z-holds.json`);
    expect(raw.status()).toBe(200);
    expect(errors).toEqual([]);
    await context.close();
  });
});
