// What a benchmark result file must hold to be listed (bench/lib/result.ts writes it), and the
// summary the listing answers with. Lenient where older files differ: the first `ledger` runs
// have no title, no calibration rows and no git commit. A file that fails this is skipped.
import { z } from "zod";

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
});

/** One recorded run as `GET /api/bench/results` lists it: everything but `config` and `extra`. */
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
});
export type BenchRunSummary = z.infer<typeof benchRunSummary>;

export const benchRunList = z.object({ runs: z.array(benchRunSummary) });

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
    },
  };
}

/** Newest first by start time; the file name (which starts with the time) breaks ties. */
export function newestFirst(a: BenchRunSummary, b: BenchRunSummary): number {
  return Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.file < b.file ? 1 : a.file > b.file ? -1 : 0);
}
