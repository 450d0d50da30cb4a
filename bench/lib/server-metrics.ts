// Reads the server's own counters from /metrics (prom-client text format), so a run can report
// the mean ledger batch the server actually saw during its timed phase.
export interface HistogramTotals {
  sum: number;
  count: number;
}

export function histogramTotals(text: string, name: string): HistogramTotals {
  const value = (suffix: string) => Number(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return { sum: value("sum"), count: value("count") };
}

export async function ledgerBatchTotals(serverUrl: string): Promise<HistogramTotals> {
  const res = await fetch(`${serverUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return histogramTotals(await res.text(), "stampede_ledger_batch_events");
}

/** Mean transfers per ledger call between two readings (null when no call happened). */
export function meanBatch(before: HistogramTotals, after: HistogramTotals): number | null {
  const calls = after.count - before.count;
  return calls > 0 ? Math.round(((after.sum - before.sum) / calls) * 10) / 10 : null;
}
