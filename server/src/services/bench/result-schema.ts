// What a benchmark result file must hold to be listed (bench/lib/result.ts writes it), and the
// summary the listing answers with. Lenient where older files differ: the first `ledger` runs
// have no title, no calibration rows and no git commit. A file that fails this is skipped.
import { z } from "zod";
import { benchBaselines } from "./baselines.js";

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** One row of a figures or calibration table: column name → value, as printed in Markdown. */
export const benchRow = z.record(z.string(), cell);

export const benchResultFile = z.object({
  name: z.string().regex(/^[a-z][a-z-]*$/),
  title: z.string().optional(),
  startedAt: z.iso.datetime({ offset: true }),
  machine: z.object({ cpus: z.number().int().positive().optional(), loadAverage1mAtStart: z.number().optional() }).optional(),
  versions: z.object({ git: z.string().nullable().optional() }).optional(),
  calibration: z.array(benchRow).default([]),
  figures: z.array(benchRow),
  notes: z.array(z.string()).default([]),
  extra: z.unknown().optional(),
});

/** CPU seconds per process kind (server, workers, postgresql, redis, …) in one timed phase. */
export const benchCpu = z.object({
  /** The phase's concurrency when a run has one phase per concurrency (`extra.c200`); null for a run's only phase. */
  concurrency: z.number().int().positive().nullable(),
  seconds: z.record(z.string().max(40), z.number().nonnegative()),
});
export type BenchCpu = z.infer<typeof benchCpu>;

const cpuPhase = z.object({ cpuSeconds: benchCpu.shape.seconds });

/** The per-process CPU a run recorded in `extra`: `extra.cpuSeconds` for the whole timed phase, or
 * `extra.c<concurrency>.cpuSeconds` per phase. Older runs have none. `extra` is free-form, so a
 * malformed block leaves that phase out instead of dropping the run. */
export function cpuOf(extra: unknown): BenchCpu[] {
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) return [];
  const out: BenchCpu[] = [];
  const whole = cpuPhase.safeParse(extra);
  if (whole.success) out.push({ concurrency: null, seconds: whole.data.cpuSeconds });
  for (const [key, value] of Object.entries(extra)) {
    const concurrency = /^c([1-9]\d{0,5})$/.exec(key)?.[1];
    const phase = concurrency === undefined ? null : cpuPhase.safeParse(value);
    if (phase?.success) out.push({ concurrency: Number(concurrency), seconds: phase.data.cpuSeconds });
  }
  return out;
}

/** One recorded run as `GET /api/bench/results` lists it: everything but `config` and `extra`, whose per-process CPU is lifted out. */
export const benchRunSummary = z.object({
  file: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  startedAt: z.string(),
  machine: z.object({ cpus: z.number().nullable(), loadAverage1mAtStart: z.number().nullable() }),
  versions: z.object({ git: z.string().nullable() }),
  calibration: z.array(benchRow),
  figures: z.array(benchRow),
  notes: z.array(z.string()),
  cpu: z.array(benchCpu),
});
export type BenchRunSummary = z.infer<typeof benchRunSummary>;

export const benchRunList = z.object({ runs: z.array(benchRunSummary), baselines: benchBaselines });

/** The summary of a parsed file, or why it is not a result. */
export function summarize(file: string, json: unknown): { ok: true; summary: BenchRunSummary } | { ok: false; reason: string } {
  const parsed = benchResultFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "not a result" };
  }
  const r = parsed.data;
  return {
    ok: true,
    summary: {
      file,
      name: r.name,
      title: r.title ?? null,
      startedAt: r.startedAt,
      machine: { cpus: r.machine?.cpus ?? null, loadAverage1mAtStart: r.machine?.loadAverage1mAtStart ?? null },
      versions: { git: r.versions?.git ?? null },
      calibration: r.calibration,
      figures: r.figures,
      notes: r.notes,
      cpu: cpuOf(r.extra),
    },
  };
}

/** Newest first by start time; the file name (which starts with the time) breaks ties. */
export function newestFirst(a: BenchRunSummary, b: BenchRunSummary): number {
  return Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.file < b.file ? 1 : a.file > b.file ? -1 : 0);
}
