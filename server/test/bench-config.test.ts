// Goal: BENCH_RESULTS_DIR defaults to the repository's bench/results wherever the server is
// started from, a relative path is made absolute, and an empty value turns the routes off.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

describe("BENCH_RESULTS_DIR", () => {
  it("defaults to the repository's bench/results", () => {
    const dir = loadConfig({}).benchResultsDir;
    expect(dir).toBe(fileURLToPath(new URL("../../bench/results", import.meta.url)));
    expect(existsSync(dir ?? "")).toBe(true);
  });

  it("resolves a relative path against the working directory", () => {
    expect(loadConfig({ BENCH_RESULTS_DIR: "some/where" }).benchResultsDir).toBe(path.resolve("some/where"));
    expect(loadConfig({ BENCH_RESULTS_DIR: "/srv/results" }).benchResultsDir).toBe("/srv/results");
  });

  it("is off when set to the empty string", () => {
    expect(loadConfig({ BENCH_RESULTS_DIR: "" }).benchResultsDir).toBeNull();
  });
});
