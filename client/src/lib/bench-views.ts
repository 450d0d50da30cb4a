// The JSON the client reads from GET /api/bench/results (server/src/services/bench/result-schema.ts
// validates the same shape on the server). A row is one line of a benchmark's Markdown table.

export type BenchCell = string | number | boolean | null;
export type BenchRow = Readonly<Record<string, BenchCell>>;

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
}

/** `GET /api/bench/results`: newest first. */
export interface BenchRunList {
  runs: BenchRun[];
}
