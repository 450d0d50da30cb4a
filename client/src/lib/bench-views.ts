// The JSON the client reads from GET /api/bench/results: the types of the schema the server's route
// declares (shared/src/api/bench.ts), so the /bench page reads what the server answers. A row is
// one line of a benchmark's Markdown table; a run (BenchRun) its figures and the calibration
// measured in the same run. Type-only, so zod stays out of the bundle.
export type {
  BenchBaseline,
  BenchCell,
  BenchCpu,
  BenchRow,
  BenchRunSummary as BenchRun,
  BenchRunList,
} from "@stampede/shared/api/bench";
