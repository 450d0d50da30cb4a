// The server's own counters around a timed phase: the mean ledger batch the server saw.
import { metric } from "./merge.js";

export interface HistogramTotals {
  sum: number;
  count: number;
}

export async function ledgerBatchTotals(serverUrl: string): Promise<HistogramTotals> {
  const [sum, count] = await Promise.all([metric(serverUrl, "stampede_ledger_batch_events_sum"), metric(serverUrl, "stampede_ledger_batch_events_count")]);
  return { sum: sum ?? 0, count: count ?? 0 };
}

/** Mean transfers per ledger call between two readings (null when no call happened). */
export function meanBatch(before: HistogramTotals, after: HistogramTotals): number | null {
  const calls = after.count - before.count;
  return calls > 0 ? Math.round(((after.sum - before.sum) / calls) * 10) / 10 : null;
}
