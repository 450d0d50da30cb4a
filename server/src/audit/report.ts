// The audit as a person reads it: one line per tier and per perk with its figures, the problems
// under the line they concern, and one closing verdict line.
import type { AuditedEvent } from "./events.js";
import type { HistoryResult, Violation } from "./history.js";

const pad = (value: string | number, width: number) => String(value).padEnd(width);

export function eventLines({ event, audit }: AuditedEvent): string[] {
  const problems = audit.classes.reduce((n, c) => n + c.problems.length, 0) + audit.perks.reduce((n, p) => n + p.problems.length, 0);
  const lines = [`event "${event.name}" ${event.id} (${event.status}): ${audit.ok ? "ok" : `${problems} problem${problems === 1 ? "" : "s"}`}`];
  for (const c of audit.classes) {
    const figures = `capacity ${pad(c.capacity, 6)} available ${pad(c.available, 6)} held ${pad(c.held, 5)} sold ${pad(c.sold, 6)}`;
    const orders = `orders: paid ${c.orders.paid}, held ${c.orders.held}, refunds returning ${c.orders.returning}`;
    lines.push(`  tier ${pad(c.code, 10)} ${figures} | ${orders}  ${c.ok ? "ok" : "PROBLEM"}`);
    for (const p of c.problems) lines.push(`      ! ${p}`);
  }
  for (const p of audit.perks) {
    lines.push(`  perk ${pad(p.code, 10)} capacity ${pad(p.capacity, 6)} granted ${pad(p.granted, 6)} | paid orders with it: ${p.recorded}  ${p.ok ? "ok" : "PROBLEM"}`);
    for (const problem of p.problems) lines.push(`      ! ${problem}`);
  }
  return lines;
}

export function auditLines(audited: AuditedEvent[]): string[] {
  const bad = audited.filter((a) => !a.audit.ok).length;
  const verdict = audited.length === 0 ? "audit: no events to audit (drafts are skipped)" : bad === 0 ? `audit: ok — ${audited.length} event${audited.length === 1 ? "" : "s"}, every figure adds up` : `audit: PROBLEMS in ${bad} of ${audited.length} events`;
  return [...audited.flatMap(eventLines), verdict];
}

export function violationLine(v: Violation, startedMs: number): string {
  const at = `+${((v.atMs - startedMs) / 1000).toFixed(1)}s`;
  return `  ${pad(at, 8)} ${pad(v.invariant, 14)} ${v.eventId ?? "-"} ${v.subject}: ${v.problem}`;
}

export function historyLines(h: HistoryResult, startedMs: number): string[] {
  const lines = [
    `history: ${h.samples} samples taken, ${h.failedSamples} could not be taken (a dependency away), ${h.passingDisagreements} passing disagreements with the orders (in flight, gone by a later sample; the longest lasted ${(h.longestPassingMs / 1000).toFixed(1)} s)`,
  ];
  for (const e of h.sampleErrors) lines.push(`  sample error: ${e}`);
  if (h.violations.length === 0) lines.push("history: no violation of I1–I4");
  else lines.push(`history: ${h.violations.length} VIOLATION${h.violations.length === 1 ? "" : "S"}`, ...h.violations.map((v) => violationLine(v, startedMs)));
  return lines;
}
