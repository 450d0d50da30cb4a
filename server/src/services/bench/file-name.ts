// The one shape a benchmark result's file name may have: bench/lib/result.ts writes
// `<ISO timestamp with ":" as "-">-<benchmark name>.json`. Anything else — a path, "..", another
// extension — is refused before the file system is asked, so a request can never leave the directory.
import { z } from "zod";

/** Long enough for any benchmark name; a longer name is not one of ours. */
export const benchFileNameCharsMax = 120;

const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(\.\d{1,6})?Z-[a-z][a-z-]*\.json$/;

export const benchFileName = z
  .string()
  .max(benchFileNameCharsMax)
  .regex(pattern, "a result file name like 2026-11-22T00-14-15.189Z-holds.json");

export function isBenchFileName(name: string): boolean {
  return benchFileName.safeParse(name).success;
}
