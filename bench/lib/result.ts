// Result writing shared by every scenario: bench/results/<ISO>-<name>.json with the machine,
// versions, config and every figure, plus a Markdown table on stdout. Same shape as bench/ledger.ts.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

export type Row = Record<string, string | number | boolean | null>;

function tryRun(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", timeout: 5_000 }).trim();
  } catch {
    return null; // a missing CLI only leaves a version blank in the result
  }
}

function packageVersion(name: string): string | null {
  try {
    const file = fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url));
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

export function machineInfo() {
  return {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryBytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()}`,
      loadAverage1mAtStart: os.loadavg()[0],
      loadAverageAtStart: os.loadavg(),
    },
    versions: {
      node: process.version,
      postgres: tryRun("psql", ["-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"]),
      redis: tryRun("redis-cli", ["INFO", "server"])?.match(/redis_version:(\S+)/)?.[1] ?? null,
      express: packageVersion("express"),
      socketIo: packageVersion("socket.io"),
      git: tryRun("git", ["rev-parse", "--short", "HEAD"]),
    },
  };
}

export function markdownTable(rows: Row[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Row[string] | undefined) => (v === undefined || v === null ? "" : String(v));
  return [
    `| ${cols.join(" | ")} |`,
    `| ${cols.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(" | ")} |`),
  ].join("\n");
}

export interface BenchResult {
  name: string;
  title: string;
  startedAt: string;
  env: ReturnType<typeof machineInfo>;
  config: unknown;
  calibration: Row[];
  figures: Row[];
  extra?: Record<string, unknown>;
  notes?: string[];
}

/** Writes the JSON file and prints the Markdown tables; returns the file path. */
export function writeResult(r: BenchResult): string {
  const dir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${r.startedAt.replaceAll(":", "-")}-${r.name}.json`;
  const { env, ...rest } = r;
  writeFileSync(file, `${JSON.stringify({ ...rest, ...env }, null, 2)}\n`);
  const notes = (r.notes ?? []).map((n) => `- ${n}`).join("\n");
  const heading = `## ${r.name} — ${r.title} (load average at start ${env.machine.loadAverage1mAtStart?.toFixed(2)})`;
  const calibration = `calibration (same generator, same run):\n\n${markdownTable(r.calibration)}`;
  console.log(
    `\n${heading}\n\n${markdownTable(r.figures)}\n\n${calibration}\n${notes ? `\n${notes}\n` : ""}\nwritten: ${file}`,
  );
  return file;
}
