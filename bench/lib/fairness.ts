// The server's fairness audit of a benchmark's sale (GET /api/admin/events/:id/fairness): the
// inversions, time in line, drop-off, conversion and tickets by tenth of the line, read from the
// admission records the nodes keep — the benchmarks report these instead of counting their own.
import type { FairnessSummary } from "@stampede/shared/api/fairness";
import { adminAuth } from "./stack.js";
import { round } from "./stats.js";

/** How long the nodes may take to write their last admission facts (each flushes about once a second). */
const recordsSettleMs = 5_000;

/** The event's fairness figures, once the records cover `joined` fans (or the nodes had time to write them). */
export async function fairnessOf(url: string, eventId: string, joined: number): Promise<FairnessSummary> {
  const deadline = Date.now() + recordsSettleMs;
  for (;;) {
    const res = await fetch(`${url}/api/admin/events/${eventId}/fairness`, { headers: { authorization: adminAuth } });
    if (res.status !== 200) throw new Error(`fairness report answered ${res.status}: ${await res.text()}`);
    const { records: _, ...summary } = (await res.json()) as FairnessSummary & { records: unknown[] };
    if (summary.fans.joined >= joined || Date.now() >= deadline) return summary;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const seconds = (ms: number | null) => (ms === null ? "" : round(ms / 1_000, 1));
const percent = (share: number | null) => (share === null ? "" : `${round(share * 100, 1)}%`);

/** The report's headline figures, as benchmark columns. */
export function fairnessFigures(report: FairnessSummary): Record<string, string | number> {
  return {
    "fairness inversions": report.inversions,
    "in line p50 s": seconds(report.timeInLine.p50Ms),
    "in line p99 s": seconds(report.timeInLine.p99Ms),
    "drop-off": percent(report.dropOff.rate),
    conversion: percent(report.conversion.rate),
    "admitted after sold out": report.admittedAfterSoldOut,
  };
}

/** The report as the benchmark prints it: the figures, then tickets by tenth of the line. */
export function fairnessLines(report: FairnessSummary): string[] {
  const { fans, timeInLine: t } = report;
  return [
    `fairness report: ${fans.joined} joined, ${fans.admitted} admitted, ${report.inversions} inversions, ` +
      `${report.admittedAfterSoldOut} admitted after sold out`,
    `  time in line p50/p90/p99 s: ${seconds(t.p50Ms)} / ${seconds(t.p90Ms)} / ${seconds(t.p99Ms)}; ` +
      `drop-off ${percent(report.dropOff.rate)}; conversion ${percent(report.conversion.rate)}`,
    `  outcomes: ${Object.entries(fans.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `  tickets by tenth of the line: ${report.deciles.map((d) => `${d.decile}:${d.tickets}`).join(" ")}`,
  ];
}
