// The fairness audit over HTTP: the admin's report with one record per fan (also the JSON export:
// the same answer as an attachment with ?download=1) and the public summary for the transparency
// board — aggregate figures only, no fan ids, for published events.
import { Router } from "express";
import { z } from "zod";
import { fairnessQuery, fairnessReportView, fairnessSummary } from "@stampede/shared/api/fairness";
import { publishedStatuses } from "@stampede/shared/core/event-status";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import { requireAdmin } from "../guards/admin.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import type { EventsService } from "../../services/events/events-service.js";
import type { FairnessReports } from "../../services/events/fairness-report.js";

const eventParams = z.object({ eventId: uuidParam });

export interface FairnessRoutesDeps {
  events: Pick<EventsService, "get">;
  admin: AdminAuthDeps;
  reports: Pick<FairnessReports, "report" | "summary">;
}

async function eventId(deps: FairnessRoutesDeps, id: string, published: boolean): Promise<string> {
  const record = await deps.events.get(id);
  if (!record || (published && !publishedStatuses.includes(record.status)))
    throw new HttpError(404, "not_found", "no such event");
  return record.id;
}

export function fairnessRoutes(deps: FairnessRoutesDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/fairness",
      summary:
        "The fairness audit: admission-order inversions, time in line, drop-off, conversion, tickets by " +
        "queue-position decile, fans admitted after the sell-out, and one record per fan (?download=1: as a file)",
      tags: ["admin: events"],
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: eventParams,
      query: fairnessQuery,
      responses: {
        200: { description: "the report", schema: fairnessReportView },
        404: { description: "no such event" },
      },
    },
    async ({ params, query }, _req, res) => {
      const id = await eventId(deps, params.eventId, false);
      const report = await deps.reports.report(id);
      if (query.download === "1") res.setHeader("Content-Disposition", `attachment; filename="fairness-${id}.json"`);
      return report;
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/fairness",
      summary: "The fairness audit's figures for the transparency board (aggregates only, refreshed every few seconds)",
      tags: ["events"],
      params: eventParams,
      responses: {
        200: { description: "the summary", schema: fairnessSummary },
        404: { description: "no such event" },
      },
    },
    async ({ params }) => deps.reports.summary(await eventId(deps, params.eventId, true)),
  );
  return router;
}
