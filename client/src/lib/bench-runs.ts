// Recorded runs grouped per benchmark for the /bench page, and a run's rows as a table with
// every column any row has. Pure: no Svelte, no I/O.
import { scenarioOrder } from "./bench-scenarios.js";
import type { BenchCell, BenchRow, BenchRun } from "./bench-views.js";

export interface BenchGroup {
  name: string;
  /** The latest run's title ("one hold per admitted fan, concurrency 200, one hot tier"), if it has one. */
  title: string | null;
  /** Newest first. */
  runs: BenchRun[];
}

function newestFirst(a: BenchRun, b: BenchRun): number {
  return Date.parse(b.startedAt) - Date.parse(a.startedAt);
}

function rank(name: string): number {
  const i = (scenarioOrder as readonly string[]).indexOf(name);
  return i === -1 ? scenarioOrder.length : i;
}

/** One group per benchmark name: the known ones in the page's order, then others by name. */
export function groupRuns(runs: readonly BenchRun[]): BenchGroup[] {
  const byName = new Map<string, BenchRun[]>();
  for (const run of runs) byName.set(run.name, [...(byName.get(run.name) ?? []), run]);
  return [...byName.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, list]) => {
      const sorted = list.sort(newestFirst);
      return { name, title: sorted[0]?.title ?? null, runs: sorted };
    });
}

/** Every column of the rows, in the order they first appear. */
export function tableColumns(rows: readonly BenchRow[]): string[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row)))];
}

/** A cell as recorded: numbers with their thousands grouped (no digit dropped), flags in words, blanks blank. */
export function formatCell(value: BenchCell | undefined, locale?: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(value);
  return value;
}
