// Liveness (the process runs) and readiness (every dependency answers within its deadline).
import { Router } from "express";
import { withDeadline } from "@stampede/shared/deadline";
import { readinessCheckTimeoutMs } from "@stampede/shared/limits";

/** A named dependency check; it rejects or times out when the dependency is not usable. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

export async function runChecks(checks: ReadinessChecks): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withDeadline(check(), readinessCheckTimeoutMs, name);
        return [name, "ok"] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message || err.name : String(err)] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

export function healthRouter(checks: ReadinessChecks): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const results = await runChecks(checks);
    const failed = Object.keys(results).filter((k) => results[k] !== "ok");
    res.setHeader("Cache-Control", "no-store");
    if (failed.length === 0) {
      res.json({ status: "ready", checks: results });
      return;
    }
    res.status(503).json({
      error: { code: "not_ready", message: `not ready: ${failed.join(", ")} unavailable` },
      checks: results,
    });
  });
  return router;
}
