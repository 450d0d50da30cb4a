// bench/results/baselines.json: per benchmark, the commit whose runs the /bench page shows as
// "before" next to the newest commit's runs, and a line saying what that commit was before.
// Committed by hand, so it is checked as strictly as a request: a file that fails this serves no
// baselines at all (with a warning) rather than a guess at what was meant.
// The schema is the listing's own (shared/src/api/bench.ts): the file is read as it is answered.
import { benchBaselines, type BenchBaselines } from "@stampede/shared/api/bench";

/** Beside the result files; its name is not result-shaped, so the listing never reads it as a run. */
export const benchBaselinesFile = "baselines.json";

export function parseBaselines(json: unknown): { ok: true; baselines: BenchBaselines } | { ok: false; reason: string } {
  const parsed = benchBaselines.safeParse(json);
  if (parsed.success) return { ok: true, baselines: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    reason: issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "not a baselines file",
  };
}
