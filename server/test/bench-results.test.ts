// Goal: GET /api/bench/results lists the recorded runs in a directory newest first, without their
// config or extra, skipping (and warning once about) files that are not results; GET
// /api/bench/results/:file answers one whole file, refuses anything that is not a result-shaped
// name with 400 before touching the disk, and answers 404 for names it does not hold. With no
// directory configured both routes answer 404. The list also lifts each run's per-process CPU out
// of `extra`, and answers the baselines of baselines.json: none while it is missing, malformed
// or a symlink, and the runs are listed all the same. A file is answered only as its schema
// (benchRunFile) describes it: one the lenient listing shows but the schema refuses is a 404.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchRunFile } from "@stampede/shared/api/bench";
import { startTestApp, type TestApp } from "./support/app.js";
import { json } from "./support/services.js";

function run(name: string, startedAt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    title: `${name} fixture`,
    startedAt,
    config: { concurrency: 200 },
    calibration: [{ calibration: "GET /noop (Express)", concurrency: 200, "ops/s": 1200 }],
    figures: [{ "holds/s": 180, target: "≥ 8000", errors: 0 }],
    extra: { perSecond: [1, 2, 3] },
    notes: ["a note"],
    machine: { cpus: 2, cpuModel: "test cpu", loadAverage1mAtStart: 3.5 },
    versions: { node: "v20", git: "abc1234" },
    ...extra,
  };
}

const older = "2026-11-22T00-14-15.189Z-holds.json";
const newer = "2026-11-22T01-00-00.000Z-holds.json";
const purchase = "2026-11-22T00-30-00.000Z-purchase.json";
const ledger = "2026-11-22T00-11-12.264Z-ledger.json";
const malformed = "2026-11-22T00-50-00.000Z-holds.json";
const notAResult = "2026-11-22T00-51-00.000Z-joins.json";
const linked = "2026-11-22T00-52-00.000Z-sockets.json";

let t: TestApp;
let dir: string;
type Warning = { file?: string; msg?: string; reason?: string };
const warnings: Warning[] = [];

async function put(file: string, body: unknown): Promise<void> {
  await writeFile(path.join(dir, file), typeof body === "string" ? body : JSON.stringify(body));
}

async function listing(): Promise<{ runs: Array<Record<string, unknown>>; baselines: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/api/bench/results`);
  expect(res.status).toBe(200);
  return json(res);
}

async function listed(): Promise<Array<Record<string, unknown>>> {
  return (await listing()).runs;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "stampede-bench-"));
  // CPU as holds records it (one phase) and as purchase does (a phase per concurrency), beside a
  // malformed block and a key that is not a concurrency, which are left out.
  const cpu = {
    cpuSeconds: { server: 9.18, postgresql: 3.24 },
    c200: { cpuSeconds: { server: 8.27 } },
    c30: { cpuSeconds: { server: "lots" } },
    c0: { cpuSeconds: { server: 1 } },
  };
  await put(older, run("holds", "2026-11-22T00:14:15.189Z", { extra: cpu }));
  await put(newer, run("holds", "2026-11-22T01:00:00.000Z"));
  await put(purchase, run("purchase", "2026-11-22T00:30:00.000Z"));
  // The first ledger runs: no title, no calibration, no notes, no git commit.
  await put(ledger, {
    name: "ledger",
    startedAt: "2026-11-22T00:11:12.264Z",
    machine: { cpus: 2, loadAverage1mAtStart: 3.68 },
    versions: { node: "v20" },
    config: {},
    figures: [{ shape: "first", concurrency: 1, holdsPerSecond: 246 }],
  });
  await put(malformed, '{"name": "holds", "startedAt": ');
  await put(notAResult, { name: "joins", figures: "none" });
  await put("README.md", "# not a result");
  await mkdir(path.join(dir, "2026-11-22T00-53-00.000Z-dir.json"));
  const outside = path.join(await mkdtemp(path.join(os.tmpdir(), "stampede-outside-")), "secret.json");
  await writeFile(outside, JSON.stringify(run("sockets", "2026-11-22T00:52:00.000Z")));
  await symlink(outside, path.join(dir, linked));
  const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line) as Warning) });
  t = await startTestApp({ benchResultsDir: dir, logger });
});

afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe("GET /api/bench/results", () => {
  it("lists the readable runs newest first, with figures, calibration and notes but no config or extra", async () => {
    const runs = await listed();
    expect(runs.map((r) => r.file)).toEqual([newer, purchase, older, ledger]);
    expect(runs[0]).toEqual({
      file: newer,
      name: "holds",
      title: "holds fixture",
      startedAt: "2026-11-22T01:00:00.000Z",
      machine: { cpus: 2, loadAverage1mAtStart: 3.5 },
      versions: { git: "abc1234" },
      calibration: [{ calibration: "GET /noop (Express)", concurrency: 200, "ops/s": 1200 }],
      figures: [{ "holds/s": 180, target: "≥ 8000", errors: 0 }],
      notes: ["a note"],
      cpu: [],
    });
    expect(runs[2]?.cpu).toEqual([
      { concurrency: null, seconds: { server: 9.18, postgresql: 3.24 } },
      { concurrency: 200, seconds: { server: 8.27 } },
    ]);
    expect(runs[3]).toMatchObject({
      name: "ledger",
      title: null,
      versions: { git: null },
      calibration: [],
      notes: [],
      cpu: [],
    });
  });

  it("skips a malformed file and a file that is not a result with one warning each, however often it is listed", async () => {
    await listed();
    await listed();
    const skipped = warnings.filter((w) => w.msg?.startsWith("benchmark result skipped"));
    expect(skipped.map((w) => w.file).sort()).toEqual([malformed, notAResult]);
  });

  it("sees a new file and a rewritten one on the next listing", async () => {
    const added = "2026-11-22T02-00-00.000Z-last-ticket.json";
    await put(added, run("last-ticket", "2026-11-22T02:00:00.000Z"));
    await put(older, run("holds", "2026-11-22T00:14:15.189Z", { title: "holds, rewritten with a longer title" }));
    const runs = await listed();
    expect(runs[0]?.file).toBe(added);
    expect(runs.find((r) => r.file === older)?.title).toBe("holds, rewritten with a longer title");
    await rm(path.join(dir, added));
    expect((await listed()).map((r) => r.file)).not.toContain(added);
  });
});

describe("the baselines in GET /api/bench/results", () => {
  const ignored = (): Array<{ reason?: string }> =>
    warnings.filter((w) => w.msg?.startsWith("benchmark baselines ignored"));

  it("are none while baselines.json is missing", async () => {
    expect((await listing()).baselines).toEqual({});
  });

  it("are the file's, which is never listed as a run", async () => {
    const batched = { commit: "4de5b1b", label: "before the purchase path was batched" };
    await put("baselines.json", { purchase: batched, holds: { commit: "abc1234", label: " holds " } });
    const { runs, baselines } = await listing();
    expect(baselines).toEqual({ purchase: batched, holds: { commit: "abc1234", label: "holds" } });
    expect(runs.map((r) => r.file)).not.toContain("baselines.json");
    expect(ignored()).toEqual([]);
  });

  it("are none when the file is malformed, warned about once per change, and the runs are still listed", async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"purchase": {"commit": ', /^not JSON/],
      [{ purchase: { commit: "HEAD~1", label: "before" } }, /^purchase\.commit: a commit/],
      [{ purchase: { commit: "4de5b1b", label: "" } }, /^purchase\.label: /],
      [{ purchase: "4de5b1b" }, /^purchase: /],
      [{ Purchase: { commit: "4de5b1b", label: "before" } }, /Purchase/],
      [["purchase"], /^\(root\): /],
    ];
    for (const [body, reason] of cases) {
      const before = ignored().length;
      await put("baselines.json", body);
      const { runs, baselines } = await listing();
      await listing();
      expect(baselines, JSON.stringify(body)).toEqual({});
      expect(runs.length).toBeGreaterThan(0);
      expect(
        ignored()
          .slice(before)
          .map((w) => w.reason),
        JSON.stringify(body),
      ).toEqual([expect.stringMatching(reason)]);
    }
  });

  it("are none when baselines.json is a symlink or is removed", async () => {
    await rm(path.join(dir, "baselines.json"));
    const elsewhere = path.join(await mkdtemp(path.join(os.tmpdir(), "stampede-outside-")), "baselines.json");
    await writeFile(elsewhere, JSON.stringify({ purchase: { commit: "4de5b1b", label: "before" } }));
    await symlink(elsewhere, path.join(dir, "baselines.json"));
    expect((await listing()).baselines).toEqual({});
    await rm(path.join(dir, "baselines.json"));
    expect((await listing()).baselines).toEqual({});
  });
});

describe("GET /api/bench/results/:file", () => {
  it("answers one whole file, config and extra included", async () => {
    const res = await fetch(`${t.url}/api/bench/results/${purchase}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.config).toEqual({ concurrency: 200 });
    expect(body.extra).toEqual({ perSecond: [1, 2, 3] });
    expect(body.machine.cpuModel).toBe("test cpu");
    expect(benchRunFile.parse(body)).toEqual(body);
  });

  it("answers 404 naming the reason for a listed file its schema does not describe, and warns", async () => {
    const odd = "2026-11-22T00-31-00.000Z-purchase.json";
    await put(odd, run("purchase", "2026-11-22T00:31:00.000Z", { surprise: true }));
    expect((await listed()).map((r) => r.file)).toContain(odd);
    const res = await fetch(`${t.url}/api/bench/results/${odd}`);
    expect(res.status).toBe(404);
    expect((await json(res)).error).toEqual({
      code: "not_found",
      message: `${odd} is not a result file as the benchmarks write it: (root): Unrecognized key: "surprise"`,
    });
    expect(warnings.filter((w) => w.msg?.startsWith("benchmark result not answered"))).toHaveLength(1);
    await rm(path.join(dir, odd));
  });

  it("refuses names that are not result-shaped, path traversal included, with 400 invalid_request", async () => {
    for (const name of [
      "..%2F..%2Fpackage.json",
      "%2e%2e%2f%2e%2e%2fpackage.json",
      "..%5C..%5Cpackage.json",
      "README.md",
      `${older}.bak`,
      `x${older}`,
      "2026-11-22T00-14-15.189Z-HOLDS.json",
    ]) {
      const res = await fetch(`${t.url}/api/bench/results/${name}`);
      expect(res.status, name).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(/^params\.file: /);
    }
  });

  it("answers 404 not_found for a well-formed name it does not hold, a malformed file, a directory and a symlink", async () => {
    for (const name of [
      "2020-01-01T00-00-00.000Z-holds.json",
      malformed,
      notAResult,
      "2026-11-22T00-53-00.000Z-dir.json",
      linked,
    ]) {
      const res = await fetch(`${t.url}/api/bench/results/${name}`);
      expect(res.status, name).toBe(404);
      expect((await json(res)).error).toEqual({ code: "not_found", message: `no benchmark result named ${name}` });
    }
  });

  it("is described in the OpenAPI document", async () => {
    const doc = await json(await fetch(`${t.url}/api/openapi.json`));
    expect(doc.paths["/api/bench/results"].get.tags).toEqual(["benchmarks"]);
    const listed = doc.paths["/api/bench/results"].get.responses["200"].content["application/json"].schema;
    expect(Object.keys(listed.properties)).toEqual(["runs", "baselines"]);
    const file = doc.paths["/api/bench/results/{file}"].get.responses["200"].content["application/json"].schema;
    expect(file.required).toEqual(["name", "startedAt", "machine", "versions", "config", "figures"]);
    expect(file.additionalProperties).toBe(false);
    const param = doc.paths["/api/bench/results/{file}"].get.parameters[0];
    expect(param).toMatchObject({ name: "file", in: "path", required: true });
    expect(param.schema.pattern).toBeTypeOf("string");
  });

  it("lists nothing once the directory is gone", async () => {
    await rm(dir, { recursive: true, force: true });
    expect(await listed()).toEqual([]);
  });
});

describe("with no results directory configured", () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await startTestApp({ benchResultsDir: null });
  });
  afterAll(() => off.close());

  it("answers 404 not_found on both routes", async () => {
    for (const p of ["/api/bench/results", `/api/bench/results/${older}`]) {
      const res = await fetch(`${off.url}${p}`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe("not_found");
    }
  });
});
