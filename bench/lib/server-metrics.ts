// The server's own counters around a timed phase: the mean ledger batch the server saw.
import { metric } from "./merge.js";

export interface HistogramTotals {
  sum: number;
  count: number;
}

async function histogramTotals(serverUrl: string, name: string, labelsWith?: string): Promise<HistogramTotals> {
  const [sum, count] = await Promise.all([
    metric(serverUrl, `${name}_sum`, labelsWith),
    metric(serverUrl, `${name}_count`, labelsWith),
  ]);
  return { sum: sum ?? 0, count: count ?? 0 };
}

export const ledgerBatchTotals = (serverUrl: string) => histogramTotals(serverUrl, "stampede_ledger_batch_events");

/** Time the server spent answering payment webhooks (seconds, from its request histogram). */
export const webhookTotals = (serverUrl: string) =>
  histogramTotals(serverUrl, "stampede_http_request_duration_seconds", 'route="/api/payments/webhook"');

/** Time the server spent answering hold requests (seconds, from its request histogram: from the
 * request's arrival in Express, so a client's figure above it was spent on the way or in the client). */
export const holdTotals = (serverUrl: string) =>
  histogramTotals(serverUrl, "stampede_http_request_duration_seconds", 'route="/api/events/:eventId/holds"');

/** Payment webhooks the server answered, and those it refused as overloaded (503: the provider delivers them again later). */
export async function webhookAnswers(serverUrl: string): Promise<{ answered: number; refused: number }> {
  const name = "stampede_http_request_duration_seconds_count";
  const route = 'route="/api/payments/webhook"';
  const [answered, refused] = await Promise.all([
    metric(serverUrl, name, route),
    metric(serverUrl, name, [route, 'status="503"']),
  ]);
  return { answered: answered ?? 0, refused: refused ?? 0 };
}

/** Mean per observation of a histogram between two readings, × scale (null when nothing was observed). */
export function meanBetween(before: HistogramTotals, after: HistogramTotals, scale = 1): number | null {
  const calls = after.count - before.count;
  return calls > 0 ? Math.round((((after.sum - before.sum) * scale) / calls) * 10) / 10 : null;
}
