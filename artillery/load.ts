// `npm run load -- <scenario> [--fans N] [-- extra artillery args]`: runs artillery/<scenario>.yml
// against a Stampede of its own (own database, Redis prefix, server + workers on free loopback
// ports — never port 3000), then tears it down. It creates the events and, for the Socket.IO
// scenarios, one fan session per arriving VU (the socketio engine connects before the first step
// of a scenario, so the fan token must exist before the VU starts: it comes from the payload).
// Telemetry is off (ARTILLERY_DISABLE_TELEMETRY) so the run does not wait for the network at exit.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { benchEvent, flag, startBenchStack } from "../bench/lib/stack.js";
import { httpClient } from "../bench/lib/http.js";
import { newSessions } from "../bench/lib/fans.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** js-yaml comes with Artillery (no types installed): the two calls used here, typed by hand. */
const yaml = createRequire(import.meta.url)("js-yaml") as { load(text: string): unknown; dump(value: unknown): string };

interface Script {
  config: {
    phases?: Array<{ duration?: number; arrivalRate?: number; arrivalCount?: number }>;
    payload?: Record<string, unknown>;
    processor?: string;
  };
}

/** VUs the phases will start (sessions to pre-create), with 10% to spare. */
function arrivals(script: Script): number {
  const n = (script.config.phases ?? []).reduce(
    (a, p) => a + (p.arrivalCount ?? (p.duration ?? 0) * (p.arrivalRate ?? 0)),
    0,
  );
  return Math.ceil(n * 1.1) + 10;
}

async function main(): Promise<void> {
  const [scenario, ...rest] = process.argv.slice(2);
  const file = path.join(here, `${scenario}.yml`);
  let script: Script;
  try {
    script = yaml.load(readFileSync(file, "utf8")) as Script;
  } catch {
    console.error("usage: npm run load -- <waiting-room|queue-soak|purchase-http> [--fans N] [-- artillery args]");
    process.exit(2);
  }
  const dashdash = rest.indexOf("--");
  const extra = dashdash === -1 ? [] : rest.slice(dashdash + 1);
  const bench = await startBenchStack();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "stampede-load-"));
  let code = 1;
  try {
    const url = bench.server.url;
    const sale = await benchEvent(url, {
      name: `artillery ${scenario}`,
      classes: [{ code: "GA", capacity: 1_000_000 }],
    });
    const soak = await benchEvent(url, {
      name: `artillery ${scenario} soak`,
      classes: [{ code: "GA", capacity: 1_000 }],
      waitingRoom: { admitPerMinute: 60, maxActiveCheckouts: 1 },
    });
    const overrides: Record<string, unknown> = {
      target: url,
      variables: { target: [url], eventId: [sale.id], classId: [sale.classes[0]!.id], soakEventId: [soak.id] },
    };
    if (script.config.payload) {
      const fans = await newSessions(httpClient(url, 64), Number(flag(rest, "fans") ?? arrivals(script)));
      const csv = path.join(tmp, "fans.csv");
      writeFileSync(csv, `fanId,fanToken\n${fans.map((f) => `${f.fanId},${f.fanToken}`).join("\n")}\n`);
      script.config.payload = { ...script.config.payload, path: csv };
    }
    // Artillery reads the payload before applying --overrides: run a copy with absolute paths.
    if (script.config.processor) script.config.processor = path.join(here, script.config.processor);
    const runFile = path.join(tmp, `${scenario}.yml`);
    writeFileSync(runFile, yaml.dump(script));
    const report = path.join(tmp, "report.json");
    const bin = path.join(here, "../node_modules/.bin/artillery");
    const child = spawn(
      bin,
      ["run", runFile, "--overrides", JSON.stringify({ config: overrides }), "--output", report, ...extra],
      {
        stdio: "inherit",
        env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "1" },
      },
    );
    code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
    console.log(`\nartillery exited ${code}; report kept at ${report}`);
  } finally {
    await bench.close();
  }
  process.exit(code);
}

await main();
