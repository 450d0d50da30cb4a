// CPU time per process kind (server, workers, generators, PostgreSQL, Redis) over a timed phase,
// read from /proc: on a 2-core box where everything shares the CPU, this says where a figure's
// time went. Linux only; elsewhere the split is empty.
import { readdirSync, readFileSync } from "node:fs";

export type CpuSnapshot = Map<number, { kind: string; ticks: number }>;

const ticksPerSecond = 100; // USER_HZ on Linux

/** What a command line is, for the split. */
export function processKind(cmdline: string): string | null {
  if (/postgres/.test(cmdline)) return "postgresql";
  if (/redis-server/.test(cmdline)) return "redis";
  if (/server\/src\/main\.ts/.test(cmdline)) return "server";
  if (/workers\/src\/main\.ts/.test(cmdline)) return "workers";
  if (/bench\/gen\//.test(cmdline) || /bench\/lib\/child/.test(cmdline)) return "generators";
  return null;
}

export function cpuSnapshot(): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return snap;
  }
  for (const pid of pids) {
    try {
      const kind = processKind(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
      if (!kind) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      snap.set(Number(pid), { kind, ticks: Number(fields[11]) + Number(fields[12]) }); // utime + stime
    } catch {
      // the process ended between the listing and the read
    }
  }
  return snap;
}

/** CPU seconds per kind between two snapshots (processes that started in between count from 0). */
export function cpuSplit(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, a] of after) {
    const used = (a.ticks - (before.get(pid)?.ticks ?? 0)) / ticksPerSecond;
    out[a.kind] = Math.round(((out[a.kind] ?? 0) + used) * 100) / 100;
  }
  return out;
}

/** "server 8.1 s (2.10 ms/hold), postgresql …" for a run's notes. */
export function cpuNote(split: Record<string, number>, ops: number, unit: string): string {
  const parts = Object.entries(split).sort((a, b) => b[1] - a[1]).map(([kind, s]) => `${kind} ${s} s (${ops > 0 ? ((s * 1_000) / ops).toFixed(2) : "–"} ms/${unit})`);
  return `CPU in the timed phase: ${parts.join(", ") || "not measured (no /proc)"}`;
}
