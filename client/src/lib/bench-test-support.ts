// Recorded runs for the /bench tests, shaped like the real bench/results files (same column names).
import type { BenchRow, BenchRun } from "./bench-views.js";

const noopRow = (opsPerSecond: number, concurrency = 200): BenchRow => ({
  calibration: "GET /noop (Express)",
  generators: 1,
  concurrency,
  "ops/s": opsPerSecond,
  "p50 ms": 120,
  "p99 ms": 400,
  seconds: 3,
});
const ackRow: BenchRow = {
  calibration: "noop ack (Socket.IO)",
  generators: 1,
  concurrency: 200,
  "ops/s": 6500,
  "p50 ms": 17,
  "p99 ms": 180,
  seconds: 3,
};

export function benchRun(overrides: Partial<BenchRun> = {}): BenchRun {
  return {
    file: "2026-11-22T00-14-15.189Z-holds.json",
    name: "holds",
    title: "one hold per admitted fan, concurrency 200, one hot tier",
    startedAt: "2026-11-22T00:14:15.189Z",
    machine: { cpus: 2, loadAverage1mAtStart: 7.22 },
    versions: { git: "3732270" },
    calibration: [noopRow(1212), ackRow],
    figures: [
      {
        "holds/s": 178,
        target: "≥ 8000",
        "p50 ms": 1056.23,
        "p99 ms": 1647.18,
        "p99 target": "≤ 100",
        errors: 0,
        "fraction of GET /noop": 0.15,
      },
    ],
    notes: [],
    cpu: [],
    ...overrides,
  };
}

/** A purchase run: rows at c=30 (no target) and c=200 (target ≥ 1500), calibration at both. */
export function purchaseRun(startedAt: string, paid: { c30: number | null; c200: number }, noop200 = 2590): BenchRun {
  const c30: BenchRow[] =
    paid.c30 === null
      ? []
      : [{ concurrency: 30, "paid tickets/s": paid.c30, target: "", "p99 ms": 1687.97, errors: 0, "audit ok": true }];
  return benchRun({
    file: `${startedAt.replaceAll(":", "-")}-purchase.json`,
    name: "purchase",
    title: "hold → MockPay → webhook → paid observed (100 ms poll), closed loop",
    startedAt,
    calibration: [noopRow(2550, 30), noopRow(noop200, 200)],
    figures: [
      ...c30,
      {
        concurrency: 200,
        "paid tickets/s": paid.c200,
        target: "≥ 1500",
        "p99 ms": 12218.99,
        "p99 target": "≤ 250",
        errors: 0,
        "audit ok": true,
      },
    ],
  });
}
