// What `GET /api/bench/results` answers (the /bench page's list of recorded runs) and what
// `GET /api/bench/results/:file` answers (one result file, whole), shared by the server's routes
// (their handlers are typed from these schemas, their answers checked against them) and the
// client's views. Which files are listed is the server's own rule (services/bench).
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

// One result file as the benchmarks write it (bench/lib/result.ts writeResult, bench/ledger.ts),
// every committed one included (bench.test.ts parses bench/results). Strict where the writers fix
// the shape: a field a writer adds is declared here first. Only `config` and `extra`, each
// benchmark's own, are open. Optional: what older files (the first ledger runs) or a missing CLI
// leave out.

/** What `os` said about the machine when the run started. */
export const benchMachine = z.strictObject({
  cpus: z.number().int().positive(),
  cpuModel: z.string().optional(),
  memoryBytes: z.number().int().positive().optional(),
  platform: z.string().optional(),
  loadAverage1mAtStart: z.number().nonnegative(),
  /** 1, 5 and 15 minutes. */
  loadAverageAtStart: z.array(z.number().nonnegative()).length(3).optional(),
});

/** A version a writer could not read (a CLI missing) is null. */
const version = z.string().nullable();
export const benchVersions = z.strictObject({
  node: z.string(),
  postgres: version.optional(),
  redis: version.optional(),
  express: version.optional(),
  socketIo: version.optional(),
  /** `git rev-parse --short HEAD` at the run. */
  git: version.optional(),
});

const stock = z.int().min(0);

/** `GET /api/bench/results/:file`: one recorded run, config and extra included. */
export const benchRunFile = z.strictObject({
  name: z.string().regex(/^[a-z][a-z-]*$/, "a benchmark name like purchase"),
  title: z.string().optional(),
  startedAt: z.iso.datetime({ offset: true }),
  machine: benchMachine,
  versions: benchVersions,
  /** The run's settings (concurrency, durations, …): each benchmark's own. */
  config: z.record(z.string(), z.unknown()),
  calibration: z.array(benchRow).optional(),
  figures: z.array(benchRow),
  notes: z.array(z.string()).optional(),
  /** Per-second series, per-process CPU (`cpuSeconds`, `c<concurrency>.cpuSeconds`), …: each benchmark's own. */
  extra: z.record(z.string(), z.unknown()).optional(),
  /** The ledger benchmark: its tier's stock after the run (capacity = available + held + sold). */
  inventoryAfter: z.strictObject({ capacity: stock, available: stock, held: stock, sold: stock }).optional(),
});
export type BenchRunFile = z.output<typeof benchRunFile>;
