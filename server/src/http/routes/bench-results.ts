// Recorded benchmark runs, read-only and public (the files are committed to the repository
// anyway): the list for the client's /bench page, with the baselines it compares against, and one
// whole file, answered only as its schema (shared/src/api/bench.ts benchRunFile) describes it. With
// BENCH_RESULTS_DIR empty there is no store and both answer 404.
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { defineRoute } from "../route.js";
import { benchFileName } from "../../services/bench/file-name.js";
import { benchRunFile, benchRunList } from "@stampede/shared/api/bench";
import type { BenchResultsStore } from "../../services/bench/results-store.js";

const fileParams = z.object({ file: benchFileName });

/** A file name that is not result-shaped is a bad request (400), answered before any file is touched. */
const requireResultFileName: RequestHandler = (req, _res, next) => {
  const parsed = benchFileName.safeParse(req.params.file);
  if (!parsed.success)
    throw new HttpError(
      400,
      "invalid_request",
      `params.file: ${parsed.error.issues[0]?.message ?? "not a result file name"}`,
    );
  next();
};

function storeOrNotFound(store: BenchResultsStore | null): BenchResultsStore {
  if (store === null)
    throw new HttpError(404, "not_found", "benchmark results are not served here (BENCH_RESULTS_DIR is empty)");
  return store;
}

export function benchRoutes(store: BenchResultsStore | null, registry: OpenApiRegistry): Router {
  const router = Router();
  const tags = ["benchmarks"];

  const listSummary =
    "Recorded benchmark runs, newest first (figures, calibration and per-process CPU; no config or extra), " +
    "and the baseline commit per benchmark from baselines.json (none when it is missing or malformed)";
  const listResponses = {
    200: { description: "the runs and the baselines", schema: benchRunList },
    404: { description: "not served (BENCH_RESULTS_DIR is empty)" },
  };
  defineRoute(
    router,
    registry,
    { method: "get", path: "/api/bench/results", summary: listSummary, tags, responses: listResponses },
    async () => {
      const served = storeOrNotFound(store);
      const [runs, baselines] = await Promise.all([served.list(), served.baselines()]);
      return { runs, baselines };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/bench/results/:file",
      summary: "One recorded benchmark run, the whole file",
      tags,
      params: fileParams,
      guards: [requireResultFileName],
      responses: {
        200: { description: "the result file as written by the benchmark", schema: benchRunFile },
        400: { description: "not a result file name" },
        404: { description: "no such readable result, or one its schema does not describe" },
      },
    },
    async ({ params }, req) => {
      const result = await storeOrNotFound(store).read(params.file);
      if (result === null) throw new HttpError(404, "not_found", `no benchmark result named ${params.file}`);
      // The listing is more lenient (older files, services/bench): a file it shows that this schema
      // refuses is answered 404 with the reason, never as a body the client would read as typed.
      const file = benchRunFile.safeParse(result);
      if (file.success) return file.data;
      const issue = file.error.issues[0];
      const reason = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "not a result file";
      req.log?.warn({ file: params.file, reason }, "benchmark result not answered: its schema does not describe it");
      throw new HttpError(
        404,
        "not_found",
        `${params.file} is not a result file as the benchmarks write it: ${reason}`,
      );
    },
  );

  return router;
}
