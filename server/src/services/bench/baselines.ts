// bench/results/baselines.json: per benchmark, the commit whose runs the /bench page shows as
// "before" next to the newest commit's runs, and a line saying what that commit was before.
// Committed by hand, so it is checked as strictly as a request: a file that fails this serves no
// baselines at all (with a warning) rather than a guess at what was meant.
import { z } from "zod";

/** Beside the result files; its name is not result-shaped, so the listing never reads it as a run. */
export const benchBaselinesFile = "baselines.json";

/** A commit as the result files record it (`git rev-parse --short`), or any longer prefix of it. */
export const benchBaselineCommit = z
  .string()
  .regex(/^[0-9a-f]{4,40}$/, "a commit as the result files record it: 4 to 40 lowercase hex digits");

export const benchBaseline = z.object({
  commit: benchBaselineCommit,
  label: z.string().trim().min(1).max(200),
});

/** Benchmark name (as in the result files) → its baseline. */
export const benchBaselines = z.record(z.string().regex(/^[a-z][a-z-]*$/, "a benchmark name like purchase"), benchBaseline);
export type BenchBaselines = z.infer<typeof benchBaselines>;

export function parseBaselines(json: unknown): { ok: true; baselines: BenchBaselines } | { ok: false; reason: string } {
  const parsed = benchBaselines.safeParse(json);
  if (parsed.success) return { ok: true, baselines: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "not a baselines file" };
}
