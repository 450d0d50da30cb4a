// What a benchmark result file must hold to be listed (bench/lib/result.ts writes it), and the
// summary the listing answers with (its schema is shared/src/api/bench.ts, which the client reads
// too). Lenient where older files differ: the first `ledger` runs have no title, no calibration
// rows and no git commit. A file that fails this is skipped.
import { z } from "zod";
import { benchCpu, benchRow, type BenchCpu, type BenchRunSummary } from "@stampede/shared/api/bench";

export const benchResultFile = z.object({
  name: z.string().regex(/^[a-z][a-z-]*$/),
  title: z.string().optional(),
  startedAt: z.iso.datetime({ offset: true }),
  machine: z
    .object({ cpus: z.number().int().positive().optional(), loadAverage1mAtStart: z.number().optional() })
    .optional(),
  versions: z.object({ git: z.string().nullable().optional() }).optional(),
  calibration: z.array(benchRow).default([]),
  figures: z.array(benchRow),
  notes: z.array(z.string()).default([]),
  extra: z.unknown().optional(),
});

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

/** The summary of a parsed file, or why it is not a result. */
export function summarize(
  file: string,
  json: unknown,
): { ok: true; summary: BenchRunSummary } | { ok: false; reason: string } {
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
