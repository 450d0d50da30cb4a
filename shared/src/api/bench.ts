// What `GET /api/bench/results` answers (the /bench page's list of recorded runs), shared by the
// server's route (its handler is typed from these schemas, its answers checked against them) and
// the client's views. The file formats the server reads are its own (services/bench).
import { z } from "zod";

export const benchCell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type BenchCell = z.output<typeof benchCell>;
/** One row of a figures or calibration table: column name → value, as printed in Markdown. */
export const benchRow = z.record(z.string(), benchCell);
export type BenchRow = z.output<typeof benchRow>;

/** CPU seconds per process kind (server, workers, postgresql, redis, …) in one timed phase. */
export const benchCpu = z.strictObject({
  /** The phase's concurrency when a run has one phase per concurrency (`extra.c200`); null for a run's only phase. */
  concurrency: z.number().int().positive().nullable(),
  seconds: z.record(z.string().max(40), z.number().nonnegative()),
});
export type BenchCpu = z.output<typeof benchCpu>;

/** A commit as the result files record it (`git rev-parse --short`), or any longer prefix of it. */
export const benchBaselineCommit = z
  .string()
  .regex(/^[0-9a-f]{4,40}$/, "a commit as the result files record it: 4 to 40 lowercase hex digits");

/** bench/results/baselines.json: the commit whose runs a benchmark's "before" is, and what it was. */
export const benchBaseline = z.object({
  commit: benchBaselineCommit,
  label: z.string().trim().min(1).max(200),
});
export type BenchBaseline = z.output<typeof benchBaseline>;

/** Benchmark name (as in the result files) → its baseline. */
export const benchBaselines = z.record(
  z.string().regex(/^[a-z][a-z-]*$/, "a benchmark name like purchase"),
  benchBaseline,
);
export type BenchBaselines = z.output<typeof benchBaselines>;

/** One recorded run as listed: its figures and the calibration measured in the same run, and the
 * per-process CPU lifted out of its `extra` (its `config` and `extra` are not listed). */
export const benchRunSummary = z.strictObject({
  file: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  startedAt: z.string(),
  machine: z.strictObject({ cpus: z.number().nullable(), loadAverage1mAtStart: z.number().nullable() }),
  versions: z.strictObject({ git: z.string().nullable() }),
  calibration: z.array(benchRow),
  figures: z.array(benchRow),
  notes: z.array(z.string()),
  cpu: z.array(benchCpu),
});
export type BenchRunSummary = z.output<typeof benchRunSummary>;

/** `GET /api/bench/results`: runs newest first, baselines by benchmark name. */
export const benchRunList = z.strictObject({ runs: z.array(benchRunSummary), baselines: benchBaselines });
export type BenchRunList = z.output<typeof benchRunList>;
