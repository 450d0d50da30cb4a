// The audit as a person reads it: one line per tier and per perk with its figures, the problems
// under the line they concern, and one closing verdict line.
import type { AuditedEvent } from "./events.js";
import type { HistoryResult, Violation } from "./history.js";

const pad = (value: string | number, width: number) => String(value).padEnd(width);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function eventLines({ event, audit }: AuditedEvent): string[] {
  const problems =
    audit.classes.reduce((n, c) => n + c.problems.length, 0) + audit.perks.reduce((n, p) => n + p.problems.length, 0);
  const lines = [
    `event "${event.name}" ${event.id} (${event.status}): ${audit.ok ? "ok" : plural(problems, "problem")}`,
  ];
  for (const c of audit.classes) {
    const figures = `capacity ${pad(c.capacity, 6)} available ${pad(c.available, 6)} held ${pad(c.held, 5)} sold ${pad(c.sold, 6)}`;
    const orders = `orders: paid ${c.orders.paid}, held ${c.orders.held}, refunds returning ${c.orders.returning}`;
    lines.push(`  tier ${pad(c.code, 10)} ${figures} | ${orders}  ${c.ok ? "ok" : "PROBLEM"}`);
    for (const p of c.problems) lines.push(`      ! ${p}`);
  }
  for (const p of audit.perks) {
    const figures = `capacity ${pad(p.capacity, 6)} granted ${pad(p.granted, 6)}`;
    lines.push(`  perk ${pad(p.code, 10)} ${figures} | paid orders with it: ${p.recorded}  ${p.ok ? "ok" : "PROBLEM"}`);
    for (const problem of p.problems) lines.push(`      ! ${problem}`);
  }
  return lines;
}

export function auditLines(audited: AuditedEvent[]): string[] {
  const bad = audited.filter((a) => !a.audit.ok).length;
  let verdict = `audit: PROBLEMS in ${bad} of ${audited.length} events`;
  if (audited.length === 0) verdict = "audit: no events to audit (drafts are skipped)";
  else if (bad === 0) verdict = `audit: ok — ${plural(audited.length, "event")}, every figure adds up`;
  return [...audited.flatMap(eventLines), verdict];
}

export function violationLine(v: Violation, startedMs: number): string {
  const at = `+${((v.atMs - startedMs) / 1000).toFixed(1)}s`;
  return `  ${pad(at, 8)} ${pad(v.invariant, 14)} ${v.eventId ?? "-"} ${v.subject}: ${v.problem}`;
}

export function historyLines(h: HistoryResult, startedMs: number): string[] {
  const lines = [
    `history: ${h.samples} samples taken, ${h.failedSamples} could not be taken (a dependency away), ` +
      `${h.passingDisagreements} passing disagreements with the orders (in flight, gone by a later sample; ` +
      `the longest lasted ${(h.longestPassingMs / 1000).toFixed(1)} s)`,
  ];
  for (const e of h.sampleErrors) lines.push(`  sample error: ${e}`);
  if (h.violations.length === 0) lines.push("history: no violation of I1–I4");
  else {
    const n = h.violations.length;
    lines.push(`history: ${n} VIOLATION${n === 1 ? "" : "S"}`, ...h.violations.map((v) => violationLine(v, startedMs)));
  }
  return lines;
}
