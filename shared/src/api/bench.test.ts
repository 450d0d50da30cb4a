// Goal: benchRunFile describes every result file committed in bench/results (what
// `GET /api/bench/results/:file` answers), and refuses what no writer writes; baselines.json
// parses with benchBaselines.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { benchBaselines, benchRunFile } from "./bench.js";

const dir = fileURLToPath(new URL("../../../bench/results/", import.meta.url));
const read = (file: string): unknown => JSON.parse(readFileSync(`${dir}${file}`, "utf8"));
const resultFiles = readdirSync(dir).filter((f) => /^\d{4}-.*\.json$/.test(f));

function issuesOf(json: unknown): string[] {
  const parsed = benchRunFile.safeParse(json);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("benchRunFile", () => {
  it("finds the committed results", () => {
    expect(resultFiles.length).toBeGreaterThan(0);
  });

  it.each(resultFiles)("parses %s", (file) => {
    expect(issuesOf(read(file))).toEqual([]);
  });

  it("answers a file as it is: nothing added, nothing dropped", () => {
    for (const file of resultFiles) expect(benchRunFile.parse(read(file))).toEqual(read(file));
  });

  it("refuses a field no writer writes, and a malformed known one", () => {
    const file = read(resultFiles[0]!) as Record<string, unknown>;
    expect(issuesOf({ ...file, surprise: 1 })).toEqual([': Unrecognized key: "surprise"']);
    const machine = file.machine as Record<string, unknown>;
    expect(issuesOf({ ...file, machine: { ...machine, gpu: "none" } })).toEqual(['machine: Unrecognized key: "gpu"']);
    expect(issuesOf({ ...file, figures: [{ ok: { nested: true } }] })).toHaveLength(1);
    expect(issuesOf({ ...file, startedAt: "yesterday" })).toHaveLength(1);
  });
});

describe("benchBaselines", () => {
  it("parses the committed baselines.json", () => {
    expect(benchBaselines.safeParse(read("baselines.json")).success).toBe(true);
  });
});
