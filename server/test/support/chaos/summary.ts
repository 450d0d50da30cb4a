// The end of a chaos run in a few lines: what the fans did and met, the faults as they ran, what
// the sale came to, and the invariants' history. It passes only when nothing was violated.
import { historyLines } from "../../../src/audit/report.js";
import type { ChaosResult, FaultRun } from "./run.js";

const list = (entries: Array<[string, number]>) => entries.map(([k, n]) => `${k} ${n}`).join(", ");

/** The run's failures: violations, a double click with two orders, no rest, a fault or process that failed. */
export function failures(r: ChaosResult): string[] {
  const out: string[] = [];
  if (r.history.violations.length > 0) out.push(`${r.history.violations.length} invariant violations`);
  for (const m of r.tally.doubleClickMismatches) out.push(m);
  if (r.restAfterMs === null) out.push("the sale never came to rest (holds, webhooks or refunds still open)");
  for (const f of r.faults) if (f.error) out.push(`fault ${f.fault.kind} failed: ${f.error}`);
  if (r.unexpectedExits.length > 0) out.push(`${r.unexpectedExits.length} processes ended on their own`);
  return out;
}

function faultText(f: FaultRun, startedMs: number): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const took = seconds(f.endedAtMs - f.startedAtMs);
  return `${f.fault.kind} at +${seconds(f.startedAtMs - startedMs)}s (${took} s)${f.error ? " FAILED" : ""}`;
}

export function summaryLines(r: ChaosResult): string[] {
  const t = r.tally;
  const o = t.outcomes;
  const refusals = r.startRefusals.length ? ` (${[...new Set(r.startRefusals)].join("; ")})` : "";
  const lines = [
    `summary (seed ${r.plan.seed}):`,
    `  fans: ${r.plan.fans.length} — paid ${o.paid}, paid late ${o.paid_late}, declined ${o.declined}, abandoned ${o.abandoned}, ` +
      `sold out ${o.sold_out}, stopped by a fault ${o.stopped_by_fault}`,
    `  met: ${t.queuePlacesLost} queue places lost (joined again), ${t.admissionsLost} admissions lost, ` +
      `${t.socketReconnects} socket reconnects, ` +
      `${t.retries} retries (${t.networkErrors} network errors, ${t.serverErrors} 5xx); ` +
      `${t.doubleClicks} double clicks, ${t.doubleClickMismatches.length} with two orders`,
  ];
  if (t.stopReasons.size > 0)
    lines.push(`  stopped because: ${[...t.stopReasons].map(([why, n]) => `${why} ×${n}`).join("; ")}`);
  lines.push(
    `  faults: ${r.faults.map((f) => faultText(f, r.startedMs)).join(", ")}`,
    `  orders: ${list(Object.entries(r.sale.orders))}; valid tickets ${r.sale.tickets}; ` +
      `captured payments ${r.sale.capturedPayments}, refunds ${r.sale.refunds}`,
    `  processes: ${r.startRefusals.length} starts refused while a dependency was down, each started again${refusals}; ` +
      `${r.unexpectedExits.length} crashes`,
    `  rest: ${r.restAfterMs === null ? "NEVER reached" : `reached ${(r.restAfterMs / 1000).toFixed(1)} s after the last fan`}`,
    ...historyLines(r.history, r.startedMs).map((l) => `  ${l}`),
  );
  for (const out of r.unexpectedExits) lines.push(`  a process ended on its own; its last output:\n${out}`);
  const failed = failures(r);
  lines.push(
    failed.length === 0
      ? `chaos: PASS (seed ${r.plan.seed})`
      : `chaos: FAIL (seed ${r.plan.seed}): ${failed.join("; ")}`,
  );
  return lines;
}
