// A benchmark's "before → after" for the /bench page: the runs at the commit its baseline names
// (bench/results/baselines.json) against the runs at the newest commit recorded for it. Each
// side is the median over its runs, because one run on this shared box is noise; the figures are
// the ones the page charts, each as a fraction of the same run's calibration, their p99, and the
// CPU per operation of each process where the benchmark records it. Pure: no Svelte, no I/O.
import type { BenchGroup } from "./bench-runs.js";
import {
  chartsFor,
  cpuFor,
  findRow,
  numericCell,
  readSeries,
  type CellSource,
  type ChartSpec,
  type CpuSpec,
} from "./bench-scenarios.js";
import type { BenchBaseline, BenchRun } from "./bench-views.js";

/** One compared figure: how to read it from a run, and which way is better. */
export interface CompareMetric {
  label: string;
  unit: string;
  better: "higher" | "lower";
  read: (run: BenchRun) => number | null;
}

/** One side's value of a figure: the median over the side's runs that have it, and how many do. */
export interface SideFigure {
  median: number | null;
  runs: number;
}

export interface Change {
  /** after ÷ before. */
  factor: number;
  /** "×2.4" for a factor of 2 or more, else a percentage: "+37 %", "−60 %", "±0 %". */
  text: string;
  verdict: "better" | "worse" | "same";
}

export interface CompareRow {
  label: string;
  unit: string;
  before: SideFigure;
  after: SideFigure;
  change: Change | null;
}

export interface CompareSide {
  /** As the runs record it. */
  commit: string;
  runs: number;
}

export interface ScenarioComparison {
  label: string;
  before: CompareSide;
  after: CompareSide;
  rows: CompareRow[];
}

/** The median; null for no values. An even count averages the two middle values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Whether a run's recorded commit is the named one: either may be the shorter prefix (runs record `--short`). */
export function isCommit(recorded: string | null, commit: string): boolean {
  if (recorded === null || recorded === "" || commit === "") return false;
  const [a, b] = [recorded.toLowerCase(), commit.toLowerCase()];
  return a.startsWith(b) || b.startsWith(a);
}

/** The commit of the newest run that records one. */
export function newestCommit(runs: readonly BenchRun[]): string | null {
  let newest: BenchRun | null = null;
  for (const run of runs) {
    if (run.versions.git && (newest === null || Date.parse(run.startedAt) > Date.parse(newest.startedAt))) newest = run;
  }
  return newest?.versions.git ?? null;
}

/** after ÷ before, in words; null when either is missing or before is not positive (no factor of nothing). */
export function change(
  before: number | null,
  after: number | null,
  better: "higher" | "lower",
  locale?: string,
): Change | null {
  if (before === null || after === null || !(before > 0) || !(after >= 0)) return null;
  const factor = after / before;
  if (!Number.isFinite(factor)) return null;
  const percent = Math.round((factor - 1) * 100);
  if (factor < 2 && percent === 0) return { factor, text: "±0 %", verdict: "same" };
  const text =
    factor >= 2
      ? `×${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(factor)}`
      : `${percent > 0 ? "+" : "−"}${Math.abs(percent)} %`;
  return { factor, text, verdict: factor > 1 === (better === "higher") ? "better" : "worse" };
}

/** The calibration a series is divided by: the benchmark's own "fraction of GET /noop" divides by
 * the calibration at the figure's concurrency, so a chart's single calibration row is swapped for
 * that concurrency's where the series picks one. */
function calibrationOf(chart: ChartSpec, series: CellSource): CellSource {
  const calibration = chart.calibration.value;
  const concurrency = series.where?.concurrency;
  if (calibration.table !== "calibration" || calibration.where?.concurrency === undefined || concurrency === undefined)
    return calibration;
  return { ...calibration, where: { ...calibration.where, concurrency } };
}

function cellOf(source: CellSource, run: BenchRun): number | null {
  const row = findRow(source.table === "figures" ? run.figures : run.calibration, source.where);
  return row === null ? null : numericCell(row[source.column]);
}

function chartMetrics(chart: ChartSpec): CompareMetric[] {
  return chart.series.flatMap((series) => {
    const named = chart.series.length > 1 ? `${chart.title} (${series.label})` : chart.title;
    const value: CompareMetric = {
      label: named,
      unit: chart.unit,
      better: chart.better,
      read: (run) => readSeries(series, run).value,
    };
    const out = [value];
    if (chart.calibrationAxis === "shared") {
      const calibration = calibrationOf(chart, series.value);
      const calibrationName = calibration.where?.calibration ?? chart.calibration.label;
      out.push({
        label: `${named} ÷ ${calibrationName}`,
        unit: "",
        better: chart.better,
        read: (run) => {
          const [figure, base] = [value.read(run), cellOf(calibration, run)];
          return figure === null || base === null || base <= 0 ? null : figure / base;
        },
      });
    }
    if (series.value.table === "figures") {
      const p99 = { ...series.value, column: "p99 ms" };
      const qualifier = chart.series.length > 1 ? ` (${series.label})` : "";
      out.push({ label: `p99 latency${qualifier}`, unit: "ms", better: "lower", read: (run) => cellOf(p99, run) });
    }
    return out;
  });
}

/** Process kinds in the order the benchmarks' notes usually list them; others follow by name. */
const processOrder = ["server", "workers", "postgresql", "redis"];
/** The load generator is not the system measured, and only some runs count it. */
const notTheSystem = new Set(["generators"]);

function cpuMetrics(spec: CpuSpec, runs: readonly BenchRun[]): CompareMetric[] {
  const phaseOf = (run: BenchRun) => run.cpu.find((p) => p.concurrency === spec.concurrency)?.seconds ?? null;
  const perOp = (run: BenchRun, seconds: number | null): number | null => {
    const ops = cellOf(spec.ops, run);
    return seconds === null || ops === null || ops <= 0 ? null : (seconds * 1_000) / ops;
  };
  const kinds = [...new Set(runs.flatMap((run) => Object.keys(phaseOf(run) ?? {})))];
  const rank = (k: string) => (processOrder.includes(k) ? processOrder.indexOf(k) : processOrder.length);
  kinds.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const metric = (label: string, read: CompareMetric["read"]): CompareMetric => ({
    label,
    unit: "ms",
    better: "lower",
    read,
  });
  const perKind = kinds.map((kind) =>
    metric(`CPU per ${spec.per}: ${kind}`, (run) => perOp(run, phaseOf(run)?.[kind] ?? null)),
  );
  const total = metric(`CPU per ${spec.per}: all processes`, (run) => {
    const phase = phaseOf(run);
    const system = Object.entries(phase ?? {}).filter(([kind]) => !notTheSystem.has(kind));
    return phase === null
      ? null
      : perOp(
          run,
          system.reduce((sum, [, s]) => sum + s, 0),
        );
  });
  return kinds.length === 0 ? [] : [...perKind, total];
}

/** What the page compares for a benchmark: its charted figures, then CPU per operation per process. */
export function compareMetrics(name: string, runs: readonly BenchRun[]): CompareMetric[] {
  const cpu = cpuFor(name);
  const all = [...chartsFor(name).flatMap(chartMetrics), ...(cpu === null ? [] : cpuMetrics(cpu, runs))];
  return all.filter((m, i) => all.findIndex((other) => other.label === m.label) === i);
}

function sideFigure(metric: CompareMetric, runs: readonly BenchRun[]): SideFigure {
  const values = runs.map(metric.read).filter((v): v is number => v !== null);
  return { median: median(values), runs: values.length };
}

/** The rows of a comparison; a figure neither side has is left out. */
export function compareRuns(
  metrics: readonly CompareMetric[],
  before: readonly BenchRun[],
  after: readonly BenchRun[],
): CompareRow[] {
  return metrics
    .map((m) => {
      const [b, a] = [sideFigure(m, before), sideFigure(m, after)];
      return { label: m.label, unit: m.unit, before: b, after: a, change: change(b.median, a.median, m.better) };
    })
    .filter((row) => row.before.runs > 0 || row.after.runs > 0);
}

/** The benchmark's before → after; null (nothing to show) without a baseline, when the baseline's
 * commit has no runs, when no run is newer than it, or when the sides share no figure. */
export function compareScenario(group: BenchGroup, baseline: BenchBaseline | undefined): ScenarioComparison | null {
  if (baseline === undefined) return null;
  const before = group.runs.filter((run) => isCommit(run.versions.git, baseline.commit));
  const newest = newestCommit(group.runs);
  if (before.length === 0 || newest === null || isCommit(newest, baseline.commit)) return null;
  const after = group.runs.filter((run) => run.versions.git === newest);
  const rows = compareRuns(compareMetrics(group.name, [...before, ...after]), before, after);
  if (rows.length === 0) return null;
  return {
    label: baseline.label,
    before: { commit: before[0]?.versions.git ?? baseline.commit, runs: before.length },
    after: { commit: newest, runs: after.length },
    rows,
  };
}

/** The baselines of the server's answer that are usable; anything else is dropped, so a bad entry
 * leaves its benchmark without a comparison instead of breaking the page. */
export function usableBaselines(value: unknown): Record<string, BenchBaseline> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const out: Record<string, BenchBaseline> = {};
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const { commit, label } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const named = /^[a-z][a-z-]*$/.test(name);
    if (named && typeof commit === "string" && /^[0-9a-f]{4,40}$/i.test(commit) && typeof label === "string")
      out[name] = { commit, label };
  }
  return out;
}
