// The JSON the client reads from GET /api/bench/results (server/src/services/bench/result-schema.ts
// validates the same shape on the server). A row is one line of a benchmark's Markdown table.

export type BenchCell = string | number | boolean | null;
export type BenchRow = Readonly<Record<string, BenchCell>>;

/** CPU seconds per process kind (server, workers, postgresql, redis, …) in one timed phase of a run. */
export interface BenchCpu {
  /** The phase's concurrency when the run has one phase per concurrency; null for a run's only phase. */
  concurrency: number | null;
  seconds: Readonly<Record<string, number>>;
}

/** One recorded run: its figures and the calibration measured in the same run. */
export interface BenchRun {
  file: string;
  name: string;
  title: string | null;
  startedAt: string;
  machine: { cpus: number | null; loadAverage1mAtStart: number | null };
  versions: { git: string | null };
  calibration: BenchRow[];
  figures: BenchRow[];
  notes: string[];
  cpu: BenchCpu[];
}

/** bench/results/baselines.json: the commit whose runs a benchmark's "before" is (a prefix of what runs record). */
export interface BenchBaseline {
  commit: string;
  label: string;
}

/** `GET /api/bench/results`: runs newest first, baselines by benchmark name. */
export interface BenchRunList {
  runs: BenchRun[];
  baselines: Readonly<Record<string, BenchBaseline>>;
}
