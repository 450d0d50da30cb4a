// Presale and promo codes over HTTP: the public presale window of an event, and the admin's code
// batches (made in bulk, listed with their uses, exported as CSV) and presale window.
import { Router } from "express";
import { z } from "zod";
import { codeBatchInput, codeBatchView, codeListView, presaleInput, presaleView } from "@stampede/shared/api/codes";
import { isUuid } from "@stampede/shared/ids";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import { requireAdmin } from "../guards/admin.js";
import { HttpError } from "../errors.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import type { EventsService } from "../../services/events/events-service.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { AccessCodes } from "../../services/orders/access-codes.js";
import { refuseEnded } from "../../services/events/event-edit.js";
import { codesCsv } from "./codes-csv.js";

export interface AccessCodeRouteDeps {
  codes: AccessCodes;
  events: Pick<EventsService, "get">;
  admin: AdminAuthDeps;
}

const eventParams = z.object({ eventId: uuidParam });
const uuidQuery = z.string().refine(isUuid, "must be an id from this list").optional();
const listQuery = z.object({
  after: uuidQuery,
  batch: uuidQuery,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
/** Rows per page the CSV export reads (it reads them all). */
const csvPage = 1_000;

export function accessCodeRoutes(deps: AccessCodeRouteDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  const found = async (eventId: string, published = false): Promise<EventRecord> => {
    const event = await deps.events.get(eventId);
    if (!event || (published && (event.status === "draft" || event.status === "cancelled")))
      throw new HttpError(404, "not_found", "no such event");
    return event;
  };
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/presale",
      summary: "The event's presale: until when only fans with a presale code may buy, and whether it is on now",
      tags: ["events"],
      params: eventParams,
      responses: { 200: { description: "the presale", schema: presaleView }, 404: { description: "no such event" } },
    },
    async ({ params }) => deps.codes.presale((await found(params.eventId, true)).id),
  );
  presaleRoutes(router, registry, deps, found);
  codeRoutes(router, registry, deps, found);
  return router;
}

type Found = (eventId: string) => Promise<EventRecord>;
const tags = ["admin: codes"];

function presaleRoutes(router: Router, registry: OpenApiRegistry, deps: AccessCodeRouteDeps, found: Found): void {
  const path = "/api/admin/events/:eventId/presale";
  const answers = { 200: { description: "the presale", schema: presaleView }, 404: { description: "no such event" } };
  defineRoute(
    router,
    registry,
    {
      ...{ method: "get", path, summary: "The event's presale window", tags, security: "admin" },
      ...{ guards: [requireAdmin(deps.admin, ["viewer"])], params: eventParams, responses: answers },
    },
    async ({ params }) => deps.codes.presale((await found(params.eventId)).id),
  );
  defineRoute(
    router,
    registry,
    {
      method: "put",
      path,
      summary: "Set until when only fans with a presale code may hold tickets (null: no presale)",
      ...{ tags, security: "admin", guards: [requireAdmin(deps.admin)], params: eventParams, body: presaleInput },
      responses: { ...answers, 409: { description: "event_ended" }, 422: { description: "invalid" } },
    },
    async ({ params, body }) => {
      refuseEnded(await found(params.eventId));
      return deps.codes.setPresale(params.eventId, body.endsAt);
    },
  );
}

function codeRoutes(router: Router, registry: OpenApiRegistry, deps: AccessCodeRouteDeps, found: Found): void {
  const path = "/api/admin/events/:eventId/codes";
  const viewer = [requireAdmin(deps.admin, ["viewer"])];
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path,
      summary: "Make a batch of presale or promo codes (up to 10,000 alike; each used for up to `uses` orders)",
      ...{ tags, security: "admin", guards: [requireAdmin(deps.admin)], params: eventParams, body: codeBatchInput },
      responses: {
        201: { description: "made", schema: codeBatchView },
        404: { description: "no such event" },
        409: { description: "event_ended" },
        422: { description: "invalid" },
      },
    },
    async ({ params, body }, _req, res) => {
      const event = await found(params.eventId);
      refuseEnded(event);
      res.status(201);
      return deps.codes.createBatch(event, body);
    },
  );
  defineRoute(
    router,
    registry,
    {
      ...{ method: "get", path, summary: "The event's codes with their uses, oldest first (after: the cursor)" },
      ...{ tags, security: "admin", guards: viewer, params: eventParams, query: listQuery },
      responses: { 200: { description: "a page", schema: codeListView }, 404: { description: "no such event" } },
    },
    async ({ params, query }) =>
      deps.codes.list(await found(params.eventId), {
        ...{ after: query.after ?? null, limit: query.limit },
        ...(query.batch ? { batchId: query.batch } : {}),
      }),
  );
  defineRoute(
    router,
    registry,
    {
      ...{ method: "get", path: `${path}.csv`, summary: "The event's codes as CSV (batch: one batch's)" },
      ...{ tags, security: "admin", guards: viewer, params: eventParams, query: listQuery.pick({ batch: true }) },
      responses: { 200: { description: "CSV", contentType: "text/csv" }, 404: { description: "no such event" } },
    },
    async ({ params, query }, _req, res) => {
      const event = await found(params.eventId);
      const rows = [];
      for (let after: string | null = null; ;) {
        const page = await deps.codes.list(event, {
          after,
          limit: csvPage,
          ...(query.batch ? { batchId: query.batch } : {}),
        });
        rows.push(...page.codes);
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
      res.setHeader("Content-Disposition", `attachment; filename="${event.slug}-codes.csv"`);
      return res.type("text/csv").send(codesCsv(event, rows));
    },
  );
}
