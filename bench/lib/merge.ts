// Folds the results of several generator processes into one figure.
import type { HttpGenResult } from "../gen/http.js";
import { mergeCounts, summarize, type LatencySummary } from "./stats.js";

export interface Merged {
  ops: number;
  elapsedSeconds: number;
  statuses: Record<string, number>;
  latency: LatencySummary;
  firstErrors: string[];
  retries: number;
  overloadRetries: number;
  timeouts: number;
}

export function mergeHttp(results: HttpGenResult[]): Merged {
  const all = new Float64Array(results.reduce((a, r) => a + r.latenciesMs.length, 0));
  let o = 0;
  for (const r of results) all.set(r.latenciesMs, (o += r.latenciesMs.length) - r.latenciesMs.length);
  return {
    ops: results.reduce((a, r) => a + r.ops, 0),
    elapsedSeconds: Math.max(...results.map((r) => r.elapsedMs)) / 1_000,
    statuses: results.reduce((a, r) => mergeCounts(a, r.statuses), {} as Record<string, number>),
    latency: summarize(all),
    firstErrors: results.flatMap((r) => r.firstErrors).slice(0, 5),
    retries: results.reduce((a, r) => a + r.retries, 0),
    overloadRetries: results.reduce((a, r) => a + (r.overloadRetries ?? 0), 0),
    timeouts: results.reduce((a, r) => a + (r.timeouts ?? 0), 0),
  };
}

/** Count of results whose status key is one of `ok`. */
export const okCount = (statuses: Record<string, number>, ...ok: string[]): number =>
  ok.reduce((a, k) => a + (statuses[k] ?? 0), 0);

/** Splits `total` into `parts` near-equal integers. */
export const split = (total: number, parts: number): number[] =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

/** Reads one Prometheus sample (sum over labels, or over the series whose labels contain `labelsWith`) from the server's /metrics. */
export async function metric(
  url: string,
  name: string,
  labelsWith?: string | readonly string[],
): Promise<number | null> {
  const wanted = labelsWith === undefined ? [] : typeof labelsWith === "string" ? [labelsWith] : labelsWith;
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum: number | null = null;
  for (const line of text.split("\n")) {
    if (!(line.startsWith(`${name} `) || line.startsWith(`${name}{`))) continue;
    const labels = line.slice(name.length, line.lastIndexOf(" "));
    if (!wanted.every((w) => labels.includes(w))) continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
