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
  if (/server\/src\/mockpay\/main\.ts/.test(cmdline)) return "mockpay";
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

/** CPU seconds per kind between two snapshots (processes that started in between count from 0).
 * `kinds` renames some processes (PostgreSQL backends by the application they serve). */
export function cpuSplit(
  before: CpuSnapshot,
  after: CpuSnapshot,
  kinds: ReadonlyMap<number, string> = new Map(),
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, a] of after) {
    const used = (a.ticks - (before.get(pid)?.ticks ?? 0)) / ticksPerSecond;
    const kind = kinds.get(pid) ?? a.kind;
    out[kind] = Math.round(((out[kind] ?? 0) + used) * 100) / 100;
  }
  return out;
}

/** The kinds that are the payment provider's, not the shop's (MockPay in its own process). */
export const providerKinds: ReadonlySet<string> = new Set(["mockpay", "postgresql (mockpay)"]);

/** CPU milliseconds per op of the shop (every kind but the provider's and the load generators)
 * and of the provider. */
export function shopAndProvider(split: Record<string, number>, ops: number): { shopMs: number; providerMs: number } {
  let shop = 0;
  let provider = 0;
  for (const [kind, seconds] of Object.entries(split)) {
    if (providerKinds.has(kind)) provider += seconds;
    else if (kind !== "generators") shop += seconds;
  }
  const perOp = (s: number) => (ops > 0 ? Math.round((s * 100_000) / ops) / 100 : 0);
  return { shopMs: perOp(shop), providerMs: perOp(provider) };
}

/** "server 8.1 s (2.10 ms/hold), postgresql …" for a run's notes. */
export function cpuNote(split: Record<string, number>, ops: number, unit: string): string {
  const parts = Object.entries(split)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, s]) => `${kind} ${s} s (${ops > 0 ? ((s * 1_000) / ops).toFixed(2) : "–"} ms/${unit})`);
  return `CPU in the timed phase: ${parts.join(", ") || "not measured (no /proc)"}`;
}

/** Cores a phase kept busy: the stack under test (every kind but the load generators) and the generators. */
export function coresUsed(split: Record<string, number>, wallSeconds: number): { stack: number; generators: number } {
  const generators = split.generators ?? 0;
  const stack = Object.values(split).reduce((a, s) => a + s, 0) - generators;
  const per = (s: number) => (wallSeconds > 0 ? Math.round((s * 100) / wallSeconds) / 100 : 0);
  return { stack: per(stack), generators: per(generators) };
}
